/**
 * pg-restore-drill.sh under faults (faults.md 2, 3, 4, 7, 8, 10). Each test starts from a copy of
 * one real committed backup and damages it in one way.
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import { freePort } from "../../support/proc";
import { startPostgres, PgServer } from "../../support/postgres";
import { rclone, readObject, writeObject } from "../../support/rclone";
import { startS3, S3Server } from "../../support/s3";
import { hubEnv, runScript } from "../../support/scripts";
import { PREFIX, copyDay, keysIn, scriptName, seedSource, stagePostgresScripts, todayDir } from "./fixtures";

const BUCKETS = ["golden", "flipped", "incomplete", "uncommitted", "nonecommitted", "pgboot", "sqlerror", "missingdb", "newerdump"];
let source: PgServer;
let s3: S3Server;
let scripts: string;

beforeAll(async () => {
  [source, s3] = await Promise.all([startPostgres(), startS3(BUCKETS)]);
  seedSource(source);
  scripts = stagePostgresScripts();
  const res = runScript(scripts, scriptName.backup, { ...hubEnv(s3, "golden"), ...source.env(), BACKUP_PREFIX: PREFIX });
  if (res.status !== 0) throw new Error(`golden backup failed: ${res.output}`);
}, 60_000);
afterAll(async () => {
  await Promise.all([source?.stop(), s3?.stop()]);
});

const DUMP = () => `${todayDir()}/full.sql.zst`;
const copyGolden = (bucket: string) => {
  const res = rclone(s3, ["copy", "--fast-list", "s3:golden", `s3:${bucket}`]);
  if (res.status !== 0) throw new Error(res.stderr);
};
const zstd = (args: string[], input: Buffer): Buffer => {
  const res = spawnSync("zstd", args, { input, maxBuffer: 256 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(String(res.stderr));
  return res.stdout;
};
/** Rewrites the stored dump's SQL and re-signs it, so sha256 and zstd both pass. */
const rewriteDump = (bucket: string, edit: (sql: string) => string) => {
  const sql = zstd(["-dc"], readObject(s3, bucket, DUMP())).toString("utf8");
  const edited = zstd(["-q", "-c"], Buffer.from(edit(sql), "utf8"));
  writeObject(s3, bucket, DUMP(), edited);
  writeObject(s3, bucket, `${DUMP()}.sha256`, `${createHash("sha256").update(edited).digest("hex")}  full.sql.zst\n`);
};
const drill = (bucket: string, scratch: NodeJS.ProcessEnv, extra: NodeJS.ProcessEnv = {}) =>
  runScript(scripts, scriptName.drill, { ...hubEnv(s3, bucket), ...scratch, BACKUP_PREFIX: PREFIX, EXPECTED_DATABASES: "appdb,analytics", ...extra });

/** A scratch endpoint where nothing listens: a drill that touched PostgreSQL would say so. */
const nowhere = async (): Promise<NodeJS.ProcessEnv> => ({ PGHOST: "127.0.0.1", PGPORT: String(await freePort()), PGUSER: "drilladmin", READY_TIMEOUT_SECONDS: "1" });

async function withScratch<T>(superuser: string, fn: (pg: PgServer) => T): Promise<T> {
  const pg = await startPostgres({ superuser });
  try {
    return fn(pg);
  } finally {
    await pg.stop();
  }
}

