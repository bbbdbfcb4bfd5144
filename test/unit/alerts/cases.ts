/**
 * promtool cases per contract-4 alert: input series (1-minute samples), when to evaluate, and the
 * labels a firing alert must carry. Every alert has a firing and a silent case; every stale or
 * dead-man alert also has a never-existed case (no series at all → it still fires).
 */
export interface Series { series: string; values: string }
export interface Case {
  series: Series[];
  at: string;
  /** Labels of the (first) alert that must fire; absent: nothing may fire. */
  labels?: Record<string, string>;
  /** Further alerts that must fire in the same case (e.g. one per missing endpoint). */
  more?: Record<string, string>[];
  value?: string;
}
export interface AlertCases { firing: Case; silent: Case; never?: Case }

const job = (ns: string, name: string, failed: 0 | 1): Series[] => [
  { series: `kube_job_failed{namespace="${ns}",job_name="${name}-29001",condition="true"}`, values: `${failed}x30` },
  { series: `kube_job_failed{namespace="${ns}",job_name="${name}-29001",condition="false"}`, values: `${1 - failed}x30` },
  { series: `kube_job_owner{namespace="${ns}",job_name="${name}-29001",owner_kind="CronJob",owner_name="${name}"}`, values: "1x30" },
  { series: `kube_job_status_start_time{namespace="${ns}",job_name="${name}-29001"}`, values: "0x30" },
];
const failedCases = (ns: string, name: string): AlertCases => ({
  firing: { series: job(ns, name, 1), at: "10m", labels: { namespace: ns, owner_name: name, job_name: `${name}-29001` } },
  silent: { series: job(ns, name, 0), at: "10m" },
});

/** Stale after `hours`: last success at t=0, evaluated an hour past the limit. */
const staleCases = (ns: string, cronJob: string, hours: number): AlertCases => {
  const minutes = (hours + 2) * 60;
  const sel = `namespace="${ns}",cronjob="${cronJob}"`;
  return {
    firing: {
      series: [{ series: `kube_cronjob_created{${sel}}`, values: `0x${minutes}` }, { series: `kube_cronjob_status_last_successful_time{${sel}}`, values: `0x${minutes}` }],
      at: `${hours + 1}h`, labels: { namespace: ns, cronjob: cronJob },
    },
    silent: {
      series: [{ series: `kube_cronjob_created{${sel}}`, values: `0x${minutes}` }, { series: `kube_cronjob_status_last_successful_time{${sel}}`, values: `0+60x${minutes}` }],
      at: `${hours + 1}h`,
    },
    never: { series: [], at: "15m", labels: { namespace: ns, cronjob: cronJob } },
  };
};

const counter = (metric: string, increase: boolean): Series[] => [
  { series: `${metric}{schedule="velero-daily-backup"}`, values: increase ? "0x30 1x30" : "0x60" },
];

/** namespaces.volsync of the garage stack (the maintenance CronJobs and the Kopia UI live there). */
const VOLSYNC_NS = "volsync-system";

