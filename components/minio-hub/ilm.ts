/**
 * Lifecycle (ILM) rules of one hub bucket (pure). One policy per bucket: MinIO keeps a single
 * lifecycle configuration per bucket, so two policies would overwrite each other.
 *
 * No `status`: terraform-provider-minio v1.20.1 (bridged by @pulumi/minio 0.17.1) declares a rule's
 * status Computed-only and always writes "Enabled"; setting it fails `pulumi preview` with "Value for
 * unconfigurable attribute". test/unit/minio-hub/provider-inputs.test.ts holds every input against
 * the provider's schema.
 */
export interface LifecycleRule {
  id: string;
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
    return [{ id: "expire-after-retention", expiration: `${retentionDays}d`, noncurrentVersionExpirationDays: retentionDays }];
  }
  return [{ id: "expire-noncurrent-versions", noncurrentVersionExpirationDays: retentionDays }];
}
