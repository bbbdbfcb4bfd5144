/**
 * Postgres path benchmark, measured in one run on one generated database (~1 GB of dump):
 * - floor:   pg_dumpall > /dev/null
 * - backup:  pg-backup.sh end to end into a local S3 server (s3rver)
 * - backup on RGW: the same into a real Ceph RGW (test/support/rgw.ts) as a user holding the
 *            program's postgres writer policy, on a versioned bucket — signatures, policy checks
 *            and multipart ETags for real
 * - naive:   the seed's path — dump to a file, compress it, upload it
 * - restore: the drill's restore phase vs a plain `psql -f dump.sql` into a fresh cluster
 * - disk:    peak bytes the backup keeps in its TMPDIR (goal: no dump bytes at all)
 * Writes bench/results/postgres.json. Figures, not assertions.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { POSTGRES_SCRIPTS } from "../components/postgres-backup/scripts";
import { PG_BIN, PgServer, startPostgres } from "../test/support/postgres";
import { run, tempDir } from "../test/support/proc";
import { rclone } from "../test/support/rclone";
import { startS3 } from "../test/support/s3";
import { startRgw } from "../test/support/rgw";
import { hubEnv, runScript, s3Env, stageScripts } from "../test/support/scripts";
import { BACKUP_PATHS } from "../components/lib/backup-paths";
import { writerPolicy } from "../components/minio-hub/policies";
import { CreateBucketCommand, PutBucketVersioningCommand } from "@aws-sdk/client-s3";

const SCALE = Number(process.env.BENCH_PG_SCALE ?? 60);
const EXTRA_ROWS = Number(process.env.BENCH_PG_ROWS ?? 2_200_000);
/** Floor, backup and naive runs alternate this many times; medians are reported (2 shared cores are noisy). */
const REPEAT = Number(process.env.BENCH_PG_REPEAT ?? 3);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

function timed(label: string, fn: () => { status: number | null }): number {
  const start = process.hrtime.bigint();
  const res = fn();
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  if (res.status !== 0) throw new Error(`${label} failed: ${JSON.stringify(res).slice(0, 2000)}`);
  console.log(`  ${label}: ${round(s)} s`);
  return s;
}

/** Generates a database with realistic compressibility: pgbench tables plus prose, JSON and numbers. */
function generate(pg: PgServer): void {
  const pgbench = run(path.join(PG_BIN, "pgbench"), ["-i", "-q", "-s", String(SCALE), "-d", "postgres"], { env: { ...process.env, ...pg.env() }, timeoutMs: 600_000 });
  if (pgbench.status !== 0) throw new Error(pgbench.stderr);
  pg.psql(`
    CREATE DATABASE shop;
  `);
  pg.psql(`
    CREATE TABLE orders(id bigint PRIMARY KEY, placed_at timestamptz, customer text, status text, note text, total numeric(12,2), attrs jsonb);
    INSERT INTO orders
    SELECT g,
           timestamptz '2024-01-01' + (g || ' seconds')::interval * 17,
           (ARRAY['ana','bruno','carla','diego','elisa','fabio','gabi','heitor'])[1 + g % 8] || ' ' || md5((g % 50000)::text),
           (ARRAY['new','paid','shipped','delivered','returned'])[1 + (g * 7) % 5],
           (ARRAY['entregar na portaria','cliente pediu nota fiscal','embalagem para presente','frágil, manusear com cuidado',''])[1 + (g * 13) % 5]
             || ' ' || substr(md5(random()::text), 1, 1 + (g % 24)),
           round((random() * 900 + 10)::numeric, 2),
           jsonb_build_object('channel', (ARRAY['web','app','store'])[1 + g % 3], 'items', 1 + g % 9, 'coupon', CASE WHEN g % 11 = 0 THEN md5(g::text) END)
    FROM generate_series(1, ${EXTRA_ROWS}) g;
  `, "shop");
}

