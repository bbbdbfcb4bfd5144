/**
 * Every writer's script run as its least-privilege user against a real Ceph RGW (issue #11, §1–2):
 * the users hold exactly the policy documents the program renders for homelab and garage, so what
 * passes here is what each script really needs (rclone's HeadObject, ListObjects, multipart and
 * CopyObject calls included), and what is denied is denied by a server that checks signatures and
 * evaluates the policy — not by a simulator.
 */
import {
  AbortMultipartUploadCommand, CreateMultipartUploadCommand, GetBucketLocationCommand, ListPartsCommand, UploadPartCommand, CreateBucketCommand, DeleteBucketCommand, DeleteBucketLifecycleCommand, DeleteObjectCommand, GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand, PutBucketPolicyCommand, PutBucketVersioningCommand, PutObjectCommand,
} from "@aws-sdk/client-s3";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { controlPlaneNode, NODE_TOKEN, snapshotName } from "../support/etcd-node";
import { startPostgres, PgServer } from "../support/postgres";
import { listObjects, readObject } from "../support/rclone";
import { runScript, s3Env } from "../support/scripts";
import { PREFIX as PG_PREFIX, scriptName, todayDir } from "../payload/postgres/fixtures";
import { Hub, outcome, scriptWorld, ScriptWorld, Writer } from "./hub";
import { runbookRecovery } from "./runbook";

const world = scriptWorld({ snapshots: 2, bulkMb: 25 });
let hub: Hub;
let pg: PgServer;
let snapshots: Buffer[];
let scripts: ScriptWorld["scripts"];
beforeAll(() => ({ hub, pg, snapshots, scripts } = world));

