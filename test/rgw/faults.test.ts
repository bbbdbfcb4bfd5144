/**
 * Faults only a real S3 server can show (issue #11, §4), each writer's script run as its own user:
 * the hub restarted in the middle of an upload, a wrong secret key (RGW checks SigV4 signatures;
 * s3rver accepts any), and a bucket that does not exist. Every case: a non-zero exit, a one-line
 * cause that names the problem, nothing committed, no secret in the log.
 */
import { ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { controlPlaneNode, snapshotName } from "../support/etcd-node";
import { startPostgres, PgServer } from "../support/postgres";
import { listObjects } from "../support/rclone";
import { runScript, s3Env, startScript } from "../support/scripts";
import { PREFIX as PG_PREFIX, scriptName, todayDir } from "../payload/postgres/fixtures";
import { Hub, scriptWorld, ScriptWorld, Writer } from "./hub";

const world = scriptWorld({ stacks: ["homelab"], snapshots: 1, bulkMb: 25 });
let hub: Hub;
let pg: PgServer;
let snapshots: Buffer[];
let scripts: ScriptWorld["scripts"];
beforeAll(() => ({ hub, pg, snapshots, scripts } = world));

const keys = (bucket: string) => listObjects(hub.rgw.admin, bucket).map((o) => o.Path).sort();
const lastLine = (output: string) => output.trim().split("\n").pop() as string;
const WRONG_SECRET = "wrong-secret-key-never-logged-0000000000";
const withSecret = (w: Writer, secret: string): Writer => ({ ...w, secretAccessKey: secret });

/** The three writers' scripts with a given identity and bucket. */
function runners(): Record<string, (w: Writer, bucket: string) => ReturnType<typeof runScript>> {
  const node = controlPlaneNode({ [snapshotName(0)]: snapshots[0] });
  return {
    postgres: (w, bucket) => runScript(scripts.postgres, scriptName.backup, { ...s3Env(w, bucket), ...pg.env(), BACKUP_PREFIX: PG_PREFIX }),
    etcdOffload: (w, bucket) => runScript(scripts.etcd, "etcd-offload.sh", {
      ...s3Env(w, bucket), SNAPSHOT_DIR: node.snapshots, STATE_DIRECTORY: node.state, NODE_NAME: "cp-1", TOKEN_FILE: node.token,
    }),
    rgwMirror: (w, bucket) => runScript(scripts.mirror, "rgw-mirror.sh", {
      ...s3Env(w, bucket), SOURCE_S3_ENDPOINT: hub.rgw.endpoint, SOURCE_S3_ACCESS_KEY_ID: hub.rgw.admin.accessKeyId,
      SOURCE_S3_SECRET_ACCESS_KEY: hub.rgw.admin.secretAccessKey, RGW_BUCKETS: "homelab-backup-velero", MIRROR_MODE: "copy",
    }),
  };
}

describe("faults on a real S3 server", () => {
  it("the hub restarted mid-upload: the backup fails with a one-line cause and commits nothing; the next run commits and the drill restores it", async () => {
    const w = hub.writer("postgres");
    const run = startScript(scripts.postgres, scriptName.backup, {
      ...s3Env(w, w.bucket), ...pg.env(), BACKUP_PREFIX: PG_PREFIX, S3_CHUNK_SIZE: "5Mi", RCLONE_BWLIMIT: "1M",
    });
    const deadline = Date.now() + 60_000;
    while (((await hub.admin.send(new ListMultipartUploadsCommand({ Bucket: w.bucket }))).Uploads ?? []).length === 0) {
      if (Date.now() > deadline) throw new Error(`no multipart upload started; script said:\n${run.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await hub.rgw.stopGateway();
    const failed = await run.done;
    await hub.rgw.startGateway();
    expect(lastLine(failed.output)).toMatch(new RegExp(`FAILED: upload to ${hub.rgw.endpoint} failed \\(exit \\d+\\): .*connection refused`));
    expect(failed.status).not.toBe(0);
    expect(keys(w.bucket).filter((k) => k.startsWith(`${PG_PREFIX}/`))).toEqual([]);

    const again = runScript(scripts.postgres, scriptName.backup, { ...s3Env(w, w.bucket), ...pg.env(), BACKUP_PREFIX: PG_PREFIX });
    expect(again.output).toContain(`backup OK key=${todayDir()}/full.sql.zst`);
    expect(again.status).toBe(0);
    const scratch = await startPostgres({ superuser: "drilladmin" });
    try {
      const drill = runScript(scripts.postgres, scriptName.drill, { ...s3Env(w, w.bucket), ...scratch.env(), BACKUP_PREFIX: PG_PREFIX, EXPECTED_DATABASES: "appdb,bulk" });
      expect(drill.output).toContain("sha256 OK");
      expect(drill.status).toBe(0);
    } finally {
      await scratch.stop();
    }
  }, 180_000);

  it.each(["postgres", "etcdOffload", "rgwMirror"] as const)("%s with a wrong secret key: refused by the signature check, one-line cause, nothing written", (key) => {
    const w = hub.writer(key);
    const before = keys(w.bucket);
    const res = runners()[key](withSecret(w, WRONG_SECRET), w.bucket);
    expect(res.status).not.toBe(0);
    expect(lastLine(res.output)).toMatch(/FAILED: .*SignatureDoesNotMatch \(HTTP 403\) — the secret key does not match the access key$/);
    expect(res.output).not.toContain(WRONG_SECRET);
    expect(keys(w.bucket)).toEqual(before);
  });

  it.each(["postgres", "etcdOffload", "rgwMirror"] as const)("%s with a bucket that does not exist: one-line cause naming it, nothing created", (key) => {
    const w = hub.writer(key);
    const res = runners()[key](w, `${w.bucket}-missing`);
    expect(res.status).not.toBe(0);
    expect(lastLine(res.output)).toContain(`FAILED: backup hub ${hub.rgw.endpoint}: bucket ${w.bucket}-missing does not exist (NoSuchBucket)`);
    expect(res.output).not.toContain(w.secretAccessKey);
  });
});
