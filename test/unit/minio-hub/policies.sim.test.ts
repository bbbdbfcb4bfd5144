/**
 * Least privilege proven with an IAM policy simulator (@cloud-copilot/iam-simulate, AWS semantics):
 * for every writer, what its job needs is allowed on its own bucket; everything else is denied.
 * MinIO's own admin:* actions are not simulated; a structural test covers them.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { BACKUP_PATHS, PATH_KEYS, PathKey, TEMP_PREFIX } from "../../../components/lib/backup-paths";
import { PathPlan, hubPlan, readerPlan } from "../../../components/minio-hub";
import { PolicyDocument } from "../../../components/minio-hub/policies";

const ACCOUNT = "123456789012";
const plans = hubPlan({ bucketPrefix: "homelab-backup", paths: [...PATH_KEYS], retentionDays: 14 });
const planOf = (key: PathKey): PathPlan => plans.find((p) => p.key === key) as PathPlan;

async function decide(policy: PolicyDocument, action: string, resource: string): Promise<string> {
  const result = await runSimulation(
    {
      request: { principal: `arn:aws:iam::${ACCOUNT}:user/writer`, action, resource: { resource, accountId: ACCOUNT }, contextVariables: {} },
      identityPolicies: [{ name: "writer", policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === "error") throw new Error(`simulation error for ${action} on ${resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

const bucketArn = (b: string) => `arn:aws:s3:::${b}`;
const objectArn = (b: string, key: string) => `arn:aws:s3:::${b}/${key}`;
const committedKey = "postgresql-18/2026/11/22/full.sql.zst";

describe.each(PATH_KEYS)("writer policy for %s", (key) => {
  const plan = planOf(key);
  const own = plan.bucket;
  const others = plans.filter((p) => p.key !== key).map((p) => p.bucket);

  it.each([
    ["s3:ListBucket", bucketArn(own)],
    ["s3:GetBucketLocation", bucketArn(own)],
    ["s3:ListBucketMultipartUploads", bucketArn(own)],
    ["s3:PutObject", objectArn(own, committedKey)],
    ["s3:GetObject", objectArn(own, committedKey)],
    ["s3:AbortMultipartUpload", objectArn(own, `${TEMP_PREFIX}upload`)],
    ["s3:ListMultipartUploadParts", objectArn(own, `${TEMP_PREFIX}upload`)],
  ])("allows what its job needs: %s on %s", async (action, resource) => {
    expect(await decide(plan.policy, action, resource)).toBe("Allowed");
  });

  it("is denied every action on every other writer's bucket", async () => {
    for (const other of others) {
      for (const [action, resource] of [
        ["s3:ListBucket", bucketArn(other)],
        ["s3:GetObject", objectArn(other, committedKey)],
        ["s3:PutObject", objectArn(other, committedKey)],
        ["s3:DeleteObject", objectArn(other, committedKey)],
      ]) {
        expect(`${action} ${resource}: ${await decide(plan.policy, action, resource)}`).toBe(`${action} ${resource}: ImplicitlyDenied`);
      }
    }
  });

  it.each([
    ["s3:DeleteBucket", bucketArn(own)],
    ["s3:CreateBucket", bucketArn("homelab-backup-new")],
    ["s3:ListAllMyBuckets", "*"],
    ["s3:PutBucketPolicy", bucketArn(own)],
    ["s3:DeleteBucketPolicy", bucketArn(own)],
    ["s3:PutLifecycleConfiguration", bucketArn(own)],
    ["s3:PutBucketVersioning", bucketArn(own)],
    ["s3:PutBucketObjectLockConfiguration", bucketArn(own)],
    ["s3:DeleteObjectVersion", objectArn(own, committedKey)],
    ["s3:PutObjectRetention", objectArn(own, committedKey)],
    ["s3:BypassGovernanceRetention", objectArn(own, committedKey)],
    ["iam:CreateUser", `arn:aws:iam::${ACCOUNT}:user/evil`],
    ["iam:PutUserPolicy", `arn:aws:iam::${ACCOUNT}:user/writer`],
    ["iam:AttachUserPolicy", `arn:aws:iam::${ACCOUNT}:user/writer`],
    ["iam:CreateAccessKey", `arn:aws:iam::${ACCOUNT}:user/writer`],
  ])("is denied %s on %s (bucket deletion, policy, lifecycle, versioning and IAM changes)", async (action, resource) => {
    expect(await decide(plan.policy, action, resource)).toBe("ImplicitlyDenied");
  });

  const deletes = BACKUP_PATHS[key].deletes;
  it(`deletes per its rights (${deletes})`, async () => {
    const onCommitted = await decide(plan.policy, "s3:DeleteObject", objectArn(own, committedKey));
    const onTemporary = await decide(plan.policy, "s3:DeleteObject", objectArn(own, `${TEMP_PREFIX}run-1/full.sql.zst`));
    const expected = {
      "own-bucket": ["Allowed", "Allowed"],
      "temporary-keys": ["ImplicitlyDenied", "Allowed"],
      never: ["ImplicitlyDenied", "ImplicitlyDenied"],
    }[deletes];
    expect([onCommitted, onTemporary]).toEqual(expected);
  });

  it("holds no wildcard action, no admin action and no resource outside its own bucket", () => {
    for (const st of plan.policy.Statement) {
      expect(st.Effect).toBe("Allow");
      for (const a of st.Action) {
        expect(a).toMatch(/^s3:[A-Za-z]+$/);
      }
      for (const r of st.Resource) expect([bucketArn(own), `${bucketArn(own)}/*`, `${bucketArn(own)}/${TEMP_PREFIX}*`]).toContain(r);
    }
  });
});

describe("the hub reader's policy (hub exporter, npm run status)", () => {
  const reader = readerPlan({ bucketPrefix: "homelab-backup" }, plans);
  it("is named <prefix>-hub-reader and covers exactly the served buckets", () => {
    expect([reader.user, reader.policyName]).toEqual(["homelab-backup-hub-reader", "homelab-backup-hub-reader-read"]);
    expect(reader.policy.Statement.flatMap((st) => st.Resource)).toEqual([...plans.map((p) => bucketArn(p.bucket)), ...plans.map((p) => `${bucketArn(p.bucket)}/*`)]);
  });

  it.each(plans.map((p) => p.bucket))("may list and read %s", async (bucket) => {
    for (const [action, resource] of [["s3:ListBucket", bucketArn(bucket)], ["s3:GetBucketLocation", bucketArn(bucket)], ["s3:GetObject", objectArn(bucket, committedKey)]]) {
      expect(`${action}: ${await decide(reader.policy, action, resource)}`).toBe(`${action}: Allowed`);
    }
  });

  it.each(plans.map((p) => p.bucket))("may change nothing in %s", async (bucket) => {
    for (const [action, resource] of [
      ["s3:PutObject", objectArn(bucket, committedKey)], ["s3:DeleteObject", objectArn(bucket, committedKey)], ["s3:DeleteObjectVersion", objectArn(bucket, committedKey)],
      ["s3:GetObjectVersion", objectArn(bucket, committedKey)], ["s3:ListBucketVersions", bucketArn(bucket)], ["s3:AbortMultipartUpload", objectArn(bucket, committedKey)],
      ["s3:PutBucketVersioning", bucketArn(bucket)], ["s3:PutLifecycleConfiguration", bucketArn(bucket)], ["s3:PutBucketPolicy", bucketArn(bucket)],
      ["s3:DeleteBucket", bucketArn(bucket)], ["s3:CreateBucket", bucketArn("homelab-backup-new")], ["iam:CreateAccessKey", `arn:aws:iam::${ACCOUNT}:user/reader`],
    ]) {
      expect(`${action}: ${await decide(reader.policy, action, resource)}`).toBe(`${action}: ImplicitlyDenied`);
    }
  });

  it("reads nothing outside the served buckets", async () => {
    expect(await decide(reader.policy, "s3:GetObject", objectArn("other-bucket", committedKey))).toBe("ImplicitlyDenied");
    expect(await decide(reader.policy, "s3:ListBucket", bucketArn("other-bucket"))).toBe("ImplicitlyDenied");
  });
});

describe("the delete rights the issue requires", () => {
  it("lets only tools that delete by design (Velero/Kopia, rclone sync, Volsync/Kopia) delete committed objects", () => {
    expect(PATH_KEYS.filter((k) => BACKUP_PATHS[k].deletes === "own-bucket")).toEqual(["velero", "rgwMirror", "volsync"]);
    expect(BACKUP_PATHS.postgres.deletes).toBe("temporary-keys");
    expect(BACKUP_PATHS.etcdOffload.deletes).toBe("never");
  });
});

describe("the simulator itself", () => {
  it("can tell an over-broad policy apart (so the denials above mean something)", async () => {
    const broad: PolicyDocument = { Version: "2012-10-17", Statement: [{ Sid: "All", Effect: "Allow", Action: ["s3:*"], Resource: ["*"] }] };
    expect(await decide(broad, "s3:DeleteBucket", bucketArn("homelab-backup-postgres"))).toBe("Allowed");
    expect(await decide(broad, "s3:DeleteObjectVersion", objectArn("homelab-backup-etcd", "x"))).toBe("Allowed");
  });
});
