/**
 * Manifests of the Postgres path (pure): the daily backup CronJob and the weekly restore-drill
 * CronJob, whose pod runs an isolated scratch PostgreSQL as a native sidecar (Kubernetes >= 1.29)
 * beside the drill: localhost only, data on emptyDir, no Service; the drill starts once the scratch
 * server's startup probe passes, and the pod completes when the drill ends.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  HubTarget,
  Resources,
  TOOLBOX_UID,
  cronJob,
  envFromSecret,
  hubEnv,
  restrictedContainerSecurity,
  restrictedPodSecurity,
  SCRIPT_TMP_SIZE,
  scriptContainer,
  scriptVolumes,
} from "../lib/kubernetes";

import Core = k8s.types.input.core.v1;

export const BACKUP_CRONJOB = "postgres-backup";
export const DRILL_CRONJOB = "postgres-restore-drill";
/** Bootstrap superuser of the scratch server (not `postgres`, so the dump's CREATE ROLE postgres applies). */
export const SCRATCH_SUPERUSER = "drilladmin";
/** uid/gid of the postgres user in the official postgres images. */
export const POSTGRES_IMAGE_UID = 999;

export interface PostgresJobsArgs {
  namespace: string;
  labels: { backup: Record<string, string>; drill: Record<string, string> };
  timeZone: string;
  schedules: { backup: string; drill: string };
  images: { toolbox: string; scratchPostgres: string };
  scriptsConfigMap: pulumi.Input<string>;
  hub: HubTarget;
  hubSecret: pulumi.Input<string>;
  postgres: {
    host: string;
    port: number;
    user: string;
    passwordSecret: { name: string; key: string };
    prefix: string;
    expectedDatabases: string[];
    drillDataSize: string;
    drillWorkSize: string;
    backupDeadlineMinutes: number;
    drillDeadlineMinutes: number;
  };
}

/** The toolbox containers: rclone buffers 2 x 64Mi chunks, zstd -T0 a few hundred MiB at most. */
export const SCRIPT_RESOURCES: Resources = {
  requests: { cpu: "250m", memory: "256Mi", "ephemeral-storage": "64Mi" },
  limits: { memory: "1Gi", "ephemeral-storage": "256Mi" },
};

/**
 * Raises the ephemeral-storage limit to the emptyDir the container fills: the kubelet evicts a pod
 * whose emptyDirs and writable layers exceed the sum of its containers' limits.
 */
function withEmptyDir(r: Resources, size: string): Resources {
  return { requests: r.requests, limits: { ...r.limits, "ephemeral-storage": size } };
}

/** A toolbox container running one script with the hub and libpq settings; `extra` adds its own env. */
function toolboxContainer(
  a: PostgresJobsArgs,
  name: string,
  script: string,
  pg: { host: string; port: number; user: string },
  extra: { env: Core.EnvVar[]; mounts: Core.VolumeMount[]; resources: Resources },
): Core.Container {
  return scriptContainer({
    name,
    image: a.images.toolbox,
    script,
    configMap: a.scriptsConfigMap,
    env: [
      ...hubEnv(a.hub, a.hubSecret),
      { name: "BACKUP_PREFIX", value: a.postgres.prefix },
      { name: "PGHOST", value: pg.host },
      { name: "PGPORT", value: String(pg.port) },
      { name: "PGUSER", value: pg.user },
      ...extra.env,
    ],
    resources: extra.resources,
    extraMounts: extra.mounts,
  });
}

export function backupCronJob(a: PostgresJobsArgs): k8s.types.input.batch.v1.CronJob {
  const container = toolboxContainer(a, "pg-backup", "pg-backup.sh", a.postgres, {
    env: [envFromSecret("PGPASSWORD", a.postgres.passwordSecret.name, a.postgres.passwordSecret.key)],
    mounts: [],
    resources: SCRIPT_RESOURCES,
  });
  const { volumes } = scriptVolumes(a.scriptsConfigMap, SCRIPT_TMP_SIZE);
  return cronJob({
    name: BACKUP_CRONJOB,
    namespace: a.namespace,
    labels: a.labels.backup,
    schedule: a.schedules.backup,
    timeZone: a.timeZone,
    activeDeadlineSeconds: a.postgres.backupDeadlineMinutes * 60,
    podSpec: { securityContext: restrictedPodSecurity(), containers: [container], volumes },
  });
}

export function drillCronJob(a: PostgresJobsArgs): k8s.types.input.batch.v1.CronJob {
  const { volumes } = scriptVolumes(a.scriptsConfigMap, SCRIPT_TMP_SIZE);
  const scratch: Core.Container = {
    name: "scratch-postgres",
    image: a.images.scratchPostgres,
    restartPolicy: "Always", // native sidecar: started first, stopped when the drill ends
    args: ["postgres", "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
    env: [
      { name: "POSTGRES_USER", value: SCRATCH_SUPERUSER },
      // trust is safe here: the server listens on the pod's loopback only and has no Service
      { name: "POSTGRES_HOST_AUTH_METHOD", value: "trust" },
      { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
    ],
    startupProbe: {
      exec: { command: ["pg_isready", "-h", "127.0.0.1", "-U", SCRATCH_SUPERUSER] },
      periodSeconds: 2,
      failureThreshold: 150,
    },
    volumeMounts: [
      { name: "scratch-data", mountPath: "/var/lib/postgresql/data" },
      { name: "scratch-run", mountPath: "/var/run/postgresql" },
      { name: "tmp", mountPath: "/tmp" },
    ],
    resources: withEmptyDir({ requests: { cpu: "500m", memory: "512Mi", "ephemeral-storage": "1Gi" }, limits: { memory: "4Gi", "ephemeral-storage": "1Gi" } }, a.postgres.drillDataSize),
    securityContext: restrictedContainerSecurity(POSTGRES_IMAGE_UID),
  };
  const drill = toolboxContainer(a, "restore-drill", "pg-restore-drill.sh", { host: "127.0.0.1", port: 5432, user: SCRATCH_SUPERUSER }, {
    env: [
      { name: "EXPECTED_DATABASES", value: a.postgres.expectedDatabases.join(",") },
      { name: "DRILL_WORK_DIR", value: "/work" },
    ],
    mounts: [{ name: "work", mountPath: "/work" }],
    resources: withEmptyDir(SCRIPT_RESOURCES, a.postgres.drillWorkSize),
  });
  return cronJob({
    name: DRILL_CRONJOB,
    namespace: a.namespace,
    labels: a.labels.drill,
    schedule: a.schedules.drill,
    timeZone: a.timeZone,
    activeDeadlineSeconds: a.postgres.drillDeadlineMinutes * 60,
    podSpec: {
      securityContext: restrictedPodSecurity(TOOLBOX_UID),
      initContainers: [scratch],
      containers: [drill],
      volumes: [
        ...volumes,
        { name: "work", emptyDir: { sizeLimit: a.postgres.drillWorkSize } },
        { name: "scratch-data", emptyDir: { sizeLimit: a.postgres.drillDataSize } },
        { name: "scratch-run", emptyDir: { sizeLimit: "16Mi" } },
      ],
    },
  });
}