describe("pg-restore-drill.sh under faults", () => {
  it("one flipped byte in the stored dump: sha256 mismatch, non-zero, PostgreSQL never touched", async () => {
    copyGolden("flipped");
    const bytes = readObject(s3, "flipped", DUMP());
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    writeObject(s3, "flipped", DUMP(), bytes);
    const res = drill("flipped", await nowhere());
    expect(res.status).not.toBe(0);
    expect(res.output).toContain(`FAILED: sha256 mismatch for ${DUMP()}`);
    expect(res.output).toContain("PostgreSQL not touched");
    expect(res.output).not.toContain("not ready");
    expect(res.output).not.toContain("sha256 OK");
  });

  it("a dump without the completion line, though zstd and sha256 pass: dump incomplete, non-zero", async () => {
    copyGolden("incomplete");
    rewriteDump("incomplete", (sql) => sql.replace("-- PostgreSQL database cluster dump complete\n", ""));
    const res = await withScratch("drilladmin", (pg) => drill("incomplete", pg.env()));
    expect(res.output).toContain("sha256 OK");
    expect(res.output).toContain(`FAILED: dump incomplete: ${DUMP()} lacks pg_dumpall's final '-- PostgreSQL database cluster dump complete' line`);
    expect(res.output).not.toContain("restore OK");
    expect(res.status).not.toBe(0);
  }, 60_000);

  it("the newest day uncommitted: restores the newest committed one and says which it skipped", async () => {
    copyGolden("uncommitted");
    copyDay(s3, "uncommitted", todayDir(), `${PREFIX}/2099/12/31`, ["full.sql.zst"]);
    copyDay(s3, "uncommitted", todayDir(), `${PREFIX}/2020/01/01`);
    const res = await withScratch("drilladmin", (pg) => drill("uncommitted", pg.env()));
    expect(res.output).toContain(`skipping ${PREFIX}/2099/12/31/full.sql.zst: no commit marker (uncommitted)`);
    expect(res.output).toContain(`using backup ${DUMP()} (newest committed)`);
    expect(res.output).toContain("drill OK");
    expect(res.status).toBe(0);
  }, 60_000);

  it("no committed backup at all: no committed backup, non-zero", async () => {
    expect(rclone(s3, ["copyto", `s3:golden/${DUMP()}`, `s3:nonecommitted/${PREFIX}/2026/01/05/full.sql.zst`]).status).toBe(0);
    const res = drill("nonecommitted", await nowhere());
    expect(res.status).not.toBe(0);
    expect(res.output).toContain(`skipping ${PREFIX}/2026/01/05/full.sql.zst: no commit marker (uncommitted)`);
    expect(res.output).toContain(`FAILED: no committed backup under ${PREFIX}/`);
  });

  it("a scratch cluster bootstrapped as postgres: restores under ON_ERROR_STOP all the same", async () => {
    copyGolden("pgboot");
    const res = await withScratch("postgres", (pg) => {
      const r = drill("pgboot", pg.env());
      // the dump's ALTER ROLE postgres … PASSWORD was dropped: the drill's own login still works
      expect(pg.psql("SELECT count(*) FROM customers", "appdb")).toBe("500");
      return r;
    });
    expect(res.output).toContain("restore OK");
    expect(res.output).toContain("smoke OK");
    expect(res.status).toBe(0);
  }, 60_000);

  it("any other SQL error in the dump: the restore stops and the drill fails", async () => {
    copyGolden("sqlerror");
    rewriteDump("sqlerror", (sql) => sql.replace("-- PostgreSQL database cluster dump complete", "SELECT * FROM no_such_table;\n-- PostgreSQL database cluster dump complete"));
    const res = await withScratch("drilladmin", (pg) => drill("sqlerror", pg.env()));
    expect(res.output).toContain("sha256 OK");
    expect(res.output).toMatch(/FAILED: restore failed: psql:<stdin>:\d+: ERROR: {2}relation "no_such_table" does not exist/);
    expect(res.status).not.toBe(0);
  }, 60_000);

  it("an expected database missing from the restored cluster: missing database <name>, non-zero", async () => {
    copyGolden("missingdb");
    const res = await withScratch("drilladmin", (pg) => drill("missingdb", pg.env(), { EXPECTED_DATABASES: "appdb, ghostdb" }));
    expect(res.output).toContain("restore OK");
    expect(res.output).toContain("FAILED: missing database ghostdb in the restored cluster");
    expect(res.status).not.toBe(0);
  }, 60_000);

  it("a dump made by a newer pg_dumpall than the drill's psql: refused with the versions", async () => {
    copyGolden("newerdump");
    const manifestKey = `${todayDir()}/manifest.json`;
    const manifest = JSON.parse(readObject(s3, "newerdump", manifestKey).toString("utf8"));
    writeObject(s3, "newerdump", manifestKey, JSON.stringify({ ...manifest, pgDumpallVersion: "17.6" }));
    const res = drill("newerdump", await nowhere());
    expect(res.status).not.toBe(0);
    expect(res.output).toMatch(/FAILED: psql 15\.\d+ is older than the dump's pg_dumpall 17\.6; use a toolbox image with PostgreSQL client >= 17/);
  });

  it("writes nothing but its drill report: a failed drill reports its cause too", () => {
    const reports = keysIn(s3, "flipped").filter((k) => k.includes("_drills"));
    expect(reports).toHaveLength(1);
    const report = JSON.parse(readObject(s3, "flipped", reports[0]).toString("utf8"));
    expect(report).toMatchObject({ result: "failed", backup: `${todayDir()}/full.sql.zst` });
    expect(report.reason).toMatch(/^sha256 mismatch for /);
    expect(keysIn(s3, "flipped").filter((k) => !k.startsWith(`${todayDir()}/`) && !k.includes("_drills"))).toEqual([]);
    expect(keysIn(s3, "pgboot").filter((k) => k.includes("_drills"))).toHaveLength(1);
  });
});
