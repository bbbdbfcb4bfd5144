/** A source cluster worth backing up: several databases and roles, unicode, JSON, a FK, grants. */
import * as fs from "fs";
import * as path from "path";
import { PG_BACKUP_SCRIPT, PG_RESTORE_DRILL_SCRIPT, POSTGRES_SCRIPTS } from "../../../components/postgres-backup/scripts";
import { PgServer } from "../../support/postgres";
import { listObjects, rclone, S3Target } from "../../support/rclone";
import { stageScripts } from "../../support/scripts";

export const PREFIX = "postgresql-18";
export const BUCKET = "homelab-backup-postgres";

/** Tables per database after {@link seedSource} (user tables only). */
export const SEEDED_TABLE_COUNTS = { analytics: 2, appdb: 2, postgres: 0 };

export function seedSource(pg: PgServer): void {
  pg.psql(`
    CREATE ROLE app_owner LOGIN PASSWORD 'app-owner-pw';
    CREATE ROLE reporting NOLOGIN;
    CREATE DATABASE appdb OWNER app_owner;
    CREATE DATABASE analytics;
  `);
  pg.psql(`
    CREATE TABLE customers(id int PRIMARY KEY, name text NOT NULL, note text);
    INSERT INTO customers SELECT g, 'Cliente nº ' || g || ' — São Paulo', md5(g::text) FROM generate_series(1, 500) g;
    CREATE TABLE orders(id int PRIMARY KEY, customer_id int REFERENCES customers(id), total numeric(10,2));
    INSERT INTO orders SELECT g, 1 + g % 500, g * 1.5 FROM generate_series(1, 1500) g;
    ALTER TABLE customers OWNER TO app_owner;
    GRANT SELECT ON customers TO reporting;
  `, "appdb");
  pg.psql(`
    CREATE SCHEMA raw;
    CREATE TABLE raw.events(id bigserial PRIMARY KEY, payload jsonb);
    INSERT INTO raw.events(payload) SELECT jsonb_build_object('n', g, 'tag', 'évènement') FROM generate_series(1, 2000) g;
    CREATE TABLE daily(day date, n int);
    INSERT INTO daily SELECT DATE '2026-01-01' + g, g FROM generate_series(0, 99) g;
  `, "analytics");
}

/** Adds ~`mb` MB of poorly compressible rows in database `bulk` (for the no-disk-staging test). */
export function seedBulk(pg: PgServer, mb: number): void {
  pg.psql("CREATE DATABASE bulk");
  pg.psql(`CREATE TABLE blob(id int, body text);
    INSERT INTO blob SELECT g, string_agg(md5(random()::text), '') FROM generate_series(1, ${mb * 200}) g, generate_series(1, 100) r GROUP BY g;`, "bulk");
}

export function todayDir(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, "0");
  return `${PREFIX}/${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}`;
}

export function keysIn(s3: S3Target, bucket = BUCKET): string[] {
  return listObjects(s3, bucket).map((o) => o.Path).sort();
}

/** Copies one backup day's objects to another day in `bucket` (builds histories without waiting for dates). */
export function copyDay(s3: S3Target, bucket: string, fromDir: string, toDir: string, files = ["full.sql.zst", "full.sql.zst.sha256", "manifest.json"]): void {
  for (const f of files) {
    const res = rclone(s3, ["copyto", `s3:${bucket}/${fromDir}/${f}`, `s3:${bucket}/${toDir}/${f}`]);
    if (res.status !== 0) throw new Error(`copy ${f} failed: ${res.stderr}`);
  }
}

export function stagePostgresScripts(): string {
  return stageScripts(POSTGRES_SCRIPTS);
}

export const scriptName = { backup: path.basename(PG_BACKUP_SCRIPT), drill: path.basename(PG_RESTORE_DRILL_SCRIPT) };

/**
 * A directory holding a fake `pg_dumpall` (put first on PATH) that runs the real one and then
 * misbehaves as `body` says. `--version` answers `version` or the real version.
 */
export function fakePgDumpall(body: string, version?: string): string {
  const dir = stageScripts([]);
  const real = "/usr/lib/postgresql/15/bin/pg_dumpall";
  const script = [
    "#!/usr/bin/env bash",
    `if [[ "\${1:-}" == --version ]]; then ${version ? `echo "pg_dumpall (PostgreSQL) ${version}"` : `exec ${real} --version`}; exit 0; fi`,
    `REAL=${real}`,
    body,
    "",
  ].join("\n");
  fs.writeFileSync(path.join(dir, "pg_dumpall"), script, { mode: 0o755 });
  return dir;
}
