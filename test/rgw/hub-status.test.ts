/**
 * Hub truth (issue #12) on a real RGW: after the writers' scripts ran for real (a committed dump and
 * its drill, two etcd snapshots, a mirror run), the hub reader — a user holding the policy the
 * program renders — lists the buckets; facts.jq turns the listings into per-path facts; the exporter
 * serves them over HTTP and `npm run status` prints them row by row.
 */
import {
  CopyObjectCommand, CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutBucketVersioningCommand, PutObjectCommand,
} from "@aws-sdk/client-s3";
import * as path from "path";
import { hubPaths, HubPath } from "../../components/hub-status/paths";
import { HUB_METRICS } from "../../components/hub-status/metrics";
import { HUB_STATUS_FILES } from "../../components/hub-status/scripts";
import { parseStackConfig } from "../../tools/stack-config";
import { controlPlaneNode, snapshotName } from "../support/etcd-node";
import { startPostgres } from "../support/postgres";
import { freePort, run, startService, tempDir } from "../support/proc";
import { ROOT } from "../support/program";
import { RgwUser } from "../support/rgw";
import { runScript, s3Env, stageScripts } from "../support/scripts";
import { PREFIX as PG_PREFIX, scriptName, todayDir } from "../payload/postgres/fixtures";
import { Hub, outcome, scriptWorld, ScriptWorld } from "./hub";

const world = scriptWorld({ stacks: ["homelab"], snapshots: 2, bulkMb: 0 });
let hub: Hub;
let scripts: ScriptWorld["scripts"];
let reader: RgwUser;
let statusScripts: string;
const config = parseStackConfig(ROOT, "homelab");
const paths: HubPath[] = hubPaths(config);

interface Row { path: string; bucket: string; verdict: string; reason: string; newest: { key: string; time: number; bytes: number } | null; objects?: number;
  drill: { result: string; restoreSeconds: number | null; reason?: string | null } | null; nodes?: Record<string, { key: string }> }
function facts(pathsJson: HubPath[] = paths): Record<string, Row> {
  const res = runScript(statusScripts, "hub-facts.sh", { ...s3Env(reader, ""), HUB_PATHS: JSON.stringify(pathsJson) });
  if (res.status !== 0) throw new Error(res.output);
  return Object.fromEntries((JSON.parse(res.output).paths as Row[]).map((r) => [r.path, r]));
}

beforeAll(async () => {
  ({ hub, scripts } = world);
  reader = hub.reader();
  statusScripts = stageScripts(HUB_STATUS_FILES);
  const pgW = hub.writer("postgres");
  expect(runScript(scripts.postgres, scriptName.backup, { ...s3Env(pgW, pgW.bucket), ...world.pg.env(), BACKUP_PREFIX: PG_PREFIX }).status).toBe(0);
  const scratch = await startPostgres({ superuser: "drilladmin" });
  try {
    expect(runScript(scripts.postgres, scriptName.drill, { ...s3Env(pgW, pgW.bucket), ...scratch.env(), BACKUP_PREFIX: PG_PREFIX, EXPECTED_DATABASES: "appdb" }).status).toBe(0);
  } finally {
    await scratch.stop();
  }
  const etcdW = hub.writer("etcdOffload");
  const node = controlPlaneNode({ [snapshotName(0)]: world.snapshots[0], [snapshotName(1)]: world.snapshots[1] });
  expect(runScript(scripts.etcd, "etcd-offload.sh", { ...s3Env(etcdW, etcdW.bucket), SNAPSHOT_DIR: node.snapshots, STATE_DIRECTORY: node.state, NODE_NAME: "cp-1", TOKEN_FILE: node.token }).status).toBe(0);
  const source = hub.rgw.createUser("cluster-app", { canCreateBuckets: true });
  await hub.rgw.s3(source).send(new CreateBucketCommand({ Bucket: "photos" }));
  await hub.rgw.s3(source).send(new PutObjectCommand({ Bucket: "photos", Key: "a.jpg", Body: "jpeg" }));
  const mW = hub.writer("rgwMirror");
  expect(runScript(scripts.mirror, "rgw-mirror.sh", {
    ...s3Env(mW, mW.bucket), SOURCE_S3_ENDPOINT: hub.rgw.endpoint, SOURCE_S3_ACCESS_KEY_ID: source.accessKeyId, SOURCE_S3_SECRET_ACCESS_KEY: source.secretAccessKey, RGW_BUCKETS: "photos",
  }).status).toBe(0);
}, 180_000);

