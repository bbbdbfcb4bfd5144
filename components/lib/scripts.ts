/**
 * Payload scripts as deployed: real .sh files read from the repository, shipped side by side (a
 * script sources backup-lib.sh from its own directory). The bundle's content hash names the
 * ConfigMap, so an edited script rolls the CronJob.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** The shared library every script sources. */
export const BACKUP_LIB = path.join(__dirname, "backup-lib.sh");

export interface ScriptBundle {
  /** File name -> content, e.g. { "pg-backup.sh": "#!/usr/bin/env bash…" }. */
  files: Record<string, string>;
  /** First 10 hex digits of the sha256 over names and contents. */
  hash: string;
}

/** Reads the given script files (plus backup-lib.sh) into a bundle keyed by file name. */
export function scriptBundle(paths: string[]): ScriptBundle {
  const files: Record<string, string> = {};
  for (const p of [...paths, BACKUP_LIB]) files[path.basename(p)] = fs.readFileSync(p, "utf8");
  return { files, hash: bundleHash(files) };
}

/** Writes a bundle's files side by side into `dir` (executable), as the ConfigMap mounts them. */
export function writeBundle(bundle: ScriptBundle, dir: string): void {
  for (const [name, content] of Object.entries(bundle.files)) fs.writeFileSync(path.join(dir, name), content, { mode: 0o755 });
}

/** The bundle plus one more file (the hash covers it, so a changed file rolls the CronJob too). */
export function withFile(bundle: ScriptBundle, name: string, content: string): ScriptBundle {
  const files = { ...bundle.files, [name]: content };
  return { files, hash: bundleHash(files) };
}

/** First 10 hex digits of the sha256 over the files' names and contents, in name order. */
export function bundleHash(files: Record<string, string>): string {
  const h = createHash("sha256");
  for (const name of Object.keys(files).sort()) h.update(name).update("\0").update(files[name]).update("\0");
  return h.digest("hex").slice(0, 10);
}
