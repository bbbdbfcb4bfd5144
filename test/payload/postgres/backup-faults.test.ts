/**
 * pg-backup.sh under faults (faults.md 1, 2, 5, 6, 9, 10): every failure exits non-zero with a
 * one-line cause and leaves nothing at the final keys — nor any temporary object.
 */
import * as fs from "fs";
import * as path from "path";
import { freePort, run, tempDir } from "../../support/proc";
import { startPostgres, PgServer } from "../../support/postgres";
import { startS3, S3Server } from "../../support/s3";
import { hubEnv, runScript } from "../../support/scripts";
import { PREFIX, fakePgDumpall, keysIn, scriptName, seedBulk, seedSource, stagePostgresScripts, todayDir } from "./fixtures";

const BUCKETS = ["midstream", "nofinal", "badpass", "oldclient", "bulk", "unreachable"];
let source: PgServer;
let s3: S3Server;
let scripts: string;

beforeAll(async () => {
  [source, s3] = await Promise.all([startPostgres({ password: "Src-Secret-Pw-7781" }), startS3(BUCKETS)]);
  seedSource(source);
  scripts = stagePostgresScripts();
}, 60_000);
afterAll(async () => {
  await Promise.all([source?.stop(), s3?.stop()]);
});

const env = (bucket: string, extra: NodeJS.ProcessEnv = {}) => ({ ...hubEnv(s3, bucket), ...source.env(), BACKUP_PREFIX: PREFIX, ...extra });

describe("pg-backup.sh under faults", () => {
  it("pg_dumpall dying mid-stream: exits non-zero, nothing at the final keys, no temporary object, drill finds nothing", () => {
    const fake = fakePgDumpall([
      '"$REAL" "$@" | head -c 20000',
      'echo "pg_dumpall: error: query failed: server closed the connection unexpectedly" >&2',
      "exit 1",
    ].join("\n"));
    const res = runScript(scripts, scriptName.backup, env("midstream"), { pathPrefix: fake });
    expect(res.status).not.toBe(0);
    expect(res.output).toContain("FAILED: pg_dumpall failed (exit 1): pg_dumpall: error: query failed: server closed the connection unexpectedly");
    expect(keysIn(s3, "midstream")).toEqual([]);

    const drill = runScript(scripts, scriptName.drill, { ...hubEnv(s3, "midstream"), PGHOST: "127.0.0.1", PGUSER: "x", BACKUP_PREFIX: PREFIX, EXPECTED_DATABASES: "appdb" });
    expect(drill.status).not.toBe(0);
    expect(drill.output).toContain("FAILED: no committed backup under postgresql-18/");
  });

  it("a dump without pg_dumpall's completion line: refused as incomplete even though it exited 0", () => {
    const fake = fakePgDumpall("\"$REAL\" \"$@\" | grep -vxF -- '-- PostgreSQL database cluster dump complete'");
    const res = runScript(scripts, scriptName.backup, env("nofinal"), { pathPrefix: fake });
    expect(res.status).not.toBe(0);
    expect(res.output).toContain("FAILED: dump incomplete: pg_dumpall output lacks its final '-- PostgreSQL database cluster dump complete' line");
    expect(keysIn(s3, "nofinal")).toEqual([]);
  });

  it("the hub unreachable: exits non-zero within a bounded time, nothing committed", async () => {
    const closed = await freePort();
    const res = runScript(scripts, scriptName.backup, env("unreachable", { BACKUP_S3_ENDPOINT: `http://127.0.0.1:${closed}` }));
    expect(res.status).not.toBe(0);
    expect(res.output).toContain(`FAILED: backup hub http://127.0.0.1:${closed} bucket unreachable not reachable:`);
    expect(res.seconds).toBeLessThan(60);
    expect(keysIn(s3, "unreachable")).toEqual([]);
  });

  it("the bucket missing: exits non-zero naming the bucket", () => {
    const res = runScript(scripts, scriptName.backup, env("no-such-bucket"));
    expect(res.status).not.toBe(0);
    expect(res.output).toContain(`FAILED: backup hub ${s3.endpoint}: bucket no-such-bucket does not exist (NoSuchBucket)`);
    expect(res.seconds).toBeLessThan(60);
  });

  it("a wrong PostgreSQL password: exits non-zero, nothing committed, the password never printed", () => {
    const res = runScript(scripts, scriptName.backup, env("badpass", { PGPASSWORD: "Wrong-Pw-Never-Printed-5513" }));
    expect(res.status).not.toBe(0);
    expect(res.output).toContain(`FAILED: cannot connect to PostgreSQL at 127.0.0.1:${source.port} as postgres:`);
    expect(res.output).toContain("password authentication failed");
    expect(res.output).not.toContain("Wrong-Pw-Never-Printed-5513");
    expect(res.output).not.toContain("Src-Secret-Pw-7781");
    expect(keysIn(s3, "badpass")).toEqual([]);
  });

  it("PostgreSQL unreachable: exits non-zero within a bounded time", async () => {
    const closed = await freePort();
    const res = runScript(scripts, scriptName.backup, env("badpass", { PGPORT: String(closed) }));
    expect(res.status).not.toBe(0);
    expect(res.output).toContain(`FAILED: cannot connect to PostgreSQL at 127.0.0.1:${closed} as postgres:`);
    expect(res.seconds).toBeLessThan(30);
    expect(keysIn(s3, "badpass")).toEqual([]);
  });

  it("a dump client older than the server: refused with the versions and the fix", () => {
    const fake = fakePgDumpall('exec "$REAL" "$@"', "14.9");
    const res = runScript(scripts, scriptName.backup, env("oldclient"), { pathPrefix: fake });
    expect(res.status).not.toBe(0);
    expect(res.output).toContain("FAILED: pg_dumpall 14.9 is older than the server (PostgreSQL 15); use a toolbox image with PostgreSQL client >= 15");
    expect(keysIn(s3, "oldclient")).toEqual([]);
  });

  describe("a database larger than the free local disk", () => {
    beforeAll(() => seedBulk(source, 24), 60_000);

    it("the limit is real: a process under `ulimit -f 256` cannot write a 1 MiB file", () => {
      const dir = tempDir("ulimit");
      const file = path.join(dir, "x");
      const res = run("bash", ["-c", `ulimit -f 256; head -c 1048576 /dev/zero > "${file}"`]);
      expect(res.status).not.toBe(0);
      expect(fs.statSync(file).size).toBeLessThanOrEqual(256 * 1024);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("still backs up: the dump streams through, no file over 256 KiB is ever written, TMPDIR is left empty", () => {
      const tmp = tempDir("pgtmp");
      const res = runScript(scripts, scriptName.backup, env("bulk", { TMPDIR: tmp }), { shellPrefix: "ulimit -f 256" });
      expect(res.output).toContain("backup OK");
      expect(res.status).toBe(0);
      const raw = Number(/raw_bytes=(\d+)/.exec(res.output)?.[1]);
      const stored = Number(/phase=dump raw_bytes=\d+ bytes=(\d+)/.exec(res.output)?.[1]);
      expect(raw).toBeGreaterThan(12 * 1024 * 1024);
      expect(stored).toBeGreaterThan(4 * 256 * 1024);
      expect(keysIn(s3, "bulk")).toEqual([`${todayDir()}/full.sql.zst`, `${todayDir()}/full.sql.zst.sha256`, `${todayDir()}/manifest.json`]);
      expect(fs.readdirSync(tmp)).toEqual([]);
      fs.rmSync(tmp, { recursive: true, force: true });
    }, 120_000);
  });
});
