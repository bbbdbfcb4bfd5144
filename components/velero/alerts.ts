/** Alerts of Velero (contract 4), from Velero's own metrics (label `schedule`). */
import { AlertGroup, GROUP_PREFIX } from "../lib/alerts";

/** Velero reports BSL availability as a gauge (1 available, 0 unavailable) per location. */
export const BSL_METRIC = "velero_backup_storage_location_available";

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
        name: "VeleroBackupLocationUnavailable",
        expr: `max by (backup_storage_location) (${BSL_METRIC}) == 0`,
        for: "15m",
        severity: "critical",
        summary: "Velero backup storage location {{ $labels.backup_storage_location }} is unavailable",
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
