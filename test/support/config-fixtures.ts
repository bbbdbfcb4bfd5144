/** A minimal valid raw config (as the loader decodes it) and a secret presence map for it. */
import { SecretPresence } from "../../config/schema";

export function baseValues(): Record<string, unknown> {
  return {
    timeZone: "America/Sao_Paulo",
    retentionDays: 14,
    schedules: { postgresBackup: "30 2 * * *", postgresRestoreDrill: "0 3 * * 0", rgwMirror: "0 4 * * *", velero: "0 3 * * *", volsync: "0 * * * *" },
    versions: { veleroChart: "12.1.0", velero: "1.18.1", veleroAwsPlugin: "1.14.0", volsyncChart: "0.18.4", volsync: "0.17.10", toolboxPostgres: 18, scratchPostgres: 18 },
    images: { toolbox: `ghcr.io/x/toolbox:pg18@sha256:${"a".repeat(64)}`, scratchPostgres: `postgres:18.1@sha256:${"b".repeat(64)}` },
    hub: { endpoint: "http://10.10.10.209:9000", bucketPrefix: "homelab-backup" },
    rgwMirror: { sourceEndpoint: "http://rgw.rook-ceph.svc", sourceSecret: { name: "s3-credentials" } },
    etcdOffload: { nodes: [{ name: "cp-1", host: "10.10.10.201", user: "pulumi", hostKey: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${"B".repeat(43)}` }] },
    postgres: {
      host: "postgresql-18-hl", passwordSecret: { name: "postgresql-auth", key: "admin-password" }, serverMajor: 18, expectedDatabases: ["postgres"],
    },
  };
}

/** Secrets required by {@link baseValues} (etcd offload is on by default). */
export const baseSecrets: SecretPresence = { hubAdminUser: "secret", hubAdminPassword: "secret", sshPrivateKey: "secret" };
