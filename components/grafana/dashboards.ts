/**
 * Dashboards as code: typed panel builders, a row-by-row layout on Grafana's 24-column grid (so ids
 * are unique and panels never overlap), every query on the configured Prometheus datasource. Queries
 * are plain PromQL (no Grafana variables) so promtool can check each one.
 */
import { MINIO_JOB, MINIO_USED_PERCENT } from "../minio-hub/alerts";
import { BSL_LABEL, BSL_METRIC } from "../velero/alerts";
import { ETCD_METRIC } from "../etcd-offload/alerts";

export interface Query { expr: string; legend?: string }
export interface PanelSpec { type: "stat" | "timeseries" | "table"; title: string; queries: Query[]; unit?: string; w?: number; h?: number }
export interface Panel extends Omit<PanelSpec, "queries" | "w" | "h" | "unit"> {
  id: number;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: "prometheus"; uid: string };
  targets: { refId: string; expr: string; legendFormat?: string; datasource: { type: "prometheus"; uid: string } }[];
  fieldConfig: { defaults: { unit?: string }; overrides: [] };
}
export interface Dashboard { uid: string; title: string; tags: string[]; schemaVersion: number; time: { from: string; to: string }; refresh: string; panels: Panel[] }

const GRID = 24;

/** Lays panels out left to right, wrapping at 24 columns; ids 1..n. */
export function layout(specs: PanelSpec[], datasourceUid: string): Panel[] {
  let x = 0;
  let y = 0;
  let rowH = 0;
  const ds = { type: "prometheus" as const, uid: datasourceUid };
  return specs.map((s, i) => {
    const w = s.w ?? 6;
    const h = s.h ?? (s.type === "stat" ? 4 : 8);
    if (x + w > GRID) {
      x = 0;
      y += rowH;
      rowH = 0;
    }
    const panel: Panel = {
      id: i + 1, type: s.type, title: s.title, gridPos: { x, y, w, h }, datasource: ds,
      targets: s.queries.map((q, j) => ({ refId: String.fromCharCode(65 + j), expr: q.expr, ...(q.legend ? { legendFormat: q.legend } : {}), datasource: ds })),
      fieldConfig: { defaults: s.unit ? { unit: s.unit } : {}, overrides: [] },
    };
    x += w;
    rowH = Math.max(rowH, h);
    return panel;
  });
}

function dashboard(uid: string, title: string, specs: PanelSpec[], datasourceUid: string): Dashboard {
  return { uid, title, tags: ["backups", "homelab-backups"], schemaVersion: 39, time: { from: "now-7d", to: "now" }, refresh: "5m", panels: layout(specs, datasourceUid) };
}

export function veleroDashboard(datasourceUid: string): Dashboard {
  return dashboard("homelab-backups-velero", "Velero", [
    { type: "timeseries", title: "Backups by result (per day)", w: 12, queries: [
      { expr: "sum by (schedule) (increase(velero_backup_success_total[1d]))", legend: "{{schedule}} success" },
      { expr: "sum by (schedule) (increase(velero_backup_partial_failure_total[1d]))", legend: "{{schedule}} partial" },
      { expr: "sum by (schedule) (increase(velero_backup_failure_total[1d]))", legend: "{{schedule}} failed" },
      { expr: "sum by (schedule) (increase(velero_backup_validation_failure_total[1d]))", legend: "{{schedule}} failed validation" },
    ] },
    { type: "stat", title: "Last success age per schedule", unit: "s", w: 12, queries: [{ expr: "time() - max by (schedule) (velero_backup_last_successful_timestamp)", legend: "{{schedule}}" }] },
    { type: "timeseries", title: "Backup duration (median over a day)", unit: "s", w: 12, queries: [
      { expr: "histogram_quantile(0.5, sum by (le, schedule) (rate(velero_backup_duration_seconds_bucket[1d])))", legend: "{{schedule}}" },
    ] },
    { type: "stat", title: "Backup storage location available", w: 12, queries: [{ expr: `max by (${BSL_LABEL}) (${BSL_METRIC})`, legend: `{{${BSL_LABEL}}}` }] },
  ], datasourceUid);
}

export function minioDashboard(datasourceUid: string): Dashboard {
  return dashboard("homelab-backups-minio", "MinIO hub", [
    { type: "stat", title: "Usable capacity", unit: "bytes", queries: [{ expr: "max(minio_cluster_capacity_usable_total_bytes)" }] },
    { type: "stat", title: "Usable free", unit: "bytes", queries: [{ expr: "max(minio_cluster_capacity_usable_free_bytes)" }] },
    { type: "stat", title: "Used", unit: "percent", queries: [{ expr: MINIO_USED_PERCENT }] },
    { type: "stat", title: "Scrape up", queries: [{ expr: `min(up{job="${MINIO_JOB}"})` }] },
    { type: "timeseries", title: "Usage per bucket", unit: "bytes", w: 12, queries: [{ expr: "max by (bucket) (minio_bucket_usage_total_bytes)", legend: "{{bucket}}" }] },
    { type: "timeseries", title: "Drives online / offline", w: 12, queries: [
      { expr: "max(minio_cluster_drive_online_total)", legend: "online" },
      { expr: "max(minio_cluster_drive_offline_total)", legend: "offline" },
    ] },
  ], datasourceUid);
}

