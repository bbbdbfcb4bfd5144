/** Alerts of the Postgres path (contract 4), from kube-state-metrics CronJob/Job series. */
import { AlertGroup, GROUP_PREFIX, cronJobAlerts } from "../lib/alerts";
import { BACKUP_CRONJOB, DRILL_CRONJOB } from "./manifests";

export function postgresAlerts(namespace: string): AlertGroup {
  return {
    name: `${GROUP_PREFIX}-postgres`,
    rules: [
      ...cronJobAlerts({ namespace, cronJob: BACKUP_CRONJOB, staleHours: 26, failed: "PostgresBackupFailed", stale: "PostgresBackupStale", what: "Postgres backup" }),
      ...cronJobAlerts({
        namespace, cronJob: DRILL_CRONJOB, staleHours: 8 * 24, failed: "PostgresRestoreDrillFailed", stale: "PostgresRestoreDrillStale", what: "Postgres restore drill",
      }),
    ],
  };
}
