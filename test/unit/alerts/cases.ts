/**
 * promtool cases per contract-4 alert: input series (1-minute samples), when to evaluate, and the
 * labels a firing alert must carry. Every alert has a firing and a silent case; every stale or
 * dead-man alert also has a never-existed case (no series at all → it still fires).
 */
export interface Series { series: string; values: string }
export interface Case { series: Series[]; at: string; labels?: Record<string, string>; value?: string }
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

export function alertCases(apps: string, volsyncNs = "home"): Record<string, AlertCases> {
  const vs = (role: string, name: string) => `volsync_volume_out_of_sync{obj_namespace="${volsyncNs}",obj_name="${name}",role="${role}",method="kopia"}`;
  const missed = `volsync_missed_intervals_total{obj_namespace="${volsyncNs}",obj_name="homeassistant-src",role="source",method="kopia"}`;
  const mover = (failed: 0 | 1): Series[] => [
    { series: `kube_job_failed{namespace="${volsyncNs}",job_name="volsync-src-homeassistant-src",condition="true"}`, values: `${failed}x20` },
    { series: `kube_job_status_start_time{namespace="${volsyncNs}",job_name="volsync-src-homeassistant-src"}`, values: "0x20" },
  ];
  const capacity = (free: number): Series[] => [
    { series: 'minio_cluster_capacity_usable_free_bytes{job="minio-hub",instance="10.10.10.209:9000"}', values: `${free}x40` },
    { series: 'minio_cluster_capacity_usable_total_bytes{job="minio-hub",instance="10.10.10.209:9000"}', values: "100x40" },
  ];
  const etcd = 'etcd_offload_last_success_timestamp_seconds{instance="k3s-cp-1:9100",job="node-exporter"}';
  const veleroLast = 'velero_backup_last_successful_timestamp{schedule="velero-daily-backup"}';
  return {
    MinioCapacityHigh: { firing: { series: capacity(10), at: "35m", labels: { job: "minio-hub" }, value: "90" }, silent: { series: capacity(50), at: "35m" } },
    MinioScrapeDown: {
      firing: { series: [{ series: 'up{job="minio-hub",instance="10.10.10.209:9000"}', values: "0x20" }], at: "15m", labels: { job: "minio-hub" } },
      silent: { series: [{ series: 'up{job="minio-hub",instance="10.10.10.209:9000"}', values: "1x20" }], at: "15m" },
      never: { series: [], at: "15m", labels: { job: "minio-hub" } },
    },
    VeleroBackupFailed: {
      firing: { series: counter("velero_backup_failure_total", true), at: "40m", labels: { schedule: "velero-daily-backup" } },
      silent: { series: counter("velero_backup_failure_total", false), at: "40m" },
    },
    VeleroBackupPartiallyFailed: {
      firing: { series: counter("velero_backup_partial_failure_total", true), at: "40m", labels: { schedule: "velero-daily-backup" } },
      silent: { series: counter("velero_backup_partial_failure_total", false), at: "40m" },
    },
    VeleroBackupLocationUnavailable: {
      firing: { series: [{ series: 'velero_backup_storage_location_available{backup_storage_location="default"}', values: "0x30" }], at: "20m", labels: { backup_storage_location: "default" } },
      silent: { series: [{ series: 'velero_backup_storage_location_available{backup_storage_location="default"}', values: "1x30" }], at: "20m" },
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
      firing: { series: [{ series: missed, values: "0x30 1x30 2x30" }], at: "90m", labels: { obj_namespace: volsyncNs, obj_name: "homeassistant-src" } },
      silent: { series: [{ series: missed, values: "0x30 1x60" }], at: "90m" },
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
      firing: { series: mover(1), at: "10m", labels: { namespace: volsyncNs, job_name: "volsync-src-homeassistant-src" } },
      silent: { series: mover(0), at: "10m" },
    },
  };
}

/** The contract-4 alert names (architecture.md), each of which must exist and be tested. */
export const CONTRACT_ALERTS = [
  "MinioCapacityHigh", "MinioScrapeDown", "VeleroBackupFailed", "VeleroBackupPartiallyFailed", "VeleroBackupLocationUnavailable",
  "VeleroBackupStale", "PostgresBackupFailed", "PostgresBackupStale", "PostgresRestoreDrillFailed", "PostgresRestoreDrillStale",
  "RgwMirrorFailed", "RgwMirrorStale", "EtcdOffloadStale", "VolsyncBackupFailed", "VolsyncBackupStale", "VolsyncRestoreStuck", "VolsyncMoverJobFailed",
];
