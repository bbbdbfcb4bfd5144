/**
 * Runs payload scripts the way they are deployed: the component's bundle written side by side into
 * a directory, executed with bash and only the environment the test gives (plus PATH/HOME/TMPDIR),
 * so nothing from the developer's shell — AWS_CA_BUNDLE included — leaks in.
 */
import * as fs from "fs";
import * as path from "path";
import { scriptBundle } from "../../components/lib/scripts";
import { run, tempDir } from "./proc";
import { S3Target } from "./rclone";

export interface ScriptRun {
  status: number | null;
  output: string;
  seconds: number;
}

/** Writes the bundle for `scripts` into a fresh directory; returns that directory. */
export function stageScripts(scripts: string[]): string {
  const dir = tempDir("scripts");
  for (const [name, content] of Object.entries(scriptBundle(scripts).files)) {
    fs.writeFileSync(path.join(dir, name), content, { mode: 0o755 });
  }
  return dir;
}

/**
 * BACKUP_S3_* for a bucket on an S3 target, plus the two rclone settings s3rver 3.7.1 needs (for
 * every remote of the script): no multipart-ETag check (it returns plain MD5 ETags) and V1 listings
 * (its ListObjectsV2 pagination fails past 1,000 keys with InternalError). Real MinIO and RGW need
 * neither, so the scripts do not set them.
 */
export function hubEnv(s3: S3Target, bucket: string): NodeJS.ProcessEnv {
  return {
    RCLONE_S3_LIST_VERSION: "1",
    BACKUP_S3_ENDPOINT: s3.endpoint,
    BACKUP_S3_BUCKET: bucket,
    BACKUP_S3_ACCESS_KEY_ID: s3.accessKeyId,
    BACKUP_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    RCLONE_S3_USE_MULTIPART_ETAG: "false",
  };
}

/** Runs `dir/script` with bash; `shellPrefix` runs before it in the same shell (e.g. "ulimit -f 256"). */
export function runScript(dir: string, script: string, env: NodeJS.ProcessEnv, opts: { shellPrefix?: string; pathPrefix?: string; timeoutMs?: number } = {}): ScriptRun {
  const base: NodeJS.ProcessEnv = {
    PATH: `${opts.pathPrefix ? `${opts.pathPrefix}:` : ""}/usr/lib/postgresql/15/bin:${process.env.PATH}`,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR ?? "/tmp",
    LANG: "C.UTF-8",
  };
  const start = Date.now();
  const cmd = `${opts.shellPrefix ? `${opts.shellPrefix}; ` : ""}exec bash "$0" 2>&1`;
  const res = run("bash", ["-c", cmd, path.join(dir, script)], { env: { ...base, ...env }, timeoutMs: opts.timeoutMs ?? 180_000 });
  return { status: res.status, output: `${res.stdout}${res.stderr}`, seconds: (Date.now() - start) / 1000 };
}
