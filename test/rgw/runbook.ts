/**
 * Runs the runbook's recovery commands (docs/runbook.md, "Recover an overwritten or deleted
 * object") against a real RGW: the rclone lines of that block, as written, with only the bucket
 * path, the point in time and the target directory substituted, and the remote `hub:` configured
 * with the hub admin's credentials the way the block's `export` line does.
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../support/program";
import { run, tempDir } from "../support/proc";
import { Rgw } from "../support/rgw";

const MARKER = "<!-- test/rgw/runbook.ts runs the rclone lines of this block against a real RGW -->";
const EXAMPLE = { path: "homelab-backup-rgw/photos", at: "2026-11-22 10:00:00", dir: "./recovered/" };

/** The rclone command lines of the runbook's recovery block (a test fails if the block changes shape). */
export function recoveryCommands(): string[] {
  const doc = fs.readFileSync(path.join(ROOT, "docs/runbook.md"), "utf8");
  const start = doc.indexOf(MARKER);
  if (start < 0) throw new Error("docs/runbook.md lost its tested recovery block");
  const block = doc.slice(start).split("```")[1];
  const lines = block.split("\n").filter((l) => l.startsWith("rclone "));
  for (const l of lines) if (!l.includes(`hub:${EXAMPLE.path}/`)) throw new Error(`runbook line without the example path: ${l}`);
  if (!lines.some((l) => l.includes(`"${EXAMPLE.at}"`) && l.includes(EXAMPLE.dir))) throw new Error("runbook block has no point-in-time copy to ./recovered/");
  return lines;
}

const utc = (d: Date) => d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "");

/**
 * Runs every rclone line of the block for `bucketPath` as it was at `at`; returns the directory the
 * folder was recovered into. Throws with rclone's output when a line fails.
 */
export function runbookRecovery(rgw: Rgw, bucketPath: string, at: Date): string {
  const dir = tempDir("recovered");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    RCLONE_CONFIG: "/dev/null",
    RCLONE_CONFIG_HUB_TYPE: "s3",
    RCLONE_CONFIG_HUB_PROVIDER: "Minio",
    RCLONE_CONFIG_HUB_FORCE_PATH_STYLE: "true",
    RCLONE_CONFIG_HUB_ENDPOINT: rgw.endpoint,
    RCLONE_CONFIG_HUB_ACCESS_KEY_ID: rgw.admin.accessKeyId,
    RCLONE_CONFIG_HUB_SECRET_ACCESS_KEY: rgw.admin.secretAccessKey,
  };
  for (const line of recoveryCommands()) {
    const cmd = line.replace(/\s+#.*$/, "").split(`hub:${EXAMPLE.path}/`).join(`hub:${bucketPath}/`)
      .replace(`"${EXAMPLE.at}"`, `"${utc(at)}"`).replace(EXAMPLE.dir, `${dir}/`);
    const res = run("bash", ["-c", cmd], { env, cwd: dir });
    if (res.status !== 0) throw new Error(`runbook line failed (${res.status}): ${cmd}\n${res.stdout}${res.stderr}`);
  }
  return dir;
}