describe("the hub reader", () => {
  it("lists and reads every served bucket, and can do nothing else", async () => {
    const s3 = hub.rgw.s3(reader);
    const served = paths.filter((p) => p.enabled).map((p) => p.bucket);
    expect(served).toEqual(["homelab-backup-velero", "homelab-backup-postgres", "homelab-backup-rgw", "homelab-backup-etcd"]);
    const seen: string[] = [];
    for (const b of served) {
      const list = await s3.send(new ListObjectsV2Command({ Bucket: b }));
      const key = list.Contents?.[0]?.Key ?? "none";
      for (const [op, call, want] of [
        ["get", () => s3.send(new GetObjectCommand({ Bucket: b, Key: key })), key === "none" ? "NoSuchKey" : "OK"],
        ["put", () => s3.send(new PutObjectCommand({ Bucket: b, Key: "reader-was-here", Body: "x" })), "AccessDenied"],
        ["delete", () => s3.send(new DeleteObjectCommand({ Bucket: b, Key: key })), "AccessDenied"],
        ["copy", () => s3.send(new CopyObjectCommand({ Bucket: b, Key: "copy", CopySource: `homelab-backup-postgres/${todayDir()}/manifest.json` })), "AccessDenied"],
        ["versioning", () => s3.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: "Suspended" } })), "AccessDenied"],
      ] as const) {
        const got = await outcome(call());
        if (got !== want) seen.push(`${op} ${b}: ${got} (want ${want})`);
      }
    }
    expect(seen).toEqual([]);
    expect(await outcome(s3.send(new CreateBucketCommand({ Bucket: "reader-bucket" })))).toBe("AccessDenied");
  });
});

describe("facts from the real listings (facts.jq)", () => {
  it("a committed dump with its drill, per-node etcd snapshots, the mirror's report; an empty bucket is MISSING and a disabled path DISABLED", () => {
    const f = facts();
    expect(f.postgres).toMatchObject({ verdict: "OK", newest: { key: `${todayDir()}/full.sql.zst` }, drill: { result: "ok" } });
    expect(f.postgres.drill?.restoreSeconds).toBeGreaterThan(0);
    expect(f.etcdOffload).toMatchObject({ verdict: "OK", newest: { key: `cp-1/${snapshotName(1)}` }, nodes: { "cp-1": { key: `cp-1/${snapshotName(1)}` } } });
    expect(f.rgwMirror.verdict).toBe("OK");
    expect(f.rgwMirror.newest?.key).toMatch(/^_reports\/\d{4}-\d{2}-\d{2}\/\d{6}\.json$/);
    expect(f.velero).toMatchObject({ verdict: "MISSING", reason: "bucket is empty", newest: null, objects: 0 });
    expect(f.volsync).toMatchObject({ verdict: "DISABLED", bucket: "homelab-backup-volsync" });
  });

  it("STALE once the newest committed backup is older than the path's limit", async () => {
    await new Promise((r) => setTimeout(r, 2100));
    const f = facts(paths.map((p) => (p.path === "etcdOffload" ? { ...p, maxAgeSeconds: 1 } : p)));
    expect(f.etcdOffload).toMatchObject({ verdict: "STALE", reason: "newest committed backup is older than 0h" });
  });

  it("ignores an uncommitted dump (no .sha256) and a dump rewritten after its marker", async () => {
    const b = hub.writer("postgres").bucket;
    const day = todayDir();
    const copy = (from: string, to: string) => hub.admin.send(new CopyObjectCommand({ Bucket: b, Key: to, CopySource: `${b}/${from}` }));
    // an older committed day: dump first, then its marker
    await copy(`${day}/full.sql.zst`, `${PG_PREFIX}/2026/01/01/full.sql.zst`);
    await copy(`${day}/full.sql.zst.sha256`, `${PG_PREFIX}/2026/01/01/full.sql.zst.sha256`);
    // a later day without a marker
    await copy(`${day}/full.sql.zst`, `${PG_PREFIX}/2099/12/31/full.sql.zst`);
    expect(facts().postgres.newest?.key).toBe(`${day}/full.sql.zst`);
    // today's dump rewritten after its marker: not the dump the marker describes
    await new Promise((r) => setTimeout(r, 1100));
    await hub.admin.send(new PutObjectCommand({ Bucket: b, Key: `${day}/full.sql.zst`, Body: "rewritten" }));
    expect(facts().postgres).toMatchObject({ verdict: "OK", newest: { key: `${PG_PREFIX}/2026/01/01/full.sql.zst` } });
  });

  it("a bucket the reader cannot list is MISSING with the server's reason", () => {
    const f = facts(paths.map((p) => (p.path === "velero" ? { ...p, bucket: "homelab-backup-nope" } : p)));
    expect(f.velero.verdict).toBe("MISSING");
    expect(f.velero.reason).toMatch(/^cannot list homelab-backup-nope: .*(NoSuchBucket|directory not found)/);
  });
});

