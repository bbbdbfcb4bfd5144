/**
 * Runs payload scripts the way they are deployed: the component's bundle written side by side into
 * a directory, executed with bash and only the environment the test gives (plus PATH/HOME/TMPDIR),
 * so nothing from the developer's shell — AWS_CA_BUNDLE included — leaks in.
 */
import { spawn } from "child_process";
import * as path from "path";
import { scriptBundle, writeBundle } from "../../components/lib/scripts";
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
  writeBundle(scriptBundle(scripts), dir);
  return dir;
}

/** BACKUP_S3_* for a bucket on an S3 target: what a deployed script gets, nothing else. */
export function s3Env(s3: S3Target, bucket: string): NodeJS.ProcessEnv {
  return {
    BACKUP_S3_ENDPOINT: s3.endpoint,
    BACKUP_S3_BUCKET: bucket,
    BACKUP_S3_ACCESS_KEY_ID: s3.accessKeyId,
    BACKUP_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  };
}

/**
 * {@link s3Env} plus the two rclone settings s3rver 3.7.1 needs (for every remote of the script): no
 * multipart-ETag check (it returns plain MD5 ETags) and V1 listings (its ListObjectsV2 pagination
 * fails past 1,000 keys with InternalError). Real MinIO and RGW need neither, so the scripts do not
 * set them, and the RGW tier (test/rgw/) uses {@link s3Env}.
 */
export function hubEnv(s3: S3Target, bucket: string): NodeJS.ProcessEnv {
  return { RCLONE_S3_LIST_VERSION: "1", ...s3Env(s3, bucket), RCLONE_S3_USE_MULTIPART_ETAG: "false" };
}

type ScriptOpts = { shellPrefix?: string; pathPrefix?: string; timeoutMs?: number };

/** The command line and environment of a script run: bash, only `env` plus PATH/HOME/TMPDIR/LANG. */
function scriptCommand(dir: string, script: string, env: NodeJS.ProcessEnv, opts: ScriptOpts): { args: string[]; env: NodeJS.ProcessEnv } {
  const base: NodeJS.ProcessEnv = {
    PATH: `${opts.pathPrefix ? `${opts.pathPrefix}:` : ""}/usr/lib/postgresql/15/bin:${process.env.PATH}`,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR ?? "/tmp",
    LANG: "C.UTF-8",
  };
  const cmd = `${opts.shellPrefix ? `${opts.shellPrefix}; ` : ""}exec bash "$0" 2>&1`;
  return { args: ["-c", cmd, path.join(dir, script)], env: { ...base, ...env } };
}

/** Runs `dir/script` with bash; `shellPrefix` runs before it in the same shell (e.g. "ulimit -f 256"). */
export function runScript(dir: string, script: string, env: NodeJS.ProcessEnv, opts: ScriptOpts = {}): ScriptRun {
  const start = Date.now();
  const c = scriptCommand(dir, script, env, opts);
  const res = run("bash", c.args, { env: c.env, timeoutMs: opts.timeoutMs ?? 180_000 });
  return { status: res.status, output: `${res.stdout}${res.stderr}`, seconds: (Date.now() - start) / 1000 };
}

/**
 * Starts `dir/script` like {@link runScript} without waiting, so a test can act while it runs (stop
 * the hub mid-upload). `output()` is what it printed so far; `done` resolves when it exits.
 */
export function startScript(dir: string, script: string, env: NodeJS.ProcessEnv, opts: ScriptOpts = {}): { output(): string; done: Promise<ScriptRun> } {
  const start = Date.now();
  const c = scriptCommand(dir, script, env, opts);
  const child = spawn("bash", c.args, { env: c.env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => { out += d.toString("utf8"); });
  child.stderr.on("data", (d: Buffer) => { out += d.toString("utf8"); });
  const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 180_000);
  const done = new Promise<ScriptRun>((resolve) => child.on("close", (status) => {
    clearTimeout(timer);
    resolve({ status, output: out, seconds: (Date.now() - start) / 1000 });
  }));
  return { output: () => out, done };
}
