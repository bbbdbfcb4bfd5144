/**
 * Stack-config schemas of the in-cluster Kopia paths (Velero, Volsync) and of monitoring. Defaults
 * of fields inside these objects live here, once. See README "Stack config".
 */
import { z } from "zod";
import { cronSchema, dnsLabelSchema, dnsSubdomainSchema, quantitySchema } from "./validators";

/** A label name (optional DNS-subdomain prefix + name) and value, as Kubernetes accepts them. */
const labelKeySchema = z.string().regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, "must be a Kubernetes label name");
const labelValueSchema = z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, "must be a Kubernetes label value");

const resourcesSchema = z.strictObject({
  requests: z.strictObject({ cpu: quantitySchema, memory: quantitySchema }),
  limits: z.strictObject({ cpu: quantitySchema.optional(), memory: quantitySchema }),
});

export const monitoringSchema = z.strictObject({
  /**
   * Labels the cluster's Prometheus selects ServiceMonitors and PrometheusRules by
   * (kube-prometheus-stack: `release: <its release name>`). Default `{ release: kube-prometheus-stack }`.
   */
  selectorLabels: z.record(labelKeySchema, labelValueSchema).default({ release: "kube-prometheus-stack" }),
  /** Where each alert's runbook_url points (a section per alert name is appended as #anchor). */
  runbookBaseUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).default("https://github.com/homelab-backups/homelab-backups/blob/main/docs/runbook.md"),
  /** IPv4 address of the hub for its scrape Endpoints; required when hub.endpoint names a host. */
  hubAddress: z.ipv4({ error: "must be an IPv4 address" }).optional(),
  /** Existing Secret in namespaces.monitoring with a MinIO Prometheus bearer token (`mc admin prometheus generate`); omit for public metrics. */
  minioBearerTokenSecret: z.strictObject({ name: z.string().min(1), key: z.string().min(1) }).optional(),
  /** Restore-drill RTO budget: RestoreDrillSlow fires when the last drill's restore took longer. Default 3600. */
  restoreBudgetSeconds: z.number().int("must be a whole number of seconds").min(60, "must be at least 60 seconds").default(3600),
  /** Seconds between two listings of the hub by the hub exporter. Default 300. */
  hubExporterIntervalSeconds: z.number().int("must be a whole number of seconds").min(30, "must be at least 30 seconds").max(3600, "must be at most 3600 seconds").default(300),
});

export const veleroSchema = z.strictObject({
  /** Back up every pod volume with Kopia unless a pod opts out. Default true. */
  defaultVolumesToFsBackup: z.boolean().default(true),
  /** Namespaces the daily schedule leaves out. Default none. */
  excludedNamespaces: z.array(dnsLabelSchema).default([]),
  /** node-agent (Kopia uploader) DaemonSet resources. */
  nodeAgentResources: resourcesSchema.default({ requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } }),
  /** Velero server resources. */
  resources: resourcesSchema.default({ requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } }),
  /**
   * Volumes this cluster keeps on hostPath/local-path storage, as `<namespace>/<pvc>`. File-system
   * backup skips hostPath volumes, so preview warns about each one. Default none.
   */
  hostPathVolumes: z.array(z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, "must be <namespace>/<pvc>")).default([]),
});

/** One application whose PVC Volsync backs up hourly and can restore once. */
export const volsyncAppSchema = z.strictObject({
  /** Namespace of the app and its PVC. */
  namespace: dnsLabelSchema,
  /** App name: ReplicationSource `<app>-src`, ReplicationDestination `<app>-dst`. */
  app: dnsLabelSchema.refine((v) => v.length <= 40, "must be at most 40 characters (names get -src/-dst/-volsync-kopia)"),
  /** PVC to back up. Default `<app>-config`. */
  pvc: dnsSubdomainSchema.optional(),
  /** Size of the restored volume (and of the PVC). */
  capacity: quantitySchema,
  /** StorageClass of the snapshot copy and the restored volume (must be a CSI class with snapshots). */
  storageClass: z.string().min(1),
  /** VolumeSnapshotClass used by `copyMethod: Snapshot`. */
  snapshotClass: z.string().min(1),
  /** Cron schedule. Default: schedules.volsync (hourly `0 * * * *`). */
  schedule: cronSchema.optional(),
  /** Snapshots kept. Default 24 hourly, 7 daily. */
  retention: z.strictObject({ hourly: z.number().int().min(0).default(24), daily: z.number().int().min(0).default(7), weekly: z.number().int().min(0).optional() }).prefault({}),
  /** Kopia compression. Default `zstd-fastest`. */
  compression: z.enum(["zstd-fastest", "zstd", "zstd-better-compression", "s2-default", "gzip", "none"]).default("zstd-fastest"),
  /** Kopia metadata cache volume. Default 2Gi. */
  cacheCapacity: quantitySchema.default("2Gi"),
  /** uid/gid the mover runs as (the app's own, so it can read the files). Default 1000. */
  runAsUser: z.number().int().min(1).default(1000),
});

export const volsyncSchema = z.strictObject({
  /** Where the Kopia repository lives: the hub's volsync bucket (`s3`, default) or a shared PVC (`filesystem`). */
  repository: z.enum(["s3", "filesystem"]).default("s3"),
  /** Key prefix of the repository in the volsync bucket. Default `kopia/`. */
  s3Prefix: z.string().regex(/^[a-z0-9][a-z0-9._/-]*\/$/, "must be a key prefix ending in '/'").default("kopia/"),
  /** The shared repository PVC (repository: filesystem); it must exist in every app namespace. */
  filesystemClaim: dnsSubdomainSchema.optional(),
  /** Apps that opt in. */
  apps: z.array(volsyncAppSchema).default([]),
  /** Daily verifier: schedule and the percentage of files read back per run. */
  verifier: z
    .strictObject({ schedule: cronSchema.default("30 5 * * *"), verifyFilesPercent: z.number().min(0).max(100).default(5) })
    .prefault({}),
  /** Stuck-restore detector: schedule and the minutes after which a restore counts as stuck. */
  stuckRestore: z
    .strictObject({ schedule: cronSchema.default("*/15 * * * *"), thresholdMinutes: z.number().int().min(5).default(60) })
    .prefault({}),
  /** Kopia web UI (read-only repository browser), ClusterIP only. It is unauthenticated. Default off. */
  webUi: z.boolean().default(false),
});

export type VolsyncConfig = z.infer<typeof volsyncSchema>;
export type VolsyncApp = z.infer<typeof volsyncAppSchema>;
export type VeleroConfig = z.infer<typeof veleroSchema>;