describe("hub-exporter.sh", () => {
  it("serves the facts as Prometheus metrics over HTTP, every metric it documents", async () => {
    const port = await freePort();
    const dir = tempDir("exporter");
    const svc = startService("bash", [path.join(statusScripts, "hub-exporter.sh")], {
      logFile: path.join(dir, "exporter.log"),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: dir, ...s3Env(reader, ""), HUB_PATHS: JSON.stringify(paths), HUB_EXPORTER_PORT: String(port), HUB_EXPORTER_INTERVAL_SECONDS: "30" },
    });
    try {
      let body = "";
      let type = "";
      const deadline = Date.now() + 30_000;
      while (!/^backup_hub_collect_timestamp_seconds \d+/m.test(body)) {
        if (Date.now() > deadline) throw new Error(`no metrics; last body:\n${body}`);
        await new Promise((r) => setTimeout(r, 300));
        try {
          const res = await fetch(`http://127.0.0.1:${port}/metrics`);
          type = res.headers.get("content-type") ?? "";
          body = await res.text();
        } catch { /* not listening yet */ }
      }
      expect(type).toBe("text/plain; version=0.0.4; charset=utf-8");
      const names = new Set([...body.matchAll(/^([a-z_]+)(?:\{|\s)/gm)].map((m) => m[1]));
      expect([...names].sort()).toEqual(Object.keys(HUB_METRICS).sort());
      const f = facts();
      expect(body).toContain(`backup_hub_newest_backup_timestamp_seconds{path="postgres",bucket="homelab-backup-postgres"} ${f.postgres.newest?.time}`);
      expect(body).toContain('backup_hub_bucket_listable{path="velero",bucket="homelab-backup-velero"} 1');
      expect(body).toMatch(/^backup_hub_drill_last_restore_seconds\{path="postgres",bucket="homelab-backup-postgres"\} [\d.]+$/m);
      expect(body).toMatch(/^backup_hub_etcd_node_newest_snapshot_timestamp_seconds\{path="etcdOffload",bucket="homelab-backup-etcd",node="cp-1"\} \d+$/m);
      expect(body).not.toContain("volsync");
      expect(body).not.toContain(reader.secretAccessKey);
    } finally {
      await svc.stop();
    }
  }, 60_000);
});

