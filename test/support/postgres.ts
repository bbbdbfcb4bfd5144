/**
 * A throwaway PostgreSQL 15 cluster on a free loopback port. initdb/postgres refuse to run as root,
 * so as root they run as the `postgres` user with a data dir it owns. fsync is off (tests only).
 */
import * as fs from "fs";
import * as path from "path";
import { freePort, run, runOk, Service, startService, tempDir } from "./proc";

export const PG_BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

export interface PgServer extends Service {
  host: string;
  port: number;
  /** Bootstrap superuser (initdb -U). */
  user: string;
  password: string;
  dataDir: string;
  /** libpq environment for this server (PGHOST PGPORT PGUSER PGPASSWORD). */
  env(database?: string): NodeJS.ProcessEnv;
  /** Runs SQL with psql (ON_ERROR_STOP) and returns unaligned, tuples-only output. */
  psql(sql: string, database?: string): string;
}

const isRoot = process.getuid?.() === 0;
const asPostgres = (cmd: string, args: string[]): [string, string[]] => (isRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args]);

export async function startPostgres(opts: { superuser?: string; password?: string } = {}): Promise<PgServer> {
  const user = opts.superuser ?? "postgres";
  const password = opts.password ?? "test-password-Zq7";
  const root = tempDir("pg");
  const dataDir = path.join(root, "data");
  const pwFile = path.join(root, "pwfile");
  fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (isRoot) {
    fs.chmodSync(root, 0o755);
    runOk("chown", ["-R", "postgres:postgres", root]);
  }
  const [initCmd, initArgs] = asPostgres(path.join(PG_BIN, "initdb"), [
    "-D", dataDir, "-U", user, "--auth=scram-sha-256", `--pwfile=${pwFile}`, "-E", "UTF8", "--locale=C", "--no-sync",
  ]);
  runOk(initCmd, initArgs);
  fs.rmSync(pwFile);
  const port = await freePort();
  const [cmd, args] = asPostgres(path.join(PG_BIN, "postgres"), [
    "-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${dataDir}`,
    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
  ]);
  const svc = startService(cmd, args, { logFile: path.join(root, "postgres.log"), removeOnStop: root });
  // Only libpq variables: callers add them to a script's environment, which must not inherit the
  // developer's (AWS_CA_BUNDLE in particular breaks rclone).
  const env = (database = "postgres"): NodeJS.ProcessEnv => ({
    PGHOST: "127.0.0.1", PGPORT: String(port), PGUSER: user, PGPASSWORD: password, PGDATABASE: database,
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (svc.child.exitCode !== null) throw new Error(`postgres exited: ${fs.readFileSync(svc.logFile, "utf8")}`);
    if (run(path.join(PG_BIN, "pg_isready"), ["-q"], { env: { ...process.env, ...env() } }).status === 0) break;
    if (Date.now() > deadline) throw new Error(`postgres not ready after 20 s: ${fs.readFileSync(svc.logFile, "utf8")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    ...svc,
    host: "127.0.0.1",
    port,
    user,
    password,
    dataDir,
    env,
    psql(sql: string, database = "postgres") {
      return runOk(path.join(PG_BIN, "psql"), ["-X", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-q"], { env: { ...process.env, ...env(database) }, input: sql }).trim();
    },
  };
}
