/**
 * Pure builders of the Velero release: chart values (typed by the chart's documented values), the
 * AWS-style credentials file, the schedule, and the k3s hostPath caveat as preview warnings.
 */
import * as pulumi from "@pulumi/pulumi";
import { VeleroConfig } from "../../config/cluster-schema";
import { VeleroChartValues } from "./chart-values";
import { veleroSchedule } from "./schedule";

export const VELERO_CHART = "velero";
export const VELERO_REPO = "https://vmware-tanzu.github.io/helm-charts";
/** The schedule's name (contract 3); the chart creates Schedule `velero-daily-backup`. */
export const VELERO_SCHEDULE = "daily-backup";
/** The Schedule object (and the `schedule` label of Velero's metrics): `<release fullname>-<name>`. */
export const VELERO_SCHEDULE_OBJECT = `velero-${VELERO_SCHEDULE}`;
/** The backup storage location every backup goes to. */
export const VELERO_BSL = "default";
/** Key of the credentials file in the credentials Secret (the chart mounts it as /credentials/cloud). */
export const CLOUD_KEY = "cloud";

export interface VeleroValuesArgs {
  /** Velero and AWS plugin versions (e.g. 1.18.1 / 1.14.0). */
  versions: { velero: string; awsPlugin: string };
  /** Hub endpoint (s3Url), bucket and region; `verifyTls` false adds insecureSkipTLSVerify for https. */
  hub: { endpoint: string; bucket: string; region: string; verifyTls: boolean; caBundle?: string };
  /** Existing Secret in the Velero namespace holding {@link CLOUD_KEY}. */
  credentialsSecret: string;
  /** Cron (5 fields) and the IANA time zone it is read in. */
  schedule: string;
  timeZone: string;
  /** Days a backup lives (TTL = days × 24h; 14 → 336h). */
  retentionDays: number;
  velero: VeleroConfig;
  /** Labels the cluster's Prometheus selects ServiceMonitors by. */
  selectorLabels: Record<string, string>;
}

/** A Go duration Velero accepts as TTL: whole hours. */
export function ttlFor(retentionDays: number): string {
  return `${retentionDays * 24}h`;
}

/**
 * MinIO checks the region in each signature only when the operator configured one. The hub's
 * default (`us-east-1`, i.e. none set) maps to the customary `minio`; a configured region is kept.
 */
export function bslRegion(hubRegion: string): string {
  return hubRegion === "us-east-1" ? "minio" : hubRegion;
}


export function veleroValues(a: VeleroValuesArgs): VeleroChartValues {
  const ttl = ttlFor(a.retentionDays);
  const config: Record<string, string> = { region: bslRegion(a.hub.region), s3ForcePathStyle: "true", s3Url: a.hub.endpoint };
  if (a.hub.endpoint.startsWith("https:") && !a.hub.verifyTls) config.insecureSkipTLSVerify = "true";
  return {
    image: { repository: "velero/velero", tag: `v${a.versions.velero}` },
    resources: a.velero.resources,
    initContainers: [
      {
        name: "velero-plugin-for-aws",
        image: `velero/velero-plugin-for-aws:v${a.versions.awsPlugin}`,
        imagePullPolicy: "IfNotPresent",
        volumeMounts: [{ mountPath: "/target", name: "plugins" }],
      },
    ],
    configuration: {
      backupStorageLocation: [
        {
          name: VELERO_BSL,
          provider: "aws",
          bucket: a.hub.bucket,
          // The chart's documented form: the CA bundle base64-encoded (hub.caBundle).
          ...(a.hub.caBundle ? { caCert: Buffer.from(a.hub.caBundle).toString("base64") } : {}),
          default: true,
          accessMode: "ReadWrite",
          credential: { name: a.credentialsSecret, key: CLOUD_KEY },
          config,
        },
      ],
      volumeSnapshotLocation: [],
      uploaderType: "kopia",
      defaultVolumesToFsBackup: a.velero.defaultVolumesToFsBackup,
      defaultBackupTTL: ttl,
    },
    credentials: { useSecret: true, existingSecret: a.credentialsSecret },
    backupsEnabled: true,
    snapshotsEnabled: false,
    deployNodeAgent: true,
    nodeAgent: { resources: a.velero.nodeAgentResources },
    schedules: {
      [VELERO_SCHEDULE]: {
        disabled: false,
        schedule: veleroSchedule(a.schedule, a.timeZone).cron,
        useOwnerReferencesInBackup: false,
        template: {
          ttl,
          storageLocation: VELERO_BSL,
          defaultVolumesToFsBackup: a.velero.defaultVolumesToFsBackup,
          snapshotVolumes: false,
          ...(a.velero.excludedNamespaces.length > 0 ? { excludedNamespaces: a.velero.excludedNamespaces } : {}),
        },
      },
    },
    metrics: {
      enabled: true,
      serviceMonitor: { enabled: true, autodetect: false, additionalLabels: a.selectorLabels },
    },
  };
}

/** The AWS shared-credentials file the plugin reads, as a secret. */
export function cloudCredentials(creds: { accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> }): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.interpolate`[default]\naws_access_key_id=${creds.accessKeyId}\naws_secret_access_key=${creds.secretAccessKey}\n`,
  );
}

/** One warning per declared hostPath/local-path volume: Velero's file-system backup skips them. */
export function hostPathWarnings(velero: Pick<VeleroConfig, "hostPathVolumes">): string[] {
  return velero.hostPathVolumes.map(
    (v) => `velero: ${v} is on hostPath/local-path storage; Velero's file-system backup skips hostPath volumes, so its data is NOT in the daily backup (README "Velero on k3s")`,
  );
}