/** Runs the backup while sampling the bytes under its TMPDIR every 20 ms. */
async function backupWithDiskSampling(scripts: string, env: NodeJS.ProcessEnv, tmp: string): Promise<{ seconds: number; peakBytes: number; output: string }> {
  const du = (dir: string): number => {
    let total = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      try {
        if (e.isDirectory()) total += du(p);
        else if (e.isFile()) total += fs.statSync(p).size;
      } catch {
        /* removed while sampling */
      }
    }
    return total;
  };
  const base = { PATH: `/usr/lib/postgresql/15/bin:${process.env.PATH}`, HOME: process.env.HOME, LANG: "C.UTF-8", TMPDIR: tmp };
  const start = process.hrtime.bigint();
  const child = spawn("bash", [path.join(scripts, "pg-backup.sh")], { env: { ...base, ...env } });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, du(tmp))), 20);
  const status = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearInterval(timer);
  if (status !== 0) throw new Error(`backup failed: ${output}`);
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, peakBytes: peak, output };
}

export async function benchPostgres(): Promise<Record<string, unknown>> {
  const work = tempDir("bench-pg");
  const [source, s3, rgw] = await Promise.all([startPostgres(), startS3(["bench-backup", "bench-naive"]), startRgw({ osdBytes: 3 * 1024 ** 3 })]);
  const scratches: PgServer[] = [];
  try {
    console.log(`postgres bench: generating (pgbench scale ${SCALE} + ${EXTRA_ROWS} order rows)…`);
    generate(source);
    const scripts = stageScripts(POSTGRES_SCRIPTS);
    const env = { ...process.env, ...source.env() };
    delete env.AWS_CA_BUNDLE;

    const rgwBucket = "homelab-backup-postgres";
    await rgw.s3(rgw.admin).send(new CreateBucketCommand({ Bucket: rgwBucket }));
    await rgw.s3(rgw.admin).send(new PutBucketVersioningCommand({ Bucket: rgwBucket, VersioningConfiguration: { Status: "Enabled" } }));
    const writer = rgw.createUser("homelab-backup-postgres-backup");
    await rgw.putUserPolicy(writer.user, "homelab-backup-postgres-backup-write", JSON.stringify(writerPolicy(rgwBucket, BACKUP_PATHS.postgres.deletes)));
    const rgwBackups: number[] = [];

    const dumpFile = path.join(work, "dump.sql");
    const floors: number[] = [];
    const backups: Array<{ seconds: number; peakBytes: number; output: string }> = [];
    const naives: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      floors.push(timed(`floor #${i + 1}: pg_dumpall > /dev/null`, () => run("bash", ["-c", `${PG_BIN}/pg_dumpall -w > /dev/null`], { env, timeoutMs: 900_000 })));
      const tmp = tempDir("bench-tmp");
      const b = await backupWithDiskSampling(scripts, { ...hubEnv(s3, "bench-backup"), ...source.env(), BACKUP_PREFIX: "postgresql-18" }, tmp);
      console.log(`  backup #${i + 1} on s3rver: pg-backup.sh end to end: ${round(b.seconds)} s (peak TMPDIR ${b.peakBytes} bytes)`);
      backups.push(b);
      const onRgw = await backupWithDiskSampling(scripts, { ...s3Env(writer, rgwBucket), ...source.env(), BACKUP_PREFIX: "postgresql-18" }, tmp);
      console.log(`  backup #${i + 1} on RGW: pg-backup.sh end to end: ${round(onRgw.seconds)} s`);
      rgwBackups.push(onRgw.seconds);
      fs.rmSync(tmp, { recursive: true, force: true });
      naives.push(timed(`naive #${i + 1}: dump to file, zstd, upload`, () => {
        const dump = run("bash", ["-c", `${PG_BIN}/pg_dumpall -w > "${dumpFile}" && zstd -q -T0 -3 -k -f "${dumpFile}"`], { env, timeoutMs: 900_000 });
        if (dump.status !== 0) return dump;
        return rclone(s3, ["--s3-chunk-size", "64Mi", "copyto", `${dumpFile}.zst`, "s3:bench-naive/full.sql.zst"]);
      }));
    }
    const floor = median(floors);
    const backup = { seconds: median(backups.map((b) => b.seconds)), peakBytes: Math.max(...backups.map((b) => b.peakBytes)), output: backups[0].output };
    const naive = median(naives);
    const rawBytes = Number(/raw_bytes=(\d+)/.exec(backup.output)?.[1]);
    const storedBytes = Number(/phase=dump raw_bytes=\S+ bytes=(\d+)/.exec(backup.output)?.[1]);
    const naiveDiskBytes = fs.statSync(dumpFile).size + fs.statSync(`${dumpFile}.zst`).size;
    const phase = (name: string) => median(backups.map((b) => Number(new RegExp(`phase=${name} .*seconds=([\\d.]+)`).exec(b.output)?.[1])));
    const phases = { preflight: phase("preflight"), dump: phase("dump"), commit: phase("commit") };

    const drillScratch = await startPostgres({ superuser: "drilladmin" });
    scratches.push(drillScratch);
    const drill = runScript(scripts, "pg-restore-drill.sh", { ...hubEnv(s3, "bench-backup"), ...drillScratch.env(), BACKUP_PREFIX: "postgresql-18", EXPECTED_DATABASES: "postgres,shop", DRILL_WORK_DIR: work }, { timeoutMs: 1_800_000 });
    if (drill.status !== 0) throw new Error(`drill failed: ${drill.output}`);
    const drillRestore = Number(/restore OK .* seconds=([\d.]+)/.exec(drill.output)?.[1]);
    console.log(`  drill: restore phase ${drillRestore} s, whole drill ${round(drill.seconds)} s`);

    const plainScratch = await startPostgres({ superuser: "drilladmin" });
    scratches.push(plainScratch);
    const plain = timed("plain restore: psql -f dump.sql into a fresh cluster", () =>
      run(path.join(PG_BIN, "psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null", "-f", dumpFile, "-d", "postgres"], { env: { ...process.env, ...plainScratch.env() }, timeoutMs: 1_800_000 }));

    return {
      generated: { pgbenchScale: SCALE, orderRows: EXTRA_ROWS, dumpRawBytes: rawBytes, storedBytes, compressionRatio: round(rawBytes / storedBytes) },
      repeat: REPEAT,
      seconds: {
        floor: round(floor), backup: round(backup.seconds), backupOnRgw: round(median(rgwBackups)), naive: round(naive), drillRestore, drillTotal: round(drill.seconds), plainRestore: round(plain),
        all: { floor: floors.map((x) => round(x)), backup: backups.map((b) => round(b.seconds)), backupOnRgw: rgwBackups.map((x) => round(x)), naive: naives.map((x) => round(x)) },
      },
      backupPhasesSeconds: phases,
      ratios: {
        backupToFloor: round(backup.seconds / floor),
        backupOnRgwToFloor: round(median(rgwBackups) / floor),
        backupOnRgwToBackupOnS3rver: round(median(rgwBackups) / backup.seconds),
        dumpPhaseToFloor: round(phases.dump / floor),
        naiveToBackup: round(naive / backup.seconds),
        drillRestoreToPlainRestore: round(drillRestore / plain),
      },
      goals: { backupToFloor: "<= 1.15", drillRestoreToPlainRestore: "<= 1.2", backupPeakDumpBytesOnDisk: 0 },
      disk: { backupPeakTmpdirBytes: backup.peakBytes, naivePeakBytes: naiveDiskBytes },
    };
  } finally {
    await Promise.all([source.stop(), s3.stop(), rgw.stop(), ...scratches.map((s) => s.stop())]);
    fs.rmSync(work, { recursive: true, force: true });
  }
}
