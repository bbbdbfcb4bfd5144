/**
 * Alerts of Volsync (contract 4, seed 002, extended): the perfectra1n fork's own metrics
 * (v0.17.10, internal/controller/metrics.go and mover/kopia/metrics.go), and kube-state-metrics for
 * the maintenance CronJob and the Kopia UI Deployment.
 *
 * Why the fork's Kopia counters: `volsync_missed_intervals_total` grows only when a sync completes
 * late, so a backup that keeps failing never moves it; and the mover deletes a failed Job at once,
 * so kube-state-metrics' `kube_job_failed` for it lives less than a scrape. The fork counts a failed
 * mover Job in `volsync_kopia_operation_failure_total` before deleting it, and pod-level failures of
 * a running Job in `volsync_kopia_job_retries_total`; both are counters, so they persist.
 */
import { AlertGroup, AlertRule, GROUP_PREFIX, cronJobAlerts } from "../lib/alerts";
import { KOPIA_UI, VERIFY_CRONJOB } from "./manifests";

/** Failure reasons the fork records before any mover Job exists (configuration, not a Job failure). */
const PRE_JOB_FAILURES = "prerequisites_failed|job_creation_failed";

export interface VolsyncAlertArgs {
  /** Namespace of the operator and the maintenance CronJobs (`namespaces.volsync`). */
  namespace: string;
  /** Hours a source may stay out of sync before VolsyncBackupStale. Default 25. */
  staleHours?: number;
  /** Minutes a restore may stay pending before VolsyncRestoreStuck. Default 60. */
  stuckMinutes?: number;
  /** Whether the Kopia UI runs (`volsync.webUi`): adds KopiaServerDown. Default false. */
  webUi?: boolean;
}

export function volsyncAlerts(a: VolsyncAlertArgs): AlertGroup {
  const staleHours = a.staleHours ?? 25;
  const stuckMinutes = a.stuckMinutes ?? 60;
  const ui = `namespace="${a.namespace}",deployment="${KOPIA_UI}"`;
  const kopiaServer: AlertRule[] = a.webUi
    ? [{
      name: "KopiaServerDown",
      expr: `max by (namespace, deployment) (kube_deployment_status_replicas_available{${ui}}) < 1\nor absent(kube_deployment_status_replicas_available{${ui}})`,
      for: "10m",
      severity: "critical",
      summary: `Kopia UI ${a.namespace}/${KOPIA_UI} has no available replica`,
    }]
    : [];
  return {
    name: `${GROUP_PREFIX}-volsync`,
    rules: [
      {
        name: "VolsyncBackupFailed",
        expr: 'sum by (obj_namespace, obj_name) (increase(volsync_kopia_operation_failure_total{role="source",operation="backup"}[1h])) > 0',
        for: "0m",
        severity: "critical",
        summary: "Volsync backup {{ $labels.obj_namespace }}/{{ $labels.obj_name }} failed",
      },
      {
        name: "VolsyncBackupStale",
        expr: `min by (obj_namespace, obj_name) (min_over_time(volsync_volume_out_of_sync{role="source"}[${staleHours}h])) == 1\nor absent(volsync_volume_out_of_sync{role="source"})`,
        for: "10m",
        severity: "warning",
        summary: `Volsync backup {{ $labels.obj_namespace }}/{{ $labels.obj_name }} out of sync for ${staleHours}h (or no Volsync metrics)`,
      },
      {
        name: "VolsyncRestoreStuck",
        expr: 'max by (obj_namespace, obj_name) (volsync_volume_out_of_sync{role="destination"}) == 1',
        for: `${stuckMinutes}m`,
        severity: "warning",
        summary: `Volsync restore {{ $labels.obj_namespace }}/{{ $labels.obj_name }} pending for over ${stuckMinutes}m`,
      },
      {
        name: "VolsyncMoverJobFailed",
        expr: [
          "sum by (obj_namespace, obj_name, role) (increase(volsync_kopia_job_retries_total[1h])) > 0",
          `or sum by (obj_namespace, obj_name, role) (increase(volsync_kopia_operation_failure_total{failure_reason!~"${PRE_JOB_FAILURES}"}[1h])) > 0`,
        ].join("\n"),
        for: "0m",
        severity: "critical",
        summary: "Volsync mover Job of {{ $labels.obj_namespace }}/{{ $labels.obj_name }} ({{ $labels.role }}) failed",
      },
      ...cronJobAlerts({
        namespace: a.namespace, cronJob: VERIFY_CRONJOB, staleHours: 26, failed: "VolsyncVerifyFailed", stale: "VolsyncVerifyStale", what: "Volsync repository verification",
      }),
      ...kopiaServer,
    ],
  };
}