export function alertCases(apps: string, volsyncNs = "home"): Record<string, AlertCases> {
  const vs = (role: string, name: string) => `volsync_volume_out_of_sync{obj_namespace="${volsyncNs}",obj_name="${name}",role="${role}",method="kopia"}`;
  const kopia = (metric: string, extra: string) =>
    `${metric}{obj_namespace="${volsyncNs}",obj_name="homeassistant-src",role="source",operation="backup",repository="volsync-kopia",${extra}}`;
  const opFailure = (reason: string) => kopia("volsync_kopia_operation_failure_total", `failure_reason="${reason}"`);
  const retries = kopia("volsync_kopia_job_retries_total", 'retry_reason="job_pod_failure"');
  const vsLabels = { obj_namespace: volsyncNs, obj_name: "homeassistant-src" };
  const kopiaUi = (available: number): Series[] => [
    { series: `kube_deployment_status_replicas_available{namespace="${VOLSYNC_NS}",deployment="kopia-ui"}`, values: `${available}x30` },
  ];
  const capacity = (free: number): Series[] => [
    { series: 'minio_cluster_capacity_usable_free_bytes{job="minio-hub",instance="10.10.10.209:9000"}', values: `${free}x40` },
    { series: 'minio_cluster_capacity_usable_total_bytes{job="minio-hub",instance="10.10.10.209:9000"}', values: "100x40" },
  ];
  const etcd = 'etcd_offload_last_success_timestamp_seconds{instance="k3s-cp-1:9100",job="node-exporter"}';
  const veleroLast = 'velero_backup_last_successful_timestamp{schedule="velero-daily-backup"}';
  const bsl = 'velero_backup_location_status_gauge{backup_location_name="default"}';
  const up = (cluster: number, node: number, bucket?: number): Series[] => [
    { series: 'up{job="minio-hub",instance="10.10.10.209:9000",minio_metrics="cluster"}', values: `${cluster}x20` },
    { series: 'up{job="minio-hub",instance="10.10.10.209:9000",minio_metrics="node"}', values: `${node}x20` },
    ...(bucket === undefined ? [] : [{ series: 'up{job="minio-hub",instance="10.10.10.209:9000",minio_metrics="bucket"}', values: `${bucket}x20` }]),
  ];
  const hubLabels = { path: "postgres", bucket: "homelab-backup-postgres" };
  const hubSeries = (metric: string, values: string): Series[] => [
    { series: `${metric}{path="postgres",bucket="homelab-backup-postgres",job="hub-exporter",namespace="monitoring"}`, values },
  ];
  return {
    MinioCapacityHigh: { firing: { series: capacity(10), at: "35m", labels: { job: "minio-hub" }, value: "90" }, silent: { series: capacity(50), at: "35m" } },
    MinioScrapeDown: {
      firing: { series: up(1, 0, 1), at: "15m", labels: { job: "minio-hub", minio_metrics: "node" } },
      silent: { series: up(1, 1, 1), at: "15m" },
      never: {
        series: [], at: "15m", labels: { job: "minio-hub", minio_metrics: "bucket" },
        more: [{ job: "minio-hub", minio_metrics: "cluster" }, { job: "minio-hub", minio_metrics: "node" }],
      },
    },
    MinioScrapeDownOneEndpointMissing: {
      firing: { series: up(1, 1), at: "15m", labels: { job: "minio-hub", minio_metrics: "bucket" } },
      silent: { series: up(1, 1, 1), at: "15m" },
    },
    VeleroBackupFailed: {
      firing: { series: counter("velero_backup_failure_total", true), at: "40m", labels: { schedule: "velero-daily-backup" } },
      silent: { series: counter("velero_backup_failure_total", false), at: "40m" },
    },
    VeleroBackupPartiallyFailed: {
      firing: { series: counter("velero_backup_partial_failure_total", true), at: "40m", labels: { schedule: "velero-daily-backup" } },
      silent: { series: counter("velero_backup_partial_failure_total", false), at: "40m" },
    },
    VeleroBackupValidationFailed: {
      firing: { series: counter("velero_backup_validation_failure_total", true), at: "40m", labels: { schedule: "velero-daily-backup" } },
      silent: { series: counter("velero_backup_validation_failure_total", false), at: "40m" },
    },
    VeleroBackupLocationUnavailable: {
      firing: { series: [{ series: bsl, values: "0x30" }], at: "20m", labels: { backup_location_name: "default" } },
      silent: { series: [{ series: bsl, values: "1x30" }], at: "20m" },
    },
    VeleroBackupStale: {
      firing: { series: [{ series: veleroLast, values: "0x1700" }], at: "27h", labels: { schedule: "velero-daily-backup" } },
      silent: { series: [{ series: veleroLast, values: "0+60x1700" }], at: "27h" },
      never: { series: [], at: "15m", labels: { schedule: "velero-daily-backup" } },
    },
    PostgresBackupFailed: failedCases(apps, "postgres-backup"),
    PostgresBackupStale: staleCases(apps, "postgres-backup", 26),
    PostgresRestoreDrillFailed: failedCases(apps, "postgres-restore-drill"),
    PostgresRestoreDrillStale: staleCases(apps, "postgres-restore-drill", 8 * 24),
    RgwMirrorFailed: failedCases(apps, "rgw-mirror"),
    RgwMirrorStale: staleCases(apps, "rgw-mirror", 26),
    EtcdOffloadStale: {
      firing: { series: [{ series: etcd, values: "0x250" }], at: "4h", labels: { instance: "k3s-cp-1:9100" } },
      silent: { series: [{ series: etcd, values: "0+60x250" }], at: "4h" },
      never: { series: [], at: "15m", labels: {} },
    },
    VolsyncBackupFailed: {
      firing: { series: [{ series: opFailure("job_failed"), values: "0x30 1x30" }], at: "40m", labels: vsLabels },
      silent: { series: [{ series: opFailure("job_failed"), values: "0x60" }], at: "40m" },
    },
    VolsyncBackupStale: {
      firing: { series: [{ series: vs("source", "homeassistant-src"), values: "1x1600" }], at: "26h", labels: { obj_namespace: volsyncNs, obj_name: "homeassistant-src" } },
      silent: { series: [{ series: vs("source", "homeassistant-src"), values: "1x1500 0x100" }], at: "26h" },
      never: { series: [], at: "15m", labels: { role: "source" } },
    },
    VolsyncRestoreStuck: {
      firing: { series: [{ series: vs("destination", "homeassistant-dst"), values: "1x90" }], at: "80m", labels: { obj_namespace: volsyncNs, obj_name: "homeassistant-dst" } },
      silent: { series: [{ series: vs("destination", "homeassistant-dst"), values: "1x30 0x60" }], at: "80m" },
    },
    VolsyncMoverJobFailed: {
      firing: { series: [{ series: retries, values: "0x30 1x30" }], at: "40m", labels: { ...vsLabels, role: "source" } },
      silent: { series: [{ series: retries, values: "0x60" }, { series: opFailure("prerequisites_failed"), values: "0x30 1x30" }], at: "40m" },
    },
    VolsyncMoverJobFailedDeletedJob: {
      firing: { series: [{ series: opFailure("BackoffLimitExceeded"), values: "0x30 1x30" }], at: "40m", labels: { ...vsLabels, role: "source" } },
      silent: { series: [{ series: opFailure("BackoffLimitExceeded"), values: "1x60" }], at: "40m" },
    },
    VolsyncVerifyFailed: failedCases(VOLSYNC_NS, "volsync-verify"),
    VolsyncVerifyStale: staleCases(VOLSYNC_NS, "volsync-verify", 26),
    BackupHubStale: {
      firing: { series: [...hubSeries("backup_hub_max_age_seconds", "93600x30"), ...hubSeries("backup_hub_newest_backup_timestamp_seconds", "-100000x30")], at: "20m", labels: hubLabels },
      silent: { series: [...hubSeries("backup_hub_max_age_seconds", "93600x30"), ...hubSeries("backup_hub_newest_backup_timestamp_seconds", "0x30")], at: "20m" },
      // listed, but nothing committed (or the bucket cannot be listed): only the expectation exists
      never: { series: hubSeries("backup_hub_max_age_seconds", "93600x30"), at: "20m", labels: hubLabels },
    },
    RestoreDrillSlow: {
      firing: { series: hubSeries("backup_hub_drill_last_restore_seconds", "4000x20"), at: "10m", labels: hubLabels, value: "4k" },
      silent: { series: hubSeries("backup_hub_drill_last_restore_seconds", "120x20"), at: "10m" },
    },
    BackupHubExporterDown: {
      firing: { series: [{ series: 'backup_hub_collect_timestamp_seconds{job="hub-exporter",namespace="monitoring"}', values: "0x45" }], at: "40m", labels: {} },
      silent: { series: [{ series: 'backup_hub_collect_timestamp_seconds{job="hub-exporter",namespace="monitoring"}', values: "0+60x45" }], at: "40m" },
      never: { series: [], at: "15m", labels: { job: "hub-exporter" } },
    },
    KopiaServerDown: {
      firing: { series: kopiaUi(0), at: "20m", labels: { namespace: VOLSYNC_NS, deployment: "kopia-ui" } },
      silent: { series: kopiaUi(1), at: "20m" },
      never: { series: [], at: "15m", labels: { namespace: VOLSYNC_NS, deployment: "kopia-ui" } },
    },
  };
}

