/**
 * Least-privilege IAM policies for the hub's writers (pure). Proven by simulation in
 * test/unit/minio-hub/policies.sim.test.ts, not by inspection.
 *
 * Every writer may list its own bucket and read/write objects in it (multipart included). Deletes
 * follow the path's {@link DeleteRights}. No writer gets versioning, lifecycle, policy, bucket or
 * version-delete rights, so with versioning on, an overwritten or deleted object stays recoverable
 * as a noncurrent version until the lifecycle expires it.
 */
import { DeleteRights, TEMP_PREFIX } from "../lib/backup-paths";

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string[];
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export const bucketArn = (bucket: string): string => `arn:aws:s3:::${bucket}`;
export const objectsArn = (bucket: string, keyPattern = "*"): string => `arn:aws:s3:::${bucket}/${keyPattern}`;

/** Bucket-level actions every writer's tool issues (rclone, Velero, Kopia). */
export const BUCKET_ACTIONS = ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"];
/** Object-level read/write actions, multipart included (PutObject covers create/upload/complete). */
export const OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];

/** The policy document of one writer of `bucket`. */
export function writerPolicy(bucket: string, deletes: DeleteRights): PolicyDocument {
  const statements: PolicyStatement[] = [
    { Sid: "ListOwnBucket", Effect: "Allow", Action: BUCKET_ACTIONS, Resource: [bucketArn(bucket)] },
    { Sid: "ReadWriteOwnObjects", Effect: "Allow", Action: OBJECT_ACTIONS, Resource: [objectsArn(bucket)] },
  ];
  if (deletes === "own-bucket") {
    statements.push({ Sid: "DeleteOwnObjects", Effect: "Allow", Action: ["s3:DeleteObject"], Resource: [objectsArn(bucket)] });
  } else if (deletes === "temporary-keys") {
    statements.push({
      Sid: "DeleteOwnTemporaryKeys",
      Effect: "Allow",
      Action: ["s3:DeleteObject"],
      Resource: [objectsArn(bucket, `${TEMP_PREFIX}*`)],
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * The hub reader's policy (hub exporter, `npm run status`): list every served bucket and read its
 * objects — nothing else: no writes, no deletes, no versions, no bucket settings.
 */
export function readerPolicy(buckets: string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ListServedBuckets", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: buckets.map((b) => bucketArn(b)) },
      { Sid: "ReadServedObjects", Effect: "Allow", Action: ["s3:GetObject"], Resource: buckets.map((b) => objectsArn(b)) },
    ],
  };
}