const keys = (bucket: string, prefix = "") => listObjects(hub.rgw.admin, `${bucket}/${prefix}`).map((o) => `${prefix}${o.Path}`).sort();
const as = (w: Writer) => hub.rgw.s3(w);
const etagOf = async (bucket: string, key: string) => (await hub.admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag;
const PROBE = "rgw-tier/probe";

describe("every writer, as its own RGW user with the rendered policy", () => {
  it("renders eight writers (homelab: velero, postgres, rgwMirror, etcdOffload; garage: velero, postgres, etcdOffload, volsync)", () => {
    expect(hub.writers.map((w) => `${w.stack}/${w.key}`)).toEqual([
      "homelab/velero", "homelab/postgres", "homelab/rgwMirror", "homelab/etcdOffload",
      "garage/velero", "garage/postgres", "garage/etcdOffload", "garage/volsync",
    ]);
  });

  it("writes, reads and lists its own bucket", async () => {
    for (const w of hub.writers) {
      const s3 = as(w);
      expect(`${w.user} put: ${await outcome(s3.send(new PutObjectCommand({ Bucket: w.bucket, Key: PROBE, Body: w.user })))}`).toBe(`${w.user} put: OK`);
      expect(`${w.user} get: ${await outcome(s3.send(new GetObjectCommand({ Bucket: w.bucket, Key: PROBE })))}`).toBe(`${w.user} get: OK`);
      expect(`${w.user} list: ${await outcome(s3.send(new ListObjectsV2Command({ Bucket: w.bucket })))}`).toBe(`${w.user} list: OK`);
    }
  });

  it("may run, list and abort a multipart upload and read its bucket's location (rclone, Velero and Kopia do)", async () => {
    const seen: string[] = [];
    for (const w of hub.writers) {
      const s3 = as(w);
      const Key = "rgw-tier/multipart";
      const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: w.bucket, Key }));
      for (const [op, call] of [
        ["UploadPart", () => s3.send(new UploadPartCommand({ Bucket: w.bucket, Key, UploadId: up.UploadId, PartNumber: 1, Body: Buffer.alloc(5 * 1024 * 1024) }))],
        ["ListParts", () => s3.send(new ListPartsCommand({ Bucket: w.bucket, Key, UploadId: up.UploadId }))],
        ["ListMultipartUploads", () => s3.send(new ListMultipartUploadsCommand({ Bucket: w.bucket }))],
        ["AbortMultipartUpload", () => s3.send(new AbortMultipartUploadCommand({ Bucket: w.bucket, Key, UploadId: up.UploadId }))],
        ["GetBucketLocation", () => s3.send(new GetBucketLocationCommand({ Bucket: w.bucket }))],
      ] as const) {
        const got = await outcome(call());
        if (got !== "OK") seen.push(`${w.user} ${op}: ${got}`);
      }
    }
    expect(seen).toEqual([]);
    for (const w of hub.writers) expect((await hub.admin.send(new ListMultipartUploadsCommand({ Bucket: w.bucket }))).Uploads ?? []).toEqual([]);
  }, 60_000);

  it("has no access at all to another path's bucket", async () => {
    const denials = await Promise.all(hub.writers.flatMap((w) => {
      const s3 = as(w);
      return hub.writers.filter((o) => o.bucket !== w.bucket).flatMap((other) => {
        const b = other.bucket;
        return ([
          ["list", () => s3.send(new ListObjectsV2Command({ Bucket: b }))],
          ["get", () => s3.send(new GetObjectCommand({ Bucket: b, Key: PROBE }))],
          ["put", () => s3.send(new PutObjectCommand({ Bucket: b, Key: "intruder", Body: "x" }))],
          ["delete", () => s3.send(new DeleteObjectCommand({ Bucket: b, Key: PROBE }))],
        ] as const).map(async ([op, call]) => `${w.user} ${op} ${b}: ${await outcome(call())}`);
      });
    }));
    expect(denials).toHaveLength(8 * 7 * 4);
    expect(denials.filter((d) => !d.endsWith(": AccessDenied"))).toEqual([]);
    for (const w of hub.writers) expect(keys(w.bucket, "rgw-tier/")).toEqual([PROBE]);
  }, 60_000);

  it("cannot change versioning, lifecycle or policy, list or delete versions, delete its bucket or create one", async () => {
    const seen: string[] = [];
    for (const w of hub.writers) {
      const s3 = as(w);
      const b = w.bucket;
      const version = (await hub.admin.send(new ListObjectVersionsCommand({ Bucket: b, Prefix: PROBE }))).Versions?.[0]?.VersionId;
      expect(version).toBeDefined();
      for (const [op, call] of [
        ["PutBucketVersioning", () => s3.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: "Suspended" } }))],
        ["PutBucketLifecycle", () => s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: b, LifecycleConfiguration: { Rules: [{ ID: "x", Status: "Enabled", Filter: { Prefix: "" }, Expiration: { Days: 1 } }] } }))],
        ["DeleteBucketLifecycle", () => s3.send(new DeleteBucketLifecycleCommand({ Bucket: b }))],
        ["PutBucketPolicy", () => s3.send(new PutBucketPolicyCommand({ Bucket: b, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: `arn:aws:s3:::${b}/*` }] }) }))],
        ["ListObjectVersions", () => s3.send(new ListObjectVersionsCommand({ Bucket: b }))],
        ["DeleteObjectVersion", () => s3.send(new DeleteObjectCommand({ Bucket: b, Key: PROBE, VersionId: version }))],
        ["DeleteBucket", () => s3.send(new DeleteBucketCommand({ Bucket: b }))],
        ["CreateBucket", () => s3.send(new CreateBucketCommand({ Bucket: `${b}-new` }))],
      ] as const) {
        const got = await outcome(call());
        if (got !== "AccessDenied") seen.push(`${w.user} ${op}: ${got}`);
      }
    }
    expect(seen).toEqual([]);
    for (const w of hub.writers) {
      expect((await hub.admin.send(new GetBucketVersioningCommand({ Bucket: w.bucket }))).Status).toBe("Enabled");
      expect((await hub.admin.send(new GetBucketLifecycleConfigurationCommand({ Bucket: w.bucket }))).Rules?.length).toBe(1);
    }
  }, 60_000);
});

