/**
 * Pure Kubernetes builders shared by the backup paths: labels, restricted security contexts, a
 * CronJob with every safety field (contract 3), the content-hashed scripts ConfigMap and the hub
 * credentials Secret + environment. Plain objects in, plain manifests out.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ScriptBundle, withFile } from "./scripts";

import Input = k8s.types.input.core.v1;

export const PART_OF = "homelab-backups";

/** Recommended labels; `name` is the app (e.g. postgres-backup), `component` its role. */
export function labels(name: string, component: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** Pod-level security for the toolbox user (uid/gid 10001 in images/backup-toolbox). */
export const TOOLBOX_UID = 10001;
export function restrictedPodSecurity(uid = TOOLBOX_UID): Input.PodSecurityContext {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: "RuntimeDefault" } };
}

/** Container-level security: read-only root filesystem, no privilege escalation, no capabilities. */
export function restrictedContainerSecurity(uid?: number): Input.SecurityContext {
  return {
    ...(uid === undefined ? {} : { runAsUser: uid, runAsGroup: uid }),
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Requests and limits; ephemeral-storage is mandatory on both (contract 3). */
export interface Resources {
  requests: { cpu: string; memory: string; "ephemeral-storage": string };
  limits: { cpu?: string; memory: string; "ephemeral-storage": string };
}

/** Longest CronJob name: the controller appends an 11-character suffix to Job names (63 max). */
export const MAX_CRONJOB_NAME = 52;

export interface CronJobArgs {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  /** 5-field cron, in `timeZone`. */
  schedule: string;
  /** IANA time zone. */
  timeZone: string;
  /** Seconds a Job may run before it is killed. */
  activeDeadlineSeconds: number;
  podSpec: Input.PodSpec;
  /** Seconds after the scheduled time a missed run may still start. Default 3600. */
  startingDeadlineSeconds?: number;
  /** Pod retries per Job. Default 1. */
  backoffLimit?: number;
  /** Finished Jobs kept (successful / failed). Default 3 / 3. */
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
  /** Pod template annotations (e.g. a checksum). */
  podAnnotations?: Record<string, pulumi.Input<string>>;
}

/** A CronJob that never overlaps, never runs unbounded and keeps its history (contract 3). */
export function cronJob(args: CronJobArgs): k8s.types.input.batch.v1.CronJob {
  if (args.name.length > MAX_CRONJOB_NAME) {
    throw new Error(`CronJob name "${args.name}" is ${args.name.length} characters; at most ${MAX_CRONJOB_NAME}`);
  }
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: args.name, namespace: args.namespace, labels: args.labels },
    spec: {
      schedule: args.schedule,
      timeZone: args.timeZone,
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: args.startingDeadlineSeconds ?? 3600,
      successfulJobsHistoryLimit: args.successfulJobsHistoryLimit ?? 3,
      failedJobsHistoryLimit: args.failedJobsHistoryLimit ?? 3,
      jobTemplate: {
        metadata: { labels: args.labels },
        spec: {
          backoffLimit: args.backoffLimit ?? 1,
          activeDeadlineSeconds: args.activeDeadlineSeconds,
          template: {
            metadata: { labels: args.labels, annotations: args.podAnnotations },
            spec: { restartPolicy: "Never", ...args.podSpec },
          },
        },
      },
    },
  };
}

/** The scripts ConfigMap, named by content hash so an edited script creates a new one and rolls the CronJob. */
export function scriptsConfigMap(baseName: string, namespace: string, bundle: ScriptBundle, lbls: Record<string, string>): k8s.types.input.core.v1.ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: `${baseName}-${bundle.hash}`, namespace, labels: lbls },
    data: bundle.files,
  };
}

/** Where a path writes on the hub. */
export interface HubTarget {
  endpoint: string;
  bucket: pulumi.Input<string>;
  region: string;
  /** PEM CA bundle of a hub behind a private CA (hub.caBundle). Default: the image's system roots. */
  caBundle?: string;
}

/**
 * A private hub CA travels in the scripts ConfigMap (mounted at /scripts) as this file, and the
 * scripts find it through BACKUP_S3_CA_FILE. A CA certificate is public: no Secret needed.
 */
export const HUB_CA_FILE = "hub-ca.crt";

