/**
 * The catalog of backup paths: one row per path, the single place that says which bucket a path
 * writes, which MinIO user writes it, what that writer may delete and how the hub expires it.
 * Config validation, the MinIO hub, the IAM policies and the tests all read this table.
 */

/** Config keys of the backup paths (`paths.<key>` in stack config). */
export const PATH_KEYS = ["velero", "postgres", "rgwMirror", "etcdOffload", "volsync"] as const;
export type PathKey = (typeof PATH_KEYS)[number];

/**
 * What a writer may delete:
 * - `own-bucket`: its tool deletes by design (Velero/Kopia maintenance, rclone sync), only in its bucket;
 * - `temporary-keys`: only keys under {@link TEMP_PREFIX} (upload to a temporary key, then move);
 * - `never`: no delete at all.
 */
export type DeleteRights = "own-bucket" | "temporary-keys" | "never";

export interface BackupPath {
  key: PathKey;
  /** Bucket name is `<hub.bucketPrefix>-<bucketSuffix>` unless overridden in `hub.buckets`. */
  bucketSuffix: string;
  /** MinIO user is `<hub.bucketPrefix>-<writer>`. */
  writer: string;
  deletes: DeleteRights;
  /**
   * Whether the hub may expire *current* objects after the retention by default. Noncurrent
   * versions always expire. Kopia repositories (Velero, Volsync) must never have current objects
   * expired: a repository blob written on day 1 is still referenced by every later snapshot, and the
   * repository's format blob is written once at creation.
   */
  expireCurrentByDefault: boolean;
  /** Whether current-object expiry would corrupt the data (config refuses to enable it). */
  kopiaRepository: boolean;
  enabledByDefault: boolean;
}

/** Prefix of the temporary keys a `temporary-keys` writer uploads to before moving into place. */
export const TEMP_PREFIX = "_tmp/";

export const BACKUP_PATHS: Record<PathKey, BackupPath> = {
  velero: {
    key: "velero", bucketSuffix: "velero", writer: "velero", deletes: "own-bucket",
    expireCurrentByDefault: false, kopiaRepository: true, enabledByDefault: true,
  },
  postgres: {
    key: "postgres", bucketSuffix: "postgres", writer: "postgres-backup", deletes: "temporary-keys",
    expireCurrentByDefault: true, kopiaRepository: false, enabledByDefault: true,
  },
  rgwMirror: {
    key: "rgwMirror", bucketSuffix: "rgw", writer: "rgw-mirror", deletes: "own-bucket",
    expireCurrentByDefault: false, kopiaRepository: false, enabledByDefault: true,
  },
  etcdOffload: {
    key: "etcdOffload", bucketSuffix: "etcd", writer: "etcd-offload", deletes: "never",
    expireCurrentByDefault: true, kopiaRepository: false, enabledByDefault: true,
  },
  volsync: {
    key: "volsync", bucketSuffix: "volsync", writer: "volsync", deletes: "own-bucket",
    expireCurrentByDefault: false, kopiaRepository: true, enabledByDefault: false,
  },
};

/** Bucket name for a path, honouring an explicit override. */
export function bucketName(prefix: string, key: PathKey, overrides: Partial<Record<PathKey, string>> = {}): string {
  return overrides[key] ?? `${prefix}-${BACKUP_PATHS[key].bucketSuffix}`;
}

/** MinIO user name (= access key id) of a path's writer. */
export function writerUserName(prefix: string, key: PathKey): string {
  return `${prefix}-${BACKUP_PATHS[key].writer}`;
}
