/**
 * Backup → drill round trip on real PostgreSQL 15, s3rver, rclone and zstd: a cluster with several
 * databases and roles is dumped, committed, restored into a scratch server and checked row by row.
 */
import { createHash } from "crypto";
import { startPostgres, PgServer } from "../../support/postgres";
import { readObject } from "../../support/rclone";
import { startS3, S3Server } from "../../support/s3";
import { hubEnv, runScript } from "../../support/scripts";
import { BUCKET, PREFIX, SEEDED_TABLE_COUNTS, keysIn, scriptName, seedSource, stagePostgresScripts, todayDir } from "./fixtures";

let source: PgServer;
let s3: S3Server;
let scripts: string;

beforeAll(async () => {
  [source, s3] = await Promise.all([startPostgres({ password: "src-Pa55-never-logged" }), startS3([BUCKET])]);
  seedSource(source);
  scripts = stagePostgresScripts();
}, 60_000);
afterAll(async () => {
  await Promise.all([source?.stop(), s3?.stop()]);
});

const catObject = (key: string): Buffer => readObject(s3, BUCKET, key);

describe("postgres backup → restore drill round trip", () => {
  const backupEnv = () => ({ ...hubEnv(s3, BUCKET), ...source.env(), BACKUP_PREFIX: PREFIX });

  it("streams the dump, writes manifest and the sha256 marker, and leaves no temporary object", () => {
    const res = runScript(scripts, scriptName.backup, backupEnv());
    expect(res.output).toContain("phase=preflight server=15");
    expect(res.output).toMatch(/phase=dump raw_bytes=\d+ bytes=\d+ seconds=[\d.]+/);
    expect(res.output).toContain(`backup OK key=${todayDir()}/full.sql.zst`);
    expect(res.status).toBe(0);
    expect(keysIn(s3)).toEqual([`${todayDir()}/full.sql.zst`, `${todayDir()}/full.sql.zst.sha256`, `${todayDir()}/manifest.json`]);
    expect(res.output).not.toContain("src-Pa55-never-logged");
  });

  it("commits a marker in sha256sum format that matches the stored object, and an accurate manifest", () => {
    const object = catObject(`${todayDir()}/full.sql.zst`);
    const marker = catObject(`${todayDir()}/full.sql.zst.sha256`).toString("utf8");
    expect(marker).toMatch(/^[0-9a-f]{64} {2}full\.sql\.zst\n$/);
    expect(marker.slice(0, 64)).toBe(createHash("sha256").update(object).digest("hex"));
    const manifest = JSON.parse(catObject(`${todayDir()}/manifest.json`).toString("utf8"));
    expect(manifest).toMatchObject({
      key: `${todayDir()}/full.sql.zst`,
      sha256: marker.slice(0, 64),
      bytes: object.length,
      databases: ["analytics", "appdb", "postgres"],
      tableCounts: SEEDED_TABLE_COUNTS,
    });
    expect(manifest.pgDumpallVersion).toMatch(/^15\./);
    expect(Math.floor(manifest.serverVersionNum / 10000)).toBe(15);
    expect(manifest.rawBytes).toBeGreaterThan(object.length);
  });

  it("restores into a scratch cluster bootstrapped as another superuser and proves rows, roles and grants", async () => {
    const scratch = await startPostgres({ superuser: "drilladmin" });
    try {
      const res = runScript(scripts, scriptName.drill, {
        ...hubEnv(s3, BUCKET), ...scratch.env(), BACKUP_PREFIX: PREFIX, EXPECTED_DATABASES: "appdb, analytics",
      });
      expect(res.output).toContain(`using backup ${todayDir()}/full.sql.zst (newest committed)`);
      expect(res.output).toContain("sha256 OK");
      expect(res.output).toContain("restore OK");
      expect(res.output).toContain("smoke OK databases=3 expected=2 table_counts_checked=3");
      expect(res.output).toMatch(new RegExp(`drill OK backup=${todayDir()}/full.sql.zst bytes=\\d+ databases=3 restore_seconds=[\\d.]+`));
      expect(res.status).toBe(0);
      expect(scratch.psql("SELECT count(*), min(name) FROM customers", "appdb")).toBe("500|Cliente nº 1 — São Paulo");
      expect(scratch.psql("SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id", "appdb")).toBe("1500");
      expect(scratch.psql("SELECT count(*) FROM raw.events WHERE payload->>'tag' = 'évènement'", "analytics")).toBe("2000");
      expect(scratch.psql("SELECT rolname FROM pg_roles WHERE rolname IN ('app_owner', 'reporting', 'postgres') ORDER BY 1")).toBe("app_owner\npostgres\nreporting");
      expect(scratch.psql("SELECT has_table_privilege('reporting', 'customers', 'SELECT')", "appdb")).toBe("t");
      expect(scratch.psql("SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'appdb'")).toBe("app_owner");
    } finally {
      await scratch.stop();
    }
    const reports = keysIn(s3).filter((k) => k.startsWith(`${PREFIX}/_drills/`));
    expect(reports).toHaveLength(1);
    const report = JSON.parse(catObject(reports[0]).toString("utf8"));
    expect(report).toMatchObject({ result: "ok", backup: `${todayDir()}/full.sql.zst`, databasesRestored: 3 });
    expect(report.restoreSeconds).toBeGreaterThan(0);
  }, 60_000);
});
