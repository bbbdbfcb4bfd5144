/** Alerts of Volsync (contract 4, seed 002): Volsync's metrics and kube-state-metrics for mover Jobs. */
import { AlertGroup, GROUP_PREFIX } from "../lib/alerts";

export function volsyncAlerts(staleHours = 25, stuckMinutes = 60): AlertGroup {
  return {
    name: `${GROUP_PREFIX}-volsync`,
    rules: [
      {
        name: "VolsyncBackupFailed",
        // One missed interval can be a retry; two within two hours is a failing backup.
        expr: 'sum by (obj_namespace, obj_name) (increase(volsync_missed_intervals_total{role="source"}[2h])) > 1',
        for: "0m",
        severity: "critical",
        summary: "Volsync backup {{ $labels.obj_namespace }}/{{ $labels.obj_name }} keeps missing its schedule",
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
          'max by (namespace, job_name) (kube_job_failed{job_name=~"volsync-(src|dst)-.*",condition="true"} == 1',
          `  and on (namespace, job_name) (time() - kube_job_status_start_time < ${24 * 3600}))`,
        ].join("\n"),
        for: "1m",
        severity: "critical",
        summary: "Volsync mover Job {{ $labels.namespace }}/{{ $labels.job_name }} failed",
      },
    ],
  };
}