/** kube-state-metrics expressions of a CronJob-driven path. */
const cronJobRow = (path: string, namespace: string, cronJob: string): PanelSpec[] => {
  const owner = `kube_job_owner{namespace="${namespace}",owner_kind="CronJob",owner_name="${cronJob}"}`;
  return [
    { type: "stat", title: `${path}: last success age`, unit: "s", w: 8, queries: [{ expr: `time() - max(kube_cronjob_status_last_successful_time{namespace="${namespace}",cronjob="${cronJob}"})` }] },
    { type: "stat", title: `${path}: last failure age`, unit: "s", w: 8, queries: [{
      expr: `time() - max(kube_job_status_start_time{namespace="${namespace}"} * on (namespace, job_name) group_left () (kube_job_failed{namespace="${namespace}",condition="true"} == 1) * on (namespace, job_name) group_left () ${owner})`,
    }] },
    { type: "stat", title: `${path}: longest recent run`, unit: "s", w: 8, queries: [{
      expr: `max((kube_job_status_completion_time{namespace="${namespace}"} - on (namespace, job_name) kube_job_status_start_time{namespace="${namespace}"}) * on (namespace, job_name) group_left () ${owner})`,
    }] },
  ];
};

export interface OverviewArgs {
  datasourceUid: string;
  /** Which rows to show, with their CronJob coordinates. */
  postgres?: { namespace: string; backup: string; drill: string };
  rgwMirror?: { namespace: string; cronJob: string };
  velero?: { schedule: string };
  etcdOffload?: boolean;
  volsync?: boolean;
}

/** One row per enabled path: last success age, last failure, size or run time where known. */
export function overviewDashboard(a: OverviewArgs): Dashboard {
  const rows: PanelSpec[] = [];
  if (a.velero) {
    const sel = `schedule="${a.velero.schedule}"`;
    rows.push(
      { type: "stat", title: "Velero: last success age", unit: "s", w: 8, queries: [{ expr: `time() - max(velero_backup_last_successful_timestamp{${sel}})` }] },
      { type: "stat", title: "Velero: failures (7d)", w: 8, queries: [{ expr: `sum(increase(velero_backup_failure_total{${sel}}[7d]))` }] },
      { type: "stat", title: "Velero: last backup size", unit: "bytes", w: 8, queries: [{ expr: `max(velero_backup_tarball_size_bytes{${sel}})` }] },
    );
  }
  if (a.postgres) {
    rows.push(...cronJobRow("Postgres backup", a.postgres.namespace, a.postgres.backup));
    rows.push(...cronJobRow("Postgres restore drill (recovery time)", a.postgres.namespace, a.postgres.drill));
  }
  if (a.rgwMirror) rows.push(...cronJobRow("RGW mirror", a.rgwMirror.namespace, a.rgwMirror.cronJob));
  if (a.etcdOffload) {
    rows.push({ type: "stat", title: "etcd offload: last success age per node", unit: "s", w: 24, queries: [{ expr: `time() - max by (instance) (${ETCD_METRIC})`, legend: "{{instance}}" }] });
  }
  if (a.volsync) {
    rows.push(
      { type: "table", title: "Volsync: sources out of sync", w: 12, queries: [{ expr: 'max by (obj_namespace, obj_name) (volsync_volume_out_of_sync{role="source"})' }] },
      { type: "stat", title: "Volsync: failed backups (1d)", w: 12, queries: [{ expr: 'sum(increase(volsync_kopia_operation_failure_total{role="source",operation="backup"}[1d]))' }] },
    );
  }
  // Hub truth (hub exporter): what is committed in each bucket, whatever the jobs report.
  rows.push(
    { type: "stat", title: "Hub: newest committed backup age per path", unit: "s", w: 12, queries: [{ expr: "time() - max by (path) (backup_hub_newest_backup_timestamp_seconds)", legend: "{{path}}" }] },
    { type: "stat", title: "Hub: newest committed backup size per path", unit: "bytes", w: 12, queries: [{ expr: "max by (path) (backup_hub_newest_backup_bytes)", legend: "{{path}}" }] },
    { type: "timeseries", title: "Hub: bytes per bucket", unit: "bytes", w: 12, queries: [{ expr: "max by (bucket) (backup_hub_bucket_bytes)", legend: "{{bucket}}" }] },
    { type: "stat", title: "Hub: last restore drill RTO", unit: "s", w: 12, queries: [{ expr: "max by (path) (backup_hub_drill_last_restore_seconds)", legend: "{{path}}" }] },
  );
  return dashboard("homelab-backups-overview", "Backup overview", rows, a.datasourceUid);
}
