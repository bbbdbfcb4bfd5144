/**
 * Off-cluster copies, measured in one run:
 * - etcd: etcd-offload.sh's no-op run with 50 snapshots already uploaded (goal < 1 s, zero uploads);
 * - rgw: rgw-mirror.sh's no-change run over 2,000 objects vs a bare `rclone check` of the same data.
 */
import * as fs from "fs";
import * as path from "path";
import { ETCD_SCRIPTS } from "../components/etcd-offload/scripts";
import { RGW_SCRIPTS } from "../components/rgw-mirror/scripts";
import { startEtcd } from "../test/support/etcd";
import { run, tempDir } from "../test/support/proc";
import { rclone, rcloneEnv } from "../test/support/rclone";
import { startS3 } from "../test/support/s3";
import { hubEnv, runScript, stageScripts } from "../test/support/scripts";

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchEtcd(): Promise<Record<string, unknown>> {
  const [s3, etcd] = await Promise.all([startS3(["bench-etcd"]), startEtcd()]);
  const root = tempDir("bench-etcd");
  try {
    const snaps = path.join(root, "snapshots");
    fs.mkdirSync(snaps);
    etcd.put("/registry/bench", "x".repeat(100_000));
    etcd.snapshot(path.join(root, "base"));
    const old = Date.now() / 1000 - 3600;
    for (let i = 0; i < 50; i++) {
      const f = path.join(snaps, `etcd-snapshot-cp-1-${1763700000 + i * 3600}`);
      fs.copyFileSync(path.join(root, "base"), f);
      fs.utimesSync(f, old, old);
    }
    const scripts = stageScripts(ETCD_SCRIPTS);
    const env = { ...hubEnv(s3, "bench-etcd"), SNAPSHOT_DIR: snaps, STATE_DIRECTORY: path.join(root, "state"), NODE_NAME: "cp-1", UPLOAD_TOKEN: "false" };
    const first = runScript(scripts, "etcd-offload.sh", env);
    if (!first.output.includes("uploaded=50")) throw new Error(`first run did not upload 50: ${first.output}`);
    const noops = [0, 1, 2].map(() => runScript(scripts, "etcd-offload.sh", env));
    for (const n of noops) if (!n.output.includes("uploaded=0") || n.status !== 0) throw new Error(`no-op run uploaded: ${n.output}`);
    const seconds = median(noops.map((n) => n.seconds));
    console.log(`etcd offload: first run (50 uploads) ${round(first.seconds)} s; no-op run median ${round(seconds, 3)} s, 0 uploads (goal < 1 s)`);
    return { snapshots: 50, firstRunSeconds: round(first.seconds), noopRunSeconds: round(seconds, 3), noopUploads: 0, goal: "no-op < 1 s", goalMet: seconds < 1 };
  } finally {
    await Promise.all([s3.stop(), etcd.stop()]);
    fs.rmSync(root, { recursive: true, force: true });
  }
}

export async function benchRgw(): Promise<Record<string, unknown>> {
  const [src, dst] = await Promise.all([startS3(["bulk"]), startS3(["homelab-backup-rgw"])]);
  const dir = tempDir("bench-rgw");
  try {
    for (let i = 0; i < 2000; i++) {
      const f = path.join(dir, `p${i % 20}`, `obj-${i}.txt`);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, `object ${i} `.repeat(20 + (i % 50)));
    }
    if (rclone(src, ["copy", "--transfers", "16", dir, "s3:bulk"]).status !== 0) throw new Error("seeding failed");
    const scripts = stageScripts(RGW_SCRIPTS);
    const env = { ...hubEnv(dst, "homelab-backup-rgw"), SOURCE_S3_ENDPOINT: src.endpoint, SOURCE_S3_ACCESS_KEY_ID: "S3RVER", SOURCE_S3_SECRET_ACCESS_KEY: "S3RVER", RGW_BUCKETS: "bulk", MIRROR_MODE: "copy" };
    const first = runScript(scripts, "rgw-mirror.sh", env, { timeoutMs: 600_000 });
    if (first.status !== 0) throw new Error(`first mirror failed: ${first.output}`);
    const mirrorRuns: number[] = [];
    const checkRuns: number[] = [];
    const checkEnv = { ...rcloneEnv("src", src), ...rcloneEnv("hub", dst), RCLONE_S3_USE_MULTIPART_ETAG: "false" };
    for (let i = 0; i < 3; i++) {
      const m = runScript(scripts, "rgw-mirror.sh", env, { timeoutMs: 600_000 });
      if (!/copied=0 bytes=0/.test(m.output)) throw new Error(`no-change run copied something: ${m.output}`);
      mirrorRuns.push(m.seconds);
      const t = Date.now();
      const c = run("rclone", ["check", "--fast-list", "--checksum", "--one-way", "src:bulk", "hub:homelab-backup-rgw/bulk"], { env: checkEnv });
      if (c.status !== 0) throw new Error(`check failed: ${c.stderr}`);
      checkRuns.push((Date.now() - t) / 1000);
    }
    const mirror = median(mirrorRuns);
    const check = median(checkRuns);
    console.log(`rgw mirror: first copy of 2000 objects ${round(first.seconds)} s; no-change run median ${round(mirror)} s vs bare rclone check ${round(check)} s (ratio ${round(mirror / check)})`);
    return { objects: 2000, firstCopySeconds: round(first.seconds), noChangeRunSeconds: round(mirror), bareCheckSeconds: round(check), ratioNoChangeToCheck: round(mirror / check), runs: { mirror: mirrorRuns.map((x) => round(x)), check: checkRuns.map((x) => round(x)) } };
  } finally {
    await Promise.all([src.stop(), dst.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
