/**
 * What hub-facts.sh needs to know about each backup path (pure): its bucket, whether it is
 * enabled, how its committed backups are recognised, and how old the newest may be before the path
 * is STALE. The exporter's Deployment and `npm run status` both build HUB_PATHS with this.
 */
import { BACKUP_PATHS, PATH_KEYS, PathKey, bucketName } from "../lib/backup-paths";
import { maxCronGapHours } from "../../config/validators";
import { StackConfig } from "../../config/schema";

/** How facts.jq finds a path's newest committed backup. */
export type FactsKind = "postgres" | "etcd" | "velero" | "kopia" | "mirror";

export interface HubPath {
  path: PathKey;
  bucket: string;
  enabled: boolean;
  kind: FactsKind;
  /** Postgres key prefix (`postgres.prefix`). */
  prefix?: string;
  /** Newest committed backup older than this: STALE (BackupHubStale). */
  maxAgeSeconds: number;
}

const KIND: Record<PathKey, FactsKind> = { velero: "velero", postgres: "postgres", rgwMirror: "mirror", etcdOffload: "etcd", volsync: "kopia" };

/** Slack on top of a schedule's largest gap (a run may start late and take a while). */
export const STALE_SLACK_HOURS = 2;
/** etcd snapshots follow k3s's own schedule (every 12 h by default); a day plus slack. */
export const ETCD_MAX_AGE_HOURS = 26;

type Config = Pick<StackConfig, "hub" | "paths" | "schedules" | "timeZone" | "postgres">;

/** The largest gap between runs of the path's schedule plus {@link STALE_SLACK_HOURS}, in seconds. */
export function maxAgeSeconds(key: PathKey, config: Config): number {
  const schedule = { velero: config.schedules.velero, postgres: config.schedules.postgresBackup, rgwMirror: config.schedules.rgwMirror, volsync: config.schedules.volsync, etcdOffload: undefined }[key];
  const hours = schedule === undefined ? ETCD_MAX_AGE_HOURS : maxCronGapHours(schedule, config.timeZone) + STALE_SLACK_HOURS;
  return Math.round(hours * 3600);
}

/** Every backup path, enabled or not, in catalog order. */
export function hubPaths(config: Config): HubPath[] {
  return PATH_KEYS.map((key) => ({
    path: key,
    bucket: bucketName(config.hub.bucketPrefix, key, config.hub.buckets),
    enabled: config.paths[key] ?? BACKUP_PATHS[key].enabledByDefault,
    kind: KIND[key],
    ...(key === "postgres" && config.postgres ? { prefix: config.postgres.prefix } : {}),
    maxAgeSeconds: maxAgeSeconds(key, config),
  }));
}
