/**
 * Alerts on what is committed on the hub (hub exporter metrics, facts.jq): a path whose newest
 * committed backup is older than its schedule allows, a restore drill slower than the RTO budget,
 * and the exporter itself not listing the hub.
 */
import { AlertGroup, GROUP_PREFIX } from "../lib/alerts";
import { HUB_EXPORTER } from "./index";

export interface HubAlertArgs {
  /** RestoreDrillSlow threshold (monitoring.restoreBudgetSeconds). */
  restoreBudgetSeconds: number;
  /** Seconds between listings; the exporter is down after three missed ones. */
  intervalSeconds: number;
}

export function hubAlerts(a: HubAlertArgs): AlertGroup {
  return {
    name: `${GROUP_PREFIX}-hub`,
    rules: [
      {
        name: "BackupHubStale",
        expr: [
          "(time() - max by (path, bucket) (backup_hub_newest_backup_timestamp_seconds))",
          "  > on (path, bucket) max by (path, bucket) (backup_hub_max_age_seconds)",
          "or on (path, bucket)",
          "max by (path, bucket) (backup_hub_max_age_seconds) unless on (path, bucket) max by (path, bucket) (backup_hub_newest_backup_timestamp_seconds)",
        ].join("\n"),
        for: "15m",
        severity: "critical",
        summary: "No new committed backup of {{ $labels.path }} on the hub (bucket {{ $labels.bucket }}) for longer than its schedule allows, or none at all",
      },
      {
        name: "RestoreDrillSlow",
        expr: `max by (path, bucket) (backup_hub_drill_last_restore_seconds) > ${a.restoreBudgetSeconds}`,
        for: "5m",
        severity: "warning",
        summary: `The last restore drill of {{ $labels.path }} took {{ $value | humanize }}s to restore, above the ${a.restoreBudgetSeconds} s budget`,
      },
      {
        name: "BackupHubExporterDown",
        expr: [
          `time() - max(backup_hub_collect_timestamp_seconds) > ${3 * a.intervalSeconds + 300}`,
          `or absent(backup_hub_collect_timestamp_seconds{job="${HUB_EXPORTER}"})`,
        ].join("\n"),
        for: "10m",
        severity: "warning",
        summary: "The hub exporter has not listed the hub lately: BackupHubStale cannot see what is committed",
      },
    ],
  };
}
