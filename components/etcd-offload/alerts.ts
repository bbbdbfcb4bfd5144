/**
 * Alerts of the etcd offload (contract 4), from the textfile metric etcd-offload.sh writes for
 * node-exporter. Only meaningful when etcdOffload.textfileDir is set (otherwise the metric never
 * exists and the alert would fire forever), so the group is empty without it.
 */
import { AlertGroup, GROUP_PREFIX } from "../lib/alerts";

export const ETCD_METRIC = "etcd_offload_last_success_timestamp_seconds";

export function etcdOffloadAlerts(textfileEnabled: boolean, staleHours = 3): AlertGroup {
  return {
    name: `${GROUP_PREFIX}-etcd-offload`,
    rules: textfileEnabled
      ? [{
        name: "EtcdOffloadStale",
        expr: `time() - max by (instance) (${ETCD_METRIC}) > ${staleHours * 3600}\nor absent(${ETCD_METRIC})`,
        for: "10m",
        severity: "warning",
        summary: `etcd snapshots not offloaded for more than ${staleHours}h on {{ $labels.instance }} (or the metric is absent)`,
      }]
      : [],
  };
}
