/** Alerts of the RGW mirror (contract 4), from kube-state-metrics CronJob/Job series. */
import { AlertGroup, GROUP_PREFIX, cronJobAlerts } from "../lib/alerts";

export function rgwMirrorAlerts(namespace: string, cronJob: string): AlertGroup {
  return {
    name: `${GROUP_PREFIX}-rgw-mirror`,
    rules: cronJobAlerts({ namespace, cronJob, staleHours: 26, failed: "RgwMirrorFailed", stale: "RgwMirrorStale", what: "RGW mirror" }),
  };
}