describe("postgres: pg-backup.sh and the restore drill as homelab-backup-postgres-backup", () => {
  const w = () => hub.writer("postgres");
  const day = todayDir();
  const committed = [`${day}/full.sql.zst`, `${day}/full.sql.zst.sha256`, `${day}/manifest.json`];

  it("commits a multipart-uploaded dump, its manifest and marker, and leaves no temporary object or upload", async () => {
    const res = runScript(scripts.postgres, scriptName.backup, { ...s3Env(w(), w().bucket), ...pg.env(), BACKUP_PREFIX: PG_PREFIX, S3_CHUNK_SIZE: "5Mi" });
    expect(res.output).toContain(`backup OK key=${day}/full.sql.zst`);
    expect(res.status).toBe(0);
    expect(keys(w().bucket, `${PG_PREFIX}/`)).toEqual(committed);
    expect(keys(w().bucket, "_tmp/")).toEqual([]);
    expect(await etagOf(w().bucket, committed[0])).toMatch(/-\d+"$/); // a multipart ETag: rclone really uploaded in parts
    expect((await hub.admin.send(new ListMultipartUploadsCommand({ Bucket: w().bucket }))).Uploads ?? []).toEqual([]);
    expect(res.output).not.toContain(w().secretAccessKey);
  }, 120_000);

  it("restores the newest committed dump with the same credentials and records the drill", async () => {
    const scratch = await startPostgres({ superuser: "drilladmin" });
    try {
      const res = runScript(scripts.postgres, scriptName.drill, {
        ...s3Env(w(), w().bucket), ...scratch.env(), BACKUP_PREFIX: PG_PREFIX, EXPECTED_DATABASES: "appdb,analytics,bulk",
      });
      expect(res.output).toContain("sha256 OK");
      expect(res.output).toMatch(new RegExp(`drill OK backup=${day}/full.sql.zst bytes=\\d+ databases=4 restore_seconds=[\\d.]+`));
      expect(res.status).toBe(0);
      expect(scratch.psql("SELECT count(*) FROM customers", "appdb")).toBe("500");
    } finally {
      await scratch.stop();
    }
    expect(keys(w().bucket, `${PG_PREFIX}/_drills/`)).toHaveLength(1);
  }, 120_000);

  it("cannot delete the committed dump, its .sha256 or its manifest; may delete under _tmp/", async () => {
    const before = await Promise.all(committed.map((k) => etagOf(w().bucket, k)));
    for (const k of committed) expect(`${k}: ${await outcome(as(w()).send(new DeleteObjectCommand({ Bucket: w().bucket, Key: k })))}`).toBe(`${k}: AccessDenied`);
    expect(await Promise.all(committed.map((k) => etagOf(w().bucket, k)))).toEqual(before);
    expect(await outcome(as(w()).send(new PutObjectCommand({ Bucket: w().bucket, Key: "_tmp/leftover", Body: "x" })))).toBe("OK");
    expect(await outcome(as(w()).send(new DeleteObjectCommand({ Bucket: w().bucket, Key: "_tmp/leftover" })))).toBe("OK");
    expect(keys(w().bucket, "_tmp/")).toEqual([]);
  });

  it("an overwrite of the committed dump cannot be refused by any S3 policy, but versioning keeps the committed bytes out of the writer's reach", async () => {
    const key = committed[0];
    const original = readObject(hub.rgw.admin, w().bucket, key);
    const originalVersion = (await hub.admin.send(new ListObjectVersionsCommand({ Bucket: w().bucket, Prefix: key }))).Versions?.find((v) => v.Key === key && v.IsLatest)?.VersionId;
    const before = new Date();
    await new Promise((r) => setTimeout(r, 1100)); // versions are told apart by time (rclone --s3-version-at)
    // s3:PutObject cannot tell a new key from an existing one (no MinIO or RGW 16 condition does), and the
    // commit (a server-side move from _tmp/) needs it on the final key.
    expect(await outcome(as(w()).send(new PutObjectCommand({ Bucket: w().bucket, Key: key, Body: "garbage" })))).toBe("OK");
    const versions = (await hub.admin.send(new ListObjectVersionsCommand({ Bucket: w().bucket, Prefix: key }))).Versions ?? [];
    expect(versions.filter((v) => v.Key === key).map((v) => [v.VersionId === originalVersion, v.IsLatest])).toEqual([[false, true], [true, false]]);
    expect(await outcome(as(w()).send(new DeleteObjectCommand({ Bucket: w().bucket, Key: key, VersionId: originalVersion })))).toBe("AccessDenied");
    expect(await outcome(as(w()).send(new ListObjectVersionsCommand({ Bucket: w().bucket })))).toBe("AccessDenied");
    const recovered = runbookRecovery(hub.rgw, `${w().bucket}/${path.dirname(key)}`, before);
    expect(fs.readFileSync(path.join(recovered, "full.sql.zst")).equals(original)).toBe(true);
  });
});

describe("etcd-offload.sh as homelab-backup-etcd-offload", () => {
  const w = () => hub.writer("etcdOffload");

  it("uploads verified snapshots, their .sha256 and the server token; a second run uploads nothing", () => {
    const node = controlPlaneNode({ [snapshotName(0)]: snapshots[0], [snapshotName(1)]: snapshots[1] });
    const env = { ...s3Env(w(), w().bucket), SNAPSHOT_DIR: node.snapshots, STATE_DIRECTORY: node.state, NODE_NAME: "cp-1", TOKEN_FILE: node.token, TEXTFILE_DIR: node.textfile };
    const first = runScript(scripts.etcd, "etcd-offload.sh", env);
    expect(first.output).toContain("offload OK node=cp-1 uploaded=2 skipped=0 corrupt=0 failed=0");
    expect(first.status).toBe(0);
    expect(keys(w().bucket, "cp-1/")).toEqual([`cp-1/${snapshotName(0)}`, `cp-1/${snapshotName(0)}.sha256`, `cp-1/${snapshotName(1)}`, `cp-1/${snapshotName(1)}.sha256`, "cp-1/server-token"]);
    expect(readObject(hub.rgw.admin, w().bucket, `cp-1/${snapshotName(1)}`).equals(snapshots[1])).toBe(true);
    expect(readObject(hub.rgw.admin, w().bucket, "cp-1/server-token").toString("utf8")).toBe(NODE_TOKEN);
    const second = runScript(scripts.etcd, "etcd-offload.sh", env);
    expect(second.output).toContain("offload OK node=cp-1 uploaded=0");
    expect(second.status).toBe(0);
    expect(first.output + second.output).not.toContain(w().secretAccessKey);
  });

  it("cannot delete anything, not even a key it just wrote under _tmp/", async () => {
    const targets = [`cp-1/${snapshotName(0)}`, `cp-1/${snapshotName(0)}.sha256`, "cp-1/server-token", "_tmp/x"];
    expect(await outcome(as(w()).send(new PutObjectCommand({ Bucket: w().bucket, Key: "_tmp/x", Body: "x" })))).toBe("OK");
    for (const k of targets) expect(`${k}: ${await outcome(as(w()).send(new DeleteObjectCommand({ Bucket: w().bucket, Key: k })))}`).toBe(`${k}: AccessDenied`);
    expect(keys(w().bucket).filter((k) => targets.includes(k)).sort()).toEqual([...targets].sort());
  });
});

describe("rgw-mirror.sh as homelab-backup-rgw-mirror, from a real RGW source bucket", () => {
  const w = () => hub.writer("rgwMirror");
  let source: Writer;
  const put = (bucket: string, key: string, body: Buffer | string) => hub.rgw.s3(source).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  const mirror = (env: NodeJS.ProcessEnv) => runScript(scripts.mirror, "rgw-mirror.sh", {
    ...s3Env(w(), w().bucket), SOURCE_S3_ENDPOINT: hub.rgw.endpoint, SOURCE_S3_ACCESS_KEY_ID: source.accessKeyId, SOURCE_S3_SECRET_ACCESS_KEY: source.secretAccessKey, ...env,
  });
  const sourceKeys = (bucket: string) => listObjects(hub.rgw.admin, bucket).map((o) => `${bucket}/${o.Path}`).sort();
  const bodies = new Map<string, Buffer>();

  beforeAll(async () => {
    // the cluster's own RGW: a tenant user owning its buckets (it may create them; hub writers may not)
    source = { ...hub.rgw.createUser("cluster-app", { canCreateBuckets: true }), bucket: "", key: "rgwMirror", stack: "homelab" };
    for (const b of ["photos", "emptied", "limited"]) await hub.rgw.s3(source).send(new CreateBucketCommand({ Bucket: b }));
    for (let i = 0; i < 8; i++) {
      const body = randomBytes(i === 0 ? 7 * 1024 * 1024 : 2000 + i * 41);
      bodies.set(`dir${i % 2}/obj-${i}.bin`, body);
      await put("photos", `dir${i % 2}/obj-${i}.bin`, body);
    }
    for (const k of ["a", "b", "c"]) await put("emptied", k, `emptied ${k}`);
    for (let i = 0; i < 5; i++) await put("limited", `l-${i}`, `limited ${i}`);
  }, 60_000);

  it("copy mode mirrors every source bucket byte for byte and writes its report", () => {
    const res = mirror({ RGW_BUCKETS: "photos,emptied,limited", MIRROR_MODE: "copy" });
    expect(res.output).toMatch(/bucket=photos mode=copy copied=8 bytes=\d+ deleted=0 errors=0 check=ok/);
    expect(res.output).toContain("mirror OK buckets=3");
    expect(res.status).toBe(0);
    for (const b of ["photos", "emptied", "limited"]) expect(keys(w().bucket, `${b}/`)).toEqual(sourceKeys(b));
    expect(readObject(hub.rgw.admin, w().bucket, "photos/dir0/obj-0.bin").equals(bodies.get("dir0/obj-0.bin") as Buffer)).toBe(true);
    expect(keys(w().bucket, "_reports/")).toHaveLength(1);
    expect(res.output).not.toContain(w().secretAccessKey);
    expect(res.output).not.toContain(source.secretAccessKey);
  }, 60_000);

  it("sync mode deletes and replaces what the source dropped, and versioning keeps the old bytes for the runbook's recovery", async () => {
    const before = new Date();
    await new Promise((r) => setTimeout(r, 1100)); // versions are told apart by time (rclone --s3-version-at)
    await hub.rgw.s3(source).send(new DeleteObjectCommand({ Bucket: "photos", Key: "dir1/obj-1.bin" }));
    await put("photos", "dir0/obj-2.bin", "replaced on the source");
    const res = mirror({ RGW_BUCKETS: "photos", MIRROR_MODE: "sync" });
    expect(res.output).toMatch(/bucket=photos mode=sync copied=1 bytes=22 deleted=1 errors=0 check=ok/);
    expect(res.status).toBe(0);
    expect(keys(w().bucket, "photos/")).toEqual(sourceKeys("photos"));
    const versions = (await hub.admin.send(new ListObjectVersionsCommand({ Bucket: w().bucket, Prefix: "photos/dir" }))).Versions ?? [];
    expect(versions.filter((v) => !v.IsLatest).map((v) => v.Key).sort()).toEqual(["photos/dir0/obj-2.bin", "photos/dir1/obj-1.bin"]);
    const recovered = runbookRecovery(hub.rgw, `${w().bucket}/photos`, before);
    expect(fs.readFileSync(path.join(recovered, "dir1/obj-1.bin")).equals(bodies.get("dir1/obj-1.bin") as Buffer)).toBe(true);
    expect(fs.readFileSync(path.join(recovered, "dir0/obj-2.bin")).equals(bodies.get("dir0/obj-2.bin") as Buffer)).toBe(true);
  }, 60_000);

  it("refuses to sync a source bucket that lists empty while its mirror has objects: nothing deleted", async () => {
    for (const k of ["a", "b", "c"]) await hub.rgw.s3(source).send(new DeleteObjectCommand({ Bucket: "emptied", Key: k }));
    const res = mirror({ RGW_BUCKETS: "emptied", MIRROR_MODE: "sync" });
    expect(res.output).toContain("refusing to sync emptied: the source lists empty while its mirror has 3 objects");
    expect(res.status).not.toBe(0);
    expect(keys(w().bucket, "emptied/")).toEqual(["emptied/a", "emptied/b", "emptied/c"]);
  });

  it("refuses more deletions than MAX_DELETE with nothing deleted; within the budget it deletes", async () => {
    for (let i = 0; i < 3; i++) await hub.rgw.s3(source).send(new DeleteObjectCommand({ Bucket: "limited", Key: `l-${i}` }));
    const refused = mirror({ RGW_BUCKETS: "limited", MIRROR_MODE: "sync", MAX_DELETE: "2" });
    expect(refused.output).toContain("refusing to sync limited: 3 deletions pending exceed MAX_DELETE=2");
    expect(refused.status).not.toBe(0);
    expect(keys(w().bucket, "limited/")).toHaveLength(5);
    const allowed = mirror({ RGW_BUCKETS: "limited", MIRROR_MODE: "sync", MAX_DELETE: "3" });
    expect(allowed.output).toMatch(/bucket=limited mode=sync copied=0 bytes=0 deleted=3 errors=0 check=ok/);
    expect(allowed.status).toBe(0);
    expect(keys(w().bucket, "limited/")).toEqual(sourceKeys("limited"));
  });

  it("cannot read the source with its hub credentials (the source is another system's)", async () => {
    expect(await outcome(as(w()).send(new ListObjectsV2Command({ Bucket: "photos" })))).toBe("AccessDenied");
  });
});
