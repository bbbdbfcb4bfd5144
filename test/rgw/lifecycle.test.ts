/**
 * The hub's lifecycle promise on a real RGW (issue #11, §3): the lifecycle rules the program renders
 * (homelab, retentionDays patched to 2) are applied as MinIO would store them, with a
 * lifecycle "day" of DAY seconds (`rgw lc debug interval`), and RGW's own lifecycle code (passes
 * of `radosgw-admin lc process`, back to back, while the offload runs every quarter day) expires:
 * dated dumps and snapshots, and every noncurrent version — never the current objects of a Kopia
 * repository or a mirror, and never the etcd server token, which the offload refreshes at half the
 * retention (the program's TOKEN_REFRESH_SECONDS, scaled to the short day).
 */
import { ListObjectVersionsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { ETCD_SCRIPTS } from "../../components/etcd-offload/scripts";
import { tokenRefreshSeconds } from "../../components/paths";
import { controlPlaneNode, realSnapshots, snapshotName, ControlPlaneNode } from "../support/etcd-node";
import { startPostgres, PgServer } from "../support/postgres";
import { runScript, s3Env, stageScripts } from "../support/scripts";
import { PREFIX as PG_PREFIX, scriptName, seedSource, stagePostgresScripts, todayDir } from "../payload/postgres/fixtures";
import { runStackIsolated } from "../support/program";
import { hubPlanFromProgram } from "../support/rgw-hub";
import { Hub, startHub, Writer } from "./hub";

/**
 * Seconds in a lifecycle "day" here. Lifecycle passes run back to back, as the gateway's thread
 * would; one pass over the hub's four buckets takes ~8 s (RGW 16 spends ~2 s per bucket draining a
 * work queue). The offload "timer" runs every quarter day, so the token is at most 1.25 days old
 * when a pass looks at it, against the 2 days after which it would expire.
 */
const DAY = 8;
const RETENTION_DAYS = 2;
/** The token refresh the program renders for RETENTION_DAYS, in short days. */
const TOKEN_REFRESH = Math.round((tokenRefreshSeconds(RETENTION_DAYS) / 86_400) * DAY);

const patch = (c: Record<string, string>) => { c["homelab-backups:retentionDays"] = String(RETENTION_DAYS); };
let hub: Hub;
let pg: PgServer;
let snapshots: Buffer[];
let scripts: { postgres: string; etcd: string };

beforeAll(async () => {
  [hub, pg, snapshots] = await Promise.all([
    startHub({ stacks: ["homelab"], lcDaySeconds: DAY, patch }),
    startPostgres(),
    realSnapshots(1),
  ]);
  seedSource(pg);
  scripts = { postgres: stagePostgresScripts(), etcd: stageScripts(ETCD_SCRIPTS) };
}, 180_000);
afterAll(async () => {
  await Promise.all([hub?.rgw.stop(), pg?.stop()]);
}, 60_000);

interface Version { key: string; latest: boolean; deleteMarker: boolean }
async function versions(bucket: string): Promise<Version[]> {
  const res = await hub.admin.send(new ListObjectVersionsCommand({ Bucket: bucket }));
  return [
    ...(res.Versions ?? []).map((v) => ({ key: v.Key as string, latest: Boolean(v.IsLatest), deleteMarker: false })),
    ...(res.DeleteMarkers ?? []).map((v) => ({ key: v.Key as string, latest: Boolean(v.IsLatest), deleteMarker: true })),
  ];
}
/** Keys with a current (latest, not deleted) version, and keys with any noncurrent data version. */
async function state(bucket: string): Promise<{ current: string[]; noncurrent: string[] }> {
  const all = await versions(bucket);
  return {
    current: all.filter((v) => v.latest && !v.deleteMarker).map((v) => v.key).sort(),
    noncurrent: [...new Set(all.filter((v) => !v.latest && !v.deleteMarker).map((v) => v.key))].sort(),
  };
}
const put = (w: Writer, key: string, body: string) => hub.rgw.s3(w).send(new PutObjectCommand({ Bucket: w.bucket, Key: key, Body: body }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`lifecycle on RGW, one day = ${DAY} s, retentionDays = ${RETENTION_DAYS}`, () => {
  it("renders the rules the hub promises: current objects expire only on the dated paths; noncurrent versions everywhere", async () => {
    const garage = hubPlanFromProgram(await runStackIsolated("garage", patch));
    const rules = Object.fromEntries([...hub.plan.buckets, ...garage.buckets].map((b) => [b.name, b.lifecycle]));
    const dated = [{ id: "expire-after-retention", expiration: `${RETENTION_DAYS}d`, noncurrentVersionExpirationDays: RETENTION_DAYS }];
    const repository = [{ id: "expire-noncurrent-versions", noncurrentVersionExpirationDays: RETENTION_DAYS }];
    // volsync's Kopia repository (garage) gets velero's rule, which the RGW run below proves
    expect(rules).toEqual({
      "homelab-backup-velero": repository, "homelab-backup-postgres": dated, "homelab-backup-rgw": repository, "homelab-backup-etcd": dated,
      "garage-backup-velero": repository, "garage-backup-postgres": dated, "garage-backup-etcd": dated, "garage-backup-volsync": repository,
    });
  });

  it("expires dumps, snapshots and noncurrent versions; keeps Kopia repositories, mirrors and a refreshed server token", async () => {
    const pgW = hub.writer("postgres");
    const etcdW = hub.writer("etcdOffload");
    const keepers = [hub.writer("velero"), hub.writer("rgwMirror")];

    // day 0: a real dump, a real snapshot and token from two nodes, Kopia-like repository blobs and a mirror
    const backup = runScript(scripts.postgres, scriptName.backup, { ...s3Env(pgW, pgW.bucket), ...pg.env(), BACKUP_PREFIX: PG_PREFIX });
    expect(backup.status).toBe(0);
    const refreshed = controlPlaneNode({ [snapshotName(0)]: snapshots[0] });
    const neglected = controlPlaneNode({});
    const offload = (n: ControlPlaneNode, name: string, refresh: number) => runScript(scripts.etcd, "etcd-offload.sh", {
      ...s3Env(etcdW, etcdW.bucket), SNAPSHOT_DIR: n.snapshots, STATE_DIRECTORY: n.state, NODE_NAME: name, TOKEN_FILE: n.token, TOKEN_REFRESH_SECONDS: String(refresh),
    });
    expect(offload(refreshed, "cp-1", TOKEN_REFRESH).status).toBe(0);
    expect(offload(neglected, "cp-2", 10 ** 9).status).toBe(0); // never refreshed: the control
    for (const w of keepers) {
      await put(w, "kopia.repository", "format blob, written once at creation");
      await put(w, "p0001", "pack blob referenced by every later snapshot");
      await put(w, "kopia.maintenance", "v1");
      await put(w, "kopia.maintenance", "v2"); // v1 becomes noncurrent
    }
    const dump = [`${todayDir()}/full.sql.zst`, `${todayDir()}/full.sql.zst.sha256`, `${todayDir()}/manifest.json`];
    expect((await state(pgW.bucket)).current).toEqual(dump);
    expect((await state(etcdW.bucket)).current).toEqual([`cp-1/${snapshotName(0)}`, `cp-1/${snapshotName(0)}.sha256`, "cp-1/server-token", "cp-2/server-token"]);

    // the lifecycle runs pass after pass; the nodes' timer runs every quarter day
    let stop = false;
    const lifecycle = (async () => {
      while (!stop) await hub.rgw.runLifecycle();
    })();
    const tokenSeen: boolean[] = [];
    const start = Date.now();
    let done = false;
    try {
      while (!done && Date.now() - start < 12 * DAY * 1000) {
        await sleep((DAY * 1000) / 4);
        expect(offload(refreshed, "cp-1", TOKEN_REFRESH).status).toBe(0);
        const etcd = await state(etcdW.bucket);
        tokenSeen.push(etcd.current.includes("cp-1/server-token"));
        const pgState = await state(pgW.bucket);
        done = pgState.current.length === 0 && pgState.noncurrent.length === 0 && !etcd.current.includes(`cp-1/${snapshotName(0)}`)
          && !etcd.noncurrent.some((k) => k.includes(snapshotName(0))) && !etcd.current.includes("cp-2/server-token");
      }
    } finally {
      stop = true;
      await lifecycle;
    }
    const days = (Date.now() - start) / 1000 / DAY;

    // dated artifacts expired, current and noncurrent alike
    expect(await state(pgW.bucket)).toEqual({ current: [], noncurrent: [] });
    const etcd = await state(etcdW.bucket);
    expect(etcd.current).toEqual(["cp-1/server-token"]);
    expect(etcd.noncurrent.filter((k) => k.includes("etcd-snapshot"))).toEqual([]);
    // the refreshed token was never missing, for longer than the retention
    expect(days).toBeGreaterThan(RETENTION_DAYS);
    expect(tokenSeen.every(Boolean)).toBe(true);
    expect(tokenSeen.length).toBeGreaterThan(4 * RETENTION_DAYS);

    // repositories and mirrors: current objects kept; the overwritten version expires
    for (const w of keepers) {
      let s = await state(w.bucket);
      const deadline = Date.now() + 6 * DAY * 1000;
      while (s.noncurrent.length > 0 && Date.now() < deadline) {
        await hub.rgw.runLifecycle();
        s = await state(w.bucket);
      }
      expect(`${w.bucket}: ${JSON.stringify(s)}`).toBe(`${w.bucket}: ${JSON.stringify({ current: ["kopia.maintenance", "kopia.repository", "p0001"], noncurrent: [] })}`);
    }
  }, 240_000);
});
