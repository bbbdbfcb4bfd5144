/**
 * Pure builders of the Volsync objects: the per-app Kopia repository Secret, ReplicationSource
 * `<app>-src` and ReplicationDestination `<app>-dst` (restore once), the operator's Helm values, and
 * the maintenance CronJobs (verifier, stuck-restore detector). Field names follow the perfectra1n
 * fork's Kopia mover (volsync.backube/v1alpha1).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { VolsyncApp, VolsyncConfig } from "../../config/cluster-schema";
import { ReplicationDestination, ReplicationSource } from "./crd";
import {
  HubTarget,
  Resources,
  cronJob,
  envFromSecret,
  labels,
  restrictedPodSecurity,
  scriptContainer,
  scriptVolumes,
  SCRIPT_TMP_SIZE,
  toolboxDeployment,
} from "../lib/kubernetes";

export const VOLSYNC_CHART = "volsync";
export const VOLSYNC_REPO = "https://perfectra1n.github.io/volsync/charts";
export const VOLSYNC_IMAGE = "ghcr.io/perfectra1n/volsync";
export const VERIFY_CRONJOB = "volsync-verify";
export const STUCK_CRONJOB = "volsync-stuck-restore";
/** Where a filesystem repository claim is mounted in the maintenance pods. */
export const FS_REPOSITORY_PATH = "/repository";

type Obj = Record<string, unknown>;

/** An app with its defaults resolved. */
export interface ResolvedApp extends VolsyncApp {
  pvc: string;
  schedule: string;
  /** Kopia identity: snapshots are `<app>@<namespace>`; source and destination must agree. */
  identity: { username: string; hostname: string };
  secretName: string;
}

export function resolveApp(app: VolsyncApp, defaultSchedule: string): ResolvedApp {
  return {
    ...app,
    pvc: app.pvc ?? `${app.app}-config`,
    schedule: app.schedule ?? defaultSchedule,
    identity: { username: app.app, hostname: app.namespace },
    secretName: `${app.app}-volsync-kopia`,
  };
}

/** What a Kopia repository Secret needs to know (the password and hub keys stay secrets). */
export interface RepositoryArgs {
  config: Pick<VolsyncConfig, "repository" | "s3Prefix">;
  hub: HubTarget;
  password: pulumi.Input<string>;
  writer: { accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> };
}

/** KOPIA_REPOSITORY and the connection keys the mover reads (fork docs, "Specifying a repository"). */
export function kopiaRepositoryData(r: RepositoryArgs): Record<string, pulumi.Input<string>> {
  if (r.config.repository === "filesystem") {
    return { KOPIA_REPOSITORY: `filesystem://${FS_REPOSITORY_PATH}`, KOPIA_PASSWORD: r.password };
  }
  return {
    KOPIA_REPOSITORY: pulumi.interpolate`s3://${r.hub.bucket}/${r.config.s3Prefix}`,
    KOPIA_PASSWORD: r.password,
    AWS_ACCESS_KEY_ID: r.writer.accessKeyId,
    AWS_SECRET_ACCESS_KEY: r.writer.secretAccessKey,
    AWS_S3_ENDPOINT: r.hub.endpoint,
    AWS_REGION: r.hub.region,
    KOPIA_S3_DISABLE_TLS: r.hub.endpoint.startsWith("http:") ? "true" : "false",
  };
}

export function kopiaSecret(name: string, namespace: string, r: RepositoryArgs): k8s.types.input.core.v1.Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace, labels: labels("volsync", "kopia-repository") },
    type: "Opaque",
    stringData: kopiaRepositoryData(r),
  };
}