describe("npm run status", () => {
  const status = (args: string[], env: NodeJS.ProcessEnv = {}) => run(path.join(ROOT, "node_modules/.bin/tsx"), [path.join(ROOT, "tools/status.ts"), ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, BACKUP_S3_ENDPOINT: hub.rgw.endpoint, BACKUP_S3_ACCESS_KEY_ID: reader.accessKeyId, BACKUP_S3_SECRET_ACCESS_KEY: reader.secretAccessKey, ...env },
    cwd: ROOT,
  });

  it("prints one row per path with its verdict, a progress line per bucket, and exits 1 when a path is not OK", () => {
    const res = status(["homelab"]);
    const rows = res.stdout.trim().split("\n");
    expect(rows[0].split(/\s{2,}/)).toEqual(["PATH", "BUCKET", "NEWEST COMMITTED", "AGE", "SIZE", "LAST DRILL", "RTO", "VERDICT"]);
    const byPath = Object.fromEntries(rows.slice(1).map((r) => [r.split(/\s+/)[0], r]));
    expect(Object.keys(byPath)).toEqual(["velero", "postgres", "rgwMirror", "etcdOffload", "volsync"]);
    expect(byPath.velero).toMatch(/homelab-backup-velero\s+-\s+-\s+-\s+-\s+-\s+MISSING: bucket is empty$/);
    expect(byPath.postgres).toMatch(/homelab-backup-postgres\s+postgresql-18\/2026\/01\/01\/full\.sql\.zst \(\S+Z\)\s+\d+m\s+[\d.]+ (B|KiB|MiB)\s+ok \S+Z\s+[\d.]+s\s+OK$/);
    expect(byPath.etcdOffload).toMatch(new RegExp(`homelab-backup-etcd\\s+cp-1/${snapshotName(1)} .*\\s+OK$`));
    expect(byPath.rgwMirror).toMatch(/homelab-backup-rgw\s+_reports\/.*\s+OK$/);
    expect(byPath.volsync).toMatch(/homelab-backup-volsync\s+-.*DISABLED: disabled in config$/);
    expect(res.stderr).toContain("listing homelab-backup-postgres ...");
    expect(res.stderr).toMatch(/listed homelab-backup-postgres: \d+ objects in [\d.]+ s/);
    expect(res.status).toBe(1);
    expect(res.stdout + res.stderr).not.toContain(reader.secretAccessKey);
  }, 60_000);

  it("--json prints the facts for machines", () => {
    const res = status(["homelab", "--json"]);
    expect(res.status).toBe(1);
    const json = JSON.parse(res.stdout);
    expect(json.paths.map((p: Row) => `${p.path}=${p.verdict}`)).toEqual(["velero=MISSING", "postgres=OK", "rgwMirror=OK", "etcdOffload=OK", "volsync=DISABLED"]);
  }, 60_000);

  it("refuses to run without the reader's keys, naming the variable", () => {
    const res = status(["homelab"], { BACKUP_S3_ACCESS_KEY_ID: "" });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain("status: BACKUP_S3_ACCESS_KEY_ID is not set");
  }, 60_000);
});

describe("velero on the hub", () => {
  it("counts a backup whose velero-backup.json has its tarball, not one whose contents never landed", async () => {
    const w = hub.writer("velero");
    const put = (key: string) => hub.rgw.s3(w).send(new PutObjectCommand({ Bucket: w.bucket, Key: key, Body: key }));
    await put("backups/daily-1/velero-backup.json");
    await put("backups/daily-1/daily-1.tar.gz");
    await put("kopia/apps/kopia.repository");
    expect(facts().velero).toMatchObject({ verdict: "OK", newest: { key: "backups/daily-1/velero-backup.json" } });
    await new Promise((r) => setTimeout(r, 1100));
    await put("backups/daily-2/velero-backup.json"); // metadata first; the contents upload failed
    expect(facts().velero.newest?.key).toBe("backups/daily-1/velero-backup.json");
  });
});

describe("a failed restore drill on the hub", () => {
  // today's dump was rewritten after its marker above: the drill, which restores the newest day with a
  // marker, must refuse it — and the hub must say so.
  it("reports its cause to _drills/, and the facts and metrics show the failure", async () => {
    const pgW = hub.writer("postgres");
    const scratch = await startPostgres({ superuser: "drilladmin" });
    try {
      const res = runScript(scripts.postgres, scriptName.drill, { ...s3Env(pgW, pgW.bucket), ...scratch.env(), BACKUP_PREFIX: PG_PREFIX, EXPECTED_DATABASES: "appdb" });
      expect(res.status).not.toBe(0);
      expect(res.output.trim().split("\n").pop()).toMatch(/FAILED: sha256 mismatch for postgresql-18\/\S+\/full\.sql\.zst: .*; PostgreSQL not touched$/);
    } finally {
      await scratch.stop();
    }
    const f = facts();
    expect(f.postgres.drill).toMatchObject({ result: "failed", restoreSeconds: null });
    expect(f.postgres.drill?.reason).toMatch(/^sha256 mismatch for /);
    const metrics = run("jq", ["-r", "-L", statusScripts, 'include "facts"; prometheus(1)'], { input: JSON.stringify({ now: 1, paths: Object.values(f) }) });
    expect(metrics.stdout).toContain('backup_hub_drill_last_success{path="postgres",bucket="homelab-backup-postgres"} 0');
    expect(metrics.stdout).not.toMatch(/^backup_hub_drill_last_restore_seconds\{path="postgres"/m);
  }, 90_000);
});
