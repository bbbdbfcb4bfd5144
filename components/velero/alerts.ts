/** Alerts of Velero (contract 4), from Velero's own metrics (label `schedule`). */
import { AlertGroup, GROUP_PREFIX } from "../lib/alerts";

/**
 * Velero 1.18 reports BSL availability as a gauge per location, label `backup_location_name`
 * (1 available, 0 unavailable; pkg/metrics/metrics.go, added in 1.17).
 */
export const BSL_METRIC = "velero_backup_location_status_gauge";
export const BSL_LABEL = "backup_location_name";

export function veleroAlerts(schedule: string, staleHours = 26): AlertGroup {
  const sel = `schedule="${schedule}"`;
  return {
    name: `${GROUP_PREFIX}-velero`,
    rules: [
      {
        name: "VeleroBackupFailed",
        expr: "sum by (schedule) (increase(velero_backup_failure_total[1h])) > 0",
        for: "0m",
        severity: "critical",
        summary: "Velero backup of schedule {{ $labels.schedule }} failed",
      },
      {
        name: "VeleroBackupPartiallyFailed",
        expr: "sum by (schedule) (increase(velero_backup_partial_failure_total[1h])) > 0",
        for: "0m",
        severity: "warning",
        summary: "Velero backup of schedule {{ $labels.schedule }} partially failed",
      },
      {
        // A backup attempted while its location is unavailable ends FailedValidation: Velero counts
        // it here, not in velero_backup_failure_total.
        name: "VeleroBackupValidationFailed",
        expr: "sum by (schedule) (increase(velero_backup_validation_failure_total[1h])) > 0",
        for: "0m",
        severity: "critical",
        summary: "Velero backup of schedule {{ $labels.schedule }} failed validation (is the backup location available?)",
      },
      {
        name: "VeleroBackupLocationUnavailable",
        expr: `max by (${BSL_LABEL}) (${BSL_METRIC}) == 0`,
        for: "15m",
        severity: "critical",
        summary: `Velero backup storage location {{ $labels.${BSL_LABEL} }} is unavailable`,
      },
      {
        name: "VeleroBackupStale",
        expr: `time() - max by (schedule) (velero_backup_last_successful_timestamp{${sel}}) > ${staleHours * 3600}\nor absent(velero_backup_last_successful_timestamp{${sel}})`,
        for: "10m",
        severity: "warning",
        summary: `Velero schedule ${schedule} has not succeeded for more than ${staleHours}h (or never)`,
      },
    ],
  };
}