/** Mover pod security: the app's own uid/gid, non-root, no privilege escalation. */
function moverSecurityContext(app: ResolvedApp): NonNullable<ReplicationSource["spec"]["kopia"]["moverSecurityContext"]> {
  return { runAsUser: app.runAsUser, runAsGroup: app.runAsUser, fsGroup: app.runAsUser, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
}

/** Mover settings shared by source and destination. */
function kopiaCommon(app: ResolvedApp, config: Pick<VolsyncConfig, "repository" | "filesystemClaim">) {
  return {
    repository: app.secretName,
    username: app.identity.username,
    hostname: app.identity.hostname,
    copyMethod: "Snapshot" as const,
    storageClassName: app.storageClass,
    volumeSnapshotClassName: app.snapshotClass,
    cacheCapacity: app.cacheCapacity,
    cacheStorageClassName: app.storageClass,
    cacheAccessModes: ["ReadWriteOnce" as const],
    moverSecurityContext: moverSecurityContext(app),
    ...(config.repository === "filesystem"
      ? { moverVolumes: [{ mountPath: FS_REPOSITORY_PATH.slice(1), volumeSource: { persistentVolumeClaim: { claimName: config.filesystemClaim ?? "" } } }] }
      : {}),
  };
}

const appLabels = (app: ResolvedApp, component: string) => ({ ...labels(app.app, component), "volsync.homelab-backups/app": app.app });

export function replicationSource(app: ResolvedApp, config: Pick<VolsyncConfig, "repository" | "filesystemClaim">): ReplicationSource {
  const retain: NonNullable<ReplicationSource["spec"]["kopia"]["retain"]> = { hourly: app.retention.hourly, daily: app.retention.daily };
  if (app.retention.weekly !== undefined) retain.weekly = app.retention.weekly;
  return {
    apiVersion: "volsync.backube/v1alpha1",
    kind: "ReplicationSource",
    metadata: { name: `${app.app}-src`, namespace: app.namespace, labels: appLabels(app, "volsync-source") },
    spec: {
      sourcePVC: app.pvc,
      trigger: { schedule: app.schedule },
      kopia: { ...kopiaCommon(app, config), compression: app.compression, parallelism: 2, retain },
    },
  };
}

/** Restores the newest snapshot once into a new volume; the app's PVC can then use it as dataSourceRef. */
export function replicationDestination(app: ResolvedApp, config: Pick<VolsyncConfig, "repository" | "filesystemClaim">): ReplicationDestination {
  return {
    apiVersion: "volsync.backube/v1alpha1",
    kind: "ReplicationDestination",
    metadata: { name: `${app.app}-dst`, namespace: app.namespace, labels: appLabels(app, "volsync-destination") },
    spec: {
      trigger: { manual: "restore-once" },
      kopia: { ...kopiaCommon(app, config), capacity: app.capacity, accessModes: ["ReadWriteOnce" as const] },
    },
  };
}

/** Helm values of the fork's chart: its image for controller and Kopia mover, CRDs managed by the chart. */
export function operatorValues(version: string): Obj {
  const image = { repository: VOLSYNC_IMAGE, tag: `v${version}` };
  return {
    fullnameOverride: "volsync",
    image,
    kopia: image,
    manageCRDs: true,
    metrics: { disableAuth: true },
  };
}

export const MAINTENANCE_RESOURCES: Resources = {
  requests: { cpu: "100m", memory: "256Mi", "ephemeral-storage": "256Mi" },
  // kopia loads the repository index into memory; its cache lives on the bounded /tmp.
  limits: { memory: "2Gi", "ephemeral-storage": "4Gi" },
};

export interface MaintenanceArgs {
  namespace: string;
  timeZone: string;
  image: string;
  configMap: pulumi.Input<string>;
  config: VolsyncConfig;
  apps: ResolvedApp[];
  hub: HubTarget;
  /** Secret in `namespace` with the Kopia repository keys ({@link kopiaRepositoryData}). */
  repositorySecret: pulumi.Input<string>;
  serviceAccount: pulumi.Input<string>;
}

/** Environment of the verifier (and the UI): the repository, with every key from the Secret. */
export function repositoryEnv(a: Pick<MaintenanceArgs, "config" | "hub" | "repositorySecret">): k8s.types.input.core.v1.EnvVar[] {
  const fromRepo = (name: string, key: string) => envFromSecret(name, a.repositorySecret, key);
  if (a.config.repository === "filesystem") return [{ name: "KOPIA_FS_PATH", value: FS_REPOSITORY_PATH }, fromRepo("KOPIA_PASSWORD", "KOPIA_PASSWORD")];
  return [
    { name: "BACKUP_S3_ENDPOINT", value: a.hub.endpoint },
    { name: "BACKUP_S3_BUCKET", value: a.hub.bucket },
    { name: "BACKUP_S3_REGION", value: a.hub.region },
    { name: "KOPIA_S3_PREFIX", value: a.config.s3Prefix },
    fromRepo("BACKUP_S3_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID"),
    fromRepo("BACKUP_S3_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY"),
    fromRepo("KOPIA_PASSWORD", "KOPIA_PASSWORD"),
  ];
}

/** The filesystem repository claim as a volume + mount (filesystem repositories only). */
export function repositoryVolume(config: Pick<VolsyncConfig, "repository" | "filesystemClaim">): {
  volumes: k8s.types.input.core.v1.Volume[];
  mounts: k8s.types.input.core.v1.VolumeMount[];
} {
  if (config.repository !== "filesystem") return { volumes: [], mounts: [] };
  return {
    volumes: [{ name: "repository", persistentVolumeClaim: { claimName: config.filesystemClaim ?? "", readOnly: true } }],
    mounts: [{ name: "repository", mountPath: FS_REPOSITORY_PATH, readOnly: true }],
  };
}

export function verifyCronJob(a: MaintenanceArgs): k8s.types.input.batch.v1.CronJob {
  const repo = repositoryVolume(a.config);
  const container = scriptContainer({
    name: VERIFY_CRONJOB,
    image: a.image,
    script: "volsync-verify.sh",
    configMap: a.configMap,
    env: [
      ...repositoryEnv(a),
      { name: "VERIFY_FILES_PERCENT", value: String(a.config.verifier.verifyFilesPercent) },
      { name: "EXPECTED_SOURCES", value: a.apps.map((app) => `${app.identity.username}@${app.identity.hostname}`).join(",") },
    ],
    resources: MAINTENANCE_RESOURCES,
    extraMounts: repo.mounts,
  });
  return cronJob({
    name: VERIFY_CRONJOB,
    namespace: a.namespace,
    labels: labels(VERIFY_CRONJOB, "verifier"),
    schedule: a.config.verifier.schedule,
    timeZone: a.timeZone,
    activeDeadlineSeconds: 4 * 3600,
    podSpec: {
      securityContext: restrictedPodSecurity(),
      automountServiceAccountToken: false,
      containers: [container],
      volumes: [...scriptVolumes(a.configMap, "4Gi").volumes, ...repo.volumes],
    },
  });
}

export const DETECTOR_RESOURCES: Resources = {
  requests: { cpu: "10m", memory: "32Mi", "ephemeral-storage": "16Mi" },
  limits: { memory: "128Mi", "ephemeral-storage": "64Mi" },
};

export function stuckRestoreCronJob(a: MaintenanceArgs): k8s.types.input.batch.v1.CronJob {
  const container = scriptContainer({
    name: STUCK_CRONJOB,
    image: a.image,
    script: "volsync-stuck-restore.sh",
    configMap: a.configMap,
    env: [{ name: "THRESHOLD_MINUTES", value: String(a.config.stuckRestore.thresholdMinutes) }],
    resources: DETECTOR_RESOURCES,
  });
  return cronJob({
    name: STUCK_CRONJOB,
    namespace: a.namespace,
    labels: labels(STUCK_CRONJOB, "detector"),
    schedule: a.config.stuckRestore.schedule,
    timeZone: a.timeZone,
    activeDeadlineSeconds: 600,
    // A missed 15-minute run is not worth catching up; the next one covers it.
    startingDeadlineSeconds: 300,
    successfulJobsHistoryLimit: 1,
    podSpec: {
      securityContext: restrictedPodSecurity(),
      serviceAccountName: a.serviceAccount,
      containers: [container],
      volumes: scriptVolumes(a.configMap, SCRIPT_TMP_SIZE).volumes,
    },
  });
}

/** Read-only access to ReplicationDestinations, cluster-wide (the detector's only permission). */
export const DETECTOR_RULES = [{ apiGroups: ["volsync.backube"], resources: ["replicationdestinations"], verbs: ["get", "list"] }];

export const KOPIA_UI = "kopia-ui";
export const KOPIA_UI_PORT = 51515;

/** The optional Kopia web UI: one read-only pod and a ClusterIP Service (no authentication). */
export function kopiaUiDeployment(a: Omit<MaintenanceArgs, "apps" | "serviceAccount" | "timeZone">): k8s.types.input.apps.v1.Deployment {
  const repo = repositoryVolume(a.config);
  const lbls = labels(KOPIA_UI, "ui");
  const container = scriptContainer({
    name: KOPIA_UI,
    image: a.image,
    script: "kopia-ui.sh",
    configMap: a.configMap,
    env: [...repositoryEnv(a), { name: "UI_PORT", value: String(KOPIA_UI_PORT) }],
    resources: MAINTENANCE_RESOURCES,
    extraMounts: repo.mounts,
  });
  return toolboxDeployment({
    name: KOPIA_UI,
    namespace: a.namespace,
    labels: lbls,
    annotations: { "homelab-backups/authentication": "none; ClusterIP only, use kubectl port-forward" },
    container: { ...container, ports: [{ name: "http", containerPort: KOPIA_UI_PORT }] },
    volumes: [...scriptVolumes(a.configMap, "4Gi").volumes, ...repo.volumes],
  });
}

export function kopiaUiService(namespace: string): k8s.types.input.core.v1.Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: KOPIA_UI, namespace, labels: labels(KOPIA_UI, "ui") },
    spec: { type: "ClusterIP", selector: { "app.kubernetes.io/name": KOPIA_UI }, ports: [{ name: "http", port: KOPIA_UI_PORT, targetPort: "http" }] },
  };
}