/** The contract-4 alert names (architecture.md), each of which must exist and be tested. */
export const CONTRACT_ALERTS = [
  "MinioCapacityHigh", "MinioScrapeDown", "VeleroBackupFailed", "VeleroBackupPartiallyFailed", "VeleroBackupLocationUnavailable",
  "VeleroBackupStale", "PostgresBackupFailed", "PostgresBackupStale", "PostgresRestoreDrillFailed", "PostgresRestoreDrillStale",
  "RgwMirrorFailed", "RgwMirrorStale", "EtcdOffloadStale", "VolsyncBackupFailed", "VolsyncBackupStale", "VolsyncRestoreStuck", "VolsyncMoverJobFailed",
];
/** Names added to contract 4 by issues #10 and #12 (README "Monitoring and alerts" lists them). */
export const EXTENDED_ALERTS = [
  "VeleroBackupValidationFailed", "VolsyncVerifyFailed", "VolsyncVerifyStale", "KopiaServerDown",
  // issue #12: what is committed on the hub (hub exporter)
  "BackupHubStale", "RestoreDrillSlow", "BackupHubExporterDown",
];
/** Extra case sets tested against an alert of another name (key → alert). */
export const CASE_ALIASES: Record<string, string> = {
  MinioScrapeDownOneEndpointMissing: "MinioScrapeDown",
  VolsyncMoverJobFailedDeletedJob: "VolsyncMoverJobFailed",
};
