/**
 * The MinIO backup hub: per backup path one bucket (versioned, one lifecycle policy) and one
 * least-privilege writer (user + policy + attachment). A thin component over {@link hubPlan}.
 */
import * as minio from "@pulumi/minio";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_PATHS, PathKey, bucketName, writerUserName } from "../lib/backup-paths";
import { LifecycleRule, lifecycleRules } from "./ilm";
import { PolicyDocument, readerPolicy, writerPolicy } from "./policies";

export interface MinioHubArgs {
  /** Bucket and writer-user name prefix, e.g. `homelab-backup`. Required. */
  bucketPrefix: string;
  /** Backup paths served, one bucket + writer each. Required. */
  paths: PathKey[];
  /** Per-path bucket name overrides. Default: `<bucketPrefix>-<suffix>`. */
  bucketOverrides?: Partial<Record<PathKey, string>>;
  /** Days before noncurrent versions (and, per path, current objects) expire. Required. */
  retentionDays: number;
  /** Paths whose current objects expire after `retentionDays`. Default: the catalog's defaults. */
  expireCurrentObjects?: PathKey[];
}

/** What the hub creates for one path (pure data, no resources). */
export interface PathPlan {
  key: PathKey;
  bucket: string;
  user: string;
  policyName: string;
  policy: PolicyDocument;
  lifecycle: LifecycleRule[];
}

/** The hub's resources as plain data; the component only turns this into resources. */
export function hubPlan(args: MinioHubArgs): PathPlan[] {
  const expiring = args.expireCurrentObjects ?? args.paths.filter((k) => BACKUP_PATHS[k].expireCurrentByDefault);
  return args.paths.map((key) => {
    const bucket = bucketName(args.bucketPrefix, key, args.bucketOverrides);
    const user = writerUserName(args.bucketPrefix, key);
    return {
      key,
      bucket,
      user,
      policyName: `${user}-write`,
      policy: writerPolicy(bucket, BACKUP_PATHS[key].deletes),
      lifecycle: lifecycleRules(args.retentionDays, expiring.includes(key)),
    };
  });
}

/** The hub's one read-only user (hub exporter, `npm run status`): `<bucketPrefix>-hub-reader`. */
export function readerPlan(args: Pick<MinioHubArgs, "bucketPrefix">, plans: PathPlan[]): { user: string; policyName: string; policy: PolicyDocument } {
  const user = `${args.bucketPrefix}-hub-reader`;
  return { user, policyName: `${user}-read`, policy: readerPolicy(plans.map((p) => p.bucket)) };
}

/** S3 credentials of one writer; both values are Pulumi secrets. */
export interface WriterCredentials {
  accessKeyId: pulumi.Output<string>;
  secretAccessKey: pulumi.Output<string>;
}

export class MinioHub extends pulumi.ComponentResource {
  /** Bucket name per served path. */
  public readonly buckets: Partial<Record<PathKey, pulumi.Output<string>>> = {};
  /** Writer credentials per served path (secrets). */
  public readonly writers: Partial<Record<PathKey, WriterCredentials>> = {};
  /** The read-only hub user's credentials (secrets). */
  public readonly reader: WriterCredentials;

  constructor(name: string, args: MinioHubArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab-backups:index:MinioHub", name, {}, opts);
    const plans = hubPlan(args);
    for (const plan of plans) {
      const role = `${name}-${BACKUP_PATHS[plan.key].bucketSuffix}`;
      // forceDestroy stays false: MinIO refuses to delete a bucket that still holds backups.
      const bucket = new minio.S3Bucket(`${role}-bucket`, { bucket: plan.bucket, acl: "private", forceDestroy: false }, { parent: this });
      const versioning = new minio.S3BucketVersioning(
        `${role}-versioning`,
        { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } },
        { parent: this },
      );
      new minio.IlmPolicy(`${role}-lifecycle`, { bucket: bucket.bucket, rules: plan.lifecycle }, { parent: this, dependsOn: [versioning] });
      const user = new minio.IamUser(`${role}-writer`, { name: plan.user, forceDestroy: true }, { parent: this });
      const policy = new minio.IamPolicy(`${role}-policy`, { name: plan.policyName, policy: JSON.stringify(plan.policy) }, { parent: this });
      new minio.IamUserPolicyAttachment(`${role}-attachment`, { userName: user.name, policyName: policy.name }, { parent: this });
      this.buckets[plan.key] = bucket.bucket;
      this.writers[plan.key] = { accessKeyId: pulumi.secret(user.name), secretAccessKey: pulumi.secret(user.secret) };
    }
    const rp = readerPlan(args, plans);
    const reader = new minio.IamUser(`${name}-reader`, { name: rp.user, forceDestroy: true }, { parent: this });
    const readerPolicyResource = new minio.IamPolicy(`${name}-reader-policy`, { name: rp.policyName, policy: JSON.stringify(rp.policy) }, { parent: this });
    new minio.IamUserPolicyAttachment(`${name}-reader-attachment`, { userName: reader.name, policyName: readerPolicyResource.name }, { parent: this });
    this.reader = { accessKeyId: pulumi.secret(reader.name), secretAccessKey: pulumi.secret(reader.secret) };
    this.registerOutputs({ buckets: this.buckets, writers: this.writers, reader: this.reader });
  }
}
