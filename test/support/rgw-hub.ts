/**
 * The MinIO hub the program renders, applied to a real RGW: the buckets, versioning, lifecycle
 * rules, users and policy documents are taken from what the real program (index.ts under Pulumi
 * mocks) declared — the same objects `npm run synth` writes to `out/<stack>/minio/` — and created
 * on RGW the way terraform-provider-minio would create them on MinIO.
 */
import { LifecycleRule as S3LifecycleRule, CreateBucketCommand, PutBucketLifecycleConfigurationCommand, PutBucketVersioningCommand } from "@aws-sdk/client-s3";
import { RecordedResource } from "../../tools/pulumi-mocks";
import { LifecycleRule } from "../../components/minio-hub/ilm";
import { Rgw, RgwUser } from "./rgw";

export interface HubBucket {
  name: string;
  versioning: boolean;
  lifecycle: LifecycleRule[];
}

export interface HubWriter {
  user: string;
  policyName: string;
  /** The policy document exactly as the program renders it (a JSON string). */
  policy: string;
}

export interface HubPlan {
  buckets: HubBucket[];
  writers: HubWriter[];
}

const inputsOf = (resources: RecordedResource[], type: string) =>
  resources.filter((r) => r.type === type).map((r) => r.inputs as Record<string, unknown>);

/** The hub part of a recorded program run. */
export function hubPlanFromProgram(resources: RecordedResource[]): HubPlan {
  const versioned = new Set(inputsOf(resources, "minio:index/s3BucketVersioning:S3BucketVersioning")
    .filter((i) => (i.versioningConfiguration as { status?: string })?.status === "Enabled")
    .map((i) => i.bucket as string));
  const lifecycle = new Map(inputsOf(resources, "minio:index/ilmPolicy:IlmPolicy").map((i) => [i.bucket as string, i.rules as LifecycleRule[]]));
  const policies = new Map(inputsOf(resources, "minio:index/iamPolicy:IamPolicy").map((i) => [i.name as string, i.policy as string]));
  const buckets = inputsOf(resources, "minio:index/s3Bucket:S3Bucket").map((i) => i.bucket as string)
    .map((name) => ({ name, versioning: versioned.has(name), lifecycle: lifecycle.get(name) ?? [] }));
  const writers = inputsOf(resources, "minio:index/iamUserPolicyAttachment:IamUserPolicyAttachment").map((i) => {
    const policyName = i.policyName as string;
    const policy = policies.get(policyName);
    if (policy === undefined) throw new Error(`attachment names policy ${policyName}, which the program does not declare`);
    return { user: i.userName as string, policyName, policy };
  });
  if (buckets.length === 0 || writers.length === 0) throw new Error("the program declared no hub buckets or writers");
  return { buckets, writers };
}

/**
 * The S3 lifecycle rules MinIO stores for the program's ILM rules: terraform-provider-minio v1.20.1,
 * `minio/resource_minio_ilm_policy.go` (`minioCreateILMPolicy`, `parseILMExpiration`): every rule is
 * `Status: Enabled` with `Filter.Prefix` = the rule's filter (the program sets none: the whole bucket); "<n>d"
 * becomes `Expiration.Days`, an absent expiration no Expiration element; the noncurrent days
 * become `NoncurrentVersionExpiration.NoncurrentDays`.
 */
export function s3LifecycleRules(rules: LifecycleRule[]): S3LifecycleRule[] {
  return rules.map((r) => {
    const rule: S3LifecycleRule = { ID: r.id, Status: "Enabled", Filter: { Prefix: "" } };
    if (r.expiration !== undefined) {
      const days = /^(\d+)d$/.exec(r.expiration);
      if (!days) throw new Error(`rule ${r.id}: expiration ${r.expiration} is not "<n>d" (the only form the program renders)`);
      rule.Expiration = { Days: Number(days[1]) };
    }
    if (r.noncurrentVersionExpirationDays) rule.NoncurrentVersionExpiration = { NoncurrentDays: r.noncurrentVersionExpirationDays };
    return rule;
  });
}

/**
 * Creates the plan on `rgw` as the hub admin: buckets, versioning, lifecycle, then one user per
 * writer (no bucket creation) with its policy document attached unchanged. Returns the writers'
 * credentials by user name. `only` limits what is applied (for mutation checks in tests).
 */
export async function applyHubPlan(rgw: Rgw, plan: HubPlan, only: { lifecycle?: boolean } = {}): Promise<Map<string, RgwUser>> {
  const s3 = rgw.s3(rgw.admin);
  for (const b of plan.buckets) {
    await s3.send(new CreateBucketCommand({ Bucket: b.name }));
    if (b.versioning) await s3.send(new PutBucketVersioningCommand({ Bucket: b.name, VersioningConfiguration: { Status: "Enabled" } }));
    if (only.lifecycle !== false && b.lifecycle.length > 0) {
      await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: b.name, LifecycleConfiguration: { Rules: s3LifecycleRules(b.lifecycle) } }));
    }
  }
  const users = new Map<string, RgwUser>();
  for (const w of plan.writers) {
    users.set(w.user, rgw.createUser(w.user));
    await rgw.putUserPolicy(w.user, w.policyName, w.policy);
  }
  return users;
}
