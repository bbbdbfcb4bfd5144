/**
 * `npm run status -- <stack> [--json]`: what is committed on the hub for each backup path of a
 * stack, read from the buckets themselves (components/hub-status/hub-facts.sh and facts.jq, the
 * same code the in-cluster hub exporter runs). Needs bash, rclone and jq, and read credentials in
 * the environment: BACKUP_S3_ACCESS_KEY_ID and BACKUP_S3_SECRET_ACCESS_KEY (the hub reader's, from
 * `pulumi stack output --show-secrets hubReader`); BACKUP_S3_ENDPOINT overrides the stack's
 * hub.endpoint, BACKUP_S3_CA_FILE adds a CA. Exit 0 when every enabled path is OK, 1 when any is
 * STALE or MISSING, 2 on a usage or config error.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { scriptBundle, writeBundle } from "../components/lib/scripts";
import { HUB_STATUS_FILES } from "../components/hub-status/scripts";
import { ConfigError } from "../config/schema";
import { hubPaths } from "../components/hub-status/paths";
import { parseStackConfig, StackFileError } from "./stack-config";

const ROOT = path.resolve(__dirname, "..");

/** The hub-status bundle as deployed (hub-facts.sh, facts.jq and backup-lib.sh side by side) in a temp dir. */
function stageBundle(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-status-"));
  writeBundle(scriptBundle(HUB_STATUS_FILES), dir);
  return dir;
}

export interface PathFacts {
  path: string;
  bucket: string;
  verdict: "OK" | "STALE" | "MISSING" | "DISABLED";
  reason: string;
  newest: { key: string; time: number; bytes: number } | null;
  ageSeconds?: number | null;
  objects?: number;
  bytes?: number;
  maxAgeSeconds: number;
  drill: { time: number | null; result: string; restoreSeconds: number | null; backup: string | null; reason: string | null } | null;
}
export interface Facts { now: number; paths: PathFacts[] }

const iso = (t: number) => new Date(t * 1000).toISOString().replace(/\.000Z$/, "Z");
export function age(seconds: number): string {
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, "0")}m`;
  return `${Math.floor(seconds / 86400)}d${Math.floor((seconds % 86400) / 3600)}h`;
}
export function size(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** The operator's table: one row per path, a verdict and, when not OK, why. */
export function table(facts: Facts): string {
  const rows = [["PATH", "BUCKET", "NEWEST COMMITTED", "AGE", "SIZE", "LAST DRILL", "RTO", "VERDICT"]];
  for (const p of facts.paths) {
    const drill = p.drill ? `${p.drill.result} ${p.drill.time ? iso(p.drill.time) : ""}`.trim() : "-";
    rows.push([
      p.path, p.bucket,
      p.newest ? `${p.newest.key} (${iso(p.newest.time)})` : "-",
      p.ageSeconds != null ? age(p.ageSeconds) : "-",
      p.newest ? size(p.newest.bytes) : "-",
      drill,
      p.drill?.restoreSeconds != null ? `${p.drill.restoreSeconds}s` : "-",
      p.verdict + (p.reason ? `: ${p.reason}` : ""),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ")).join("\n");
}

/** rclone fails every S3 call when AWS_CA_BUNDLE is set (facts.md); the CA goes in BACKUP_S3_CA_FILE. */
function withoutCaBundle(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const rest = { ...env };
  delete rest.AWS_CA_BUNDLE;
  return rest;
}

export const failing = (facts: Facts): PathFacts[] => facts.paths.filter((p) => p.verdict === "STALE" || p.verdict === "MISSING");

function main(argv: string[]): number {
  const json = argv.includes("--json");
  const [stack] = argv.filter((a) => a !== "--json");
  if (!stack) {
    process.stderr.write("usage: npm run status -- <stack> [--json]\n");
    return 2;
  }
  let paths;
  let endpoint: string;
  try {
    const config = parseStackConfig(ROOT, stack);
    paths = hubPaths(config);
    endpoint = config.hub.endpoint;
  } catch (err) {
    const problems = err instanceof ConfigError || err instanceof StackFileError ? err.problems : [(err as Error).message];
    for (const p of problems) process.stderr.write(`config error: ${p}\n`);
    return 2;
  }
  for (const v of ["BACKUP_S3_ACCESS_KEY_ID", "BACKUP_S3_SECRET_ACCESS_KEY"]) {
    if (!process.env[v]) {
      process.stderr.write(`status: ${v} is not set (the hub reader's keys: pulumi stack output --show-secrets hubReader)\n`);
      return 2;
    }
  }
  const bundle = stageBundle();
  const res = spawnSync("bash", [path.join(bundle, "hub-facts.sh")], {
    env: { ...withoutCaBundle(process.env), BACKUP_S3_ENDPOINT: process.env.BACKUP_S3_ENDPOINT || endpoint, HUB_PATHS: JSON.stringify(paths), HUB_FACTS_PROGRESS: "1" },
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  fs.rmSync(bundle, { recursive: true, force: true });
  if (res.status !== 0) {
    process.stderr.write(`status: hub-facts.sh failed (exit ${res.status})\n`);
    return 2;
  }
  const facts = JSON.parse(res.stdout) as Facts;
  process.stdout.write(json ? `${JSON.stringify(facts, null, 2)}\n` : `${table(facts)}\n`);
  return failing(facts).length > 0 ? 1 : 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
