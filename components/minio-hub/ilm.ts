/**
 * Lifecycle (ILM) rules of one hub bucket (pure). One policy per bucket: MinIO keeps a single
 * lifecycle configuration per bucket, so two policies would overwrite each other.
 */
export interface LifecycleRule {
  id: string;
  status: "Enabled";
  /** Current-object expiry, MinIO form "<n>d". Absent: current objects never expire. */
  expiration?: string;
  noncurrentVersionExpirationDays: number;
}

/**
 * Noncurrent versions always expire after `retentionDays`; current objects too when
 * `expireCurrent` (dated artifacts such as dumps and snapshots — not Kopia repositories or mirrors,
 * whose own tools delete).
 */
export function lifecycleRules(retentionDays: number, expireCurrent: boolean): LifecycleRule[] {
  if (expireCurrent) {
    return [{ id: "expire-after-retention", status: "Enabled", expiration: `${retentionDays}d`, noncurrentVersionExpirationDays: retentionDays }];
  }
  return [{ id: "expire-noncurrent-versions", status: "Enabled", noncurrentVersionExpirationDays: retentionDays }];
}
