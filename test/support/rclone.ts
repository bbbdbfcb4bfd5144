/**
 * rclone configured only from the environment (as the payload scripts do), with the machine's
 * AWS_CA_BUNDLE removed: when set, every rclone S3 call fails (LoadCustomCABundleError).
 */
import * as fs from "fs";
import * as path from "path";
import { run, tempDir } from "./proc";

export interface S3Target {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
}

/** Environment for an rclone remote named `remote` pointing at `s3` (path-style, no bucket creation). */
export function rcloneEnv(remote: string, s3: S3Target, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  delete env.AWS_CA_BUNDLE;
  const p = `RCLONE_CONFIG_${remote.toUpperCase()}_`;
  Object.assign(env, {
    RCLONE_CONFIG: "/dev/null",
    [`${p}TYPE`]: "s3",
    [`${p}PROVIDER`]: "Minio",
    [`${p}ENDPOINT`]: s3.endpoint,
    [`${p}ACCESS_KEY_ID`]: s3.accessKeyId,
    [`${p}SECRET_ACCESS_KEY`]: s3.secretAccessKey,
    [`${p}REGION`]: s3.region ?? "us-east-1",
    [`${p}FORCE_PATH_STYLE`]: "true",
    // s3rver answers a multipart upload with a plain MD5 ETag, which rclone's multipart-ETag check
    // reports as "multipart upload corrupted". Real MinIO returns proper ETags: scripts keep the check.
    [`${p}USE_MULTIPART_ETAG`]: "false",
    // s3rver's ListObjectsV2 pagination fails past 1,000 keys (InternalError); V1 listings work.
    [`${p}LIST_VERSION`]: "1",
  });
  return env;
}

/** Runs rclone against remote `s3:` for `target`; returns the spawn result (tests assert on it). */
export function rclone(target: S3Target, args: string[], input?: string | Buffer) {
  return run("rclone", ["--s3-no-check-bucket", "--retries", "1", "--low-level-retries", "1", ...args], { env: rcloneEnv("s3", target), input });
}

/** Keys (with sizes) under `bucket[/prefix]`, recursively. */
export function listObjects(target: S3Target, bucketPath: string): Array<{ Path: string; Size: number; ModTime: string }> {
  const res = rclone(target, ["lsjson", "-R", "--files-only", `s3:${bucketPath}`]);
  if (res.status !== 0) throw new Error(`rclone lsjson s3:${bucketPath} failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as Array<{ Path: string; Size: number; ModTime: string }>;
}

/** One object's bytes (binary-safe: downloaded to a temp file). */
export function readObject(target: S3Target, bucket: string, key: string): Buffer {
  const dir = tempDir("get");
  try {
    const file = path.join(dir, "object");
    const res = rclone(target, ["copyto", `s3:${bucket}/${key}`, file]);
    if (res.status !== 0) throw new Error(`rclone copyto s3:${bucket}/${key} failed: ${res.stderr}`);
    return fs.readFileSync(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes bytes to one object (as an operator or attacker with hub admin rights could). */
export function writeObject(target: S3Target, bucket: string, key: string, body: Buffer | string): void {
  const res = rclone(target, ["rcat", `s3:${bucket}/${key}`], body);
  if (res.status !== 0) throw new Error(`rclone rcat s3:${bucket}/${key} failed: ${res.stderr}`);
}