/** The scripts bundle, plus the hub's CA when it has one. */
export function withHubCa(bundle: ScriptBundle, hub: HubTarget): ScriptBundle {
  return hub.caBundle ? withFile(bundle, HUB_CA_FILE, hub.caBundle) : bundle;
}

/** Secret keys of the hub credentials Secret (also the script variable names). */
export const HUB_KEY_ID = "BACKUP_S3_ACCESS_KEY_ID";
export const HUB_SECRET_KEY = "BACKUP_S3_SECRET_ACCESS_KEY";

/** A Secret holding one writer's hub credentials (values stay Pulumi secrets). */
export function hubCredentialsSecret(
  name: string,
  namespace: string,
  creds: { accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> },
  lbls: Record<string, string>,
): k8s.types.input.core.v1.Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace, labels: lbls },
    type: "Opaque",
    stringData: { [HUB_KEY_ID]: creds.accessKeyId, [HUB_SECRET_KEY]: creds.secretAccessKey },
  };
}

const fromSecret = (name: string, secret: pulumi.Input<string>, key: string): Input.EnvVar => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

/** BACKUP_S3_* for a script: plain endpoint/bucket/region, keys from the credentials Secret. */
export function hubEnv(hub: HubTarget, secretName: pulumi.Input<string>): Input.EnvVar[] {
  return [
    { name: "BACKUP_S3_ENDPOINT", value: hub.endpoint },
    { name: "BACKUP_S3_BUCKET", value: hub.bucket },
    { name: "BACKUP_S3_REGION", value: hub.region },
    fromSecret(HUB_KEY_ID, secretName, HUB_KEY_ID),
    fromSecret(HUB_SECRET_KEY, secretName, HUB_SECRET_KEY),
    ...(hub.caBundle ? [{ name: "BACKUP_S3_CA_FILE", value: `/scripts/${HUB_CA_FILE}` }] : []),
  ];
}

export { fromSecret as envFromSecret };

/** Volumes and mounts every script container uses: the scripts (read-only) and a bounded /tmp. */
export function scriptVolumes(configMapName: pulumi.Input<string>, tmpSize: string): { volumes: Input.Volume[]; mounts: Input.VolumeMount[] } {
  return {
    volumes: [
      { name: "scripts", configMap: { name: configMapName, defaultMode: 0o555 } },
      { name: "tmp", emptyDir: { sizeLimit: tmpSize } },
    ],
    mounts: [
      { name: "scripts", mountPath: "/scripts", readOnly: true },
      { name: "tmp", mountPath: "/tmp" },
    ],
  };
}

/** Size of the bounded /tmp every script container gets (FIFOs and a few bytes of bookkeeping). */
export const SCRIPT_TMP_SIZE = "64Mi";

/** A toolbox container running `/scripts/<script>` with its env, the scripts and /tmp mounted, hardened. */
export function scriptContainer(c: {
  name: string;
  image: string;
  script: string;
  configMap: pulumi.Input<string>;
  env: Input.EnvVar[];
  resources: Resources;
  extraMounts?: Input.VolumeMount[];
}): Input.Container {
  return {
    name: c.name,
    image: c.image,
    command: ["bash", `/scripts/${c.script}`],
    env: [...c.env, { name: "TMPDIR", value: "/tmp" }],
    volumeMounts: [...scriptVolumes(c.configMap, SCRIPT_TMP_SIZE).mounts, ...(c.extraMounts ?? [])],
    resources: c.resources,
    securityContext: restrictedContainerSecurity(),
  };
}

/** A one-replica Deployment of a hardened toolbox container (no service account token). */
export function toolboxDeployment(d: {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  container: Input.Container;
  volumes: Input.Volume[];
}): k8s.types.input.apps.v1.Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: d.name, namespace: d.namespace, labels: d.labels, ...(d.annotations ? { annotations: d.annotations } : {}) },
    spec: {
      replicas: 1,
      selector: { matchLabels: { "app.kubernetes.io/name": d.name } },
      template: {
        metadata: { labels: d.labels },
        spec: { securityContext: restrictedPodSecurity(), automountServiceAccountToken: false, containers: [d.container], volumes: d.volumes },
      },
    },
  };
}
