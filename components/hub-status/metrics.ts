/**
 * The metrics hub-exporter.sh serves (rendered by facts.jq's `prometheus`), with their labels. A
 * test renders real facts and holds the output to this list; alerts and dashboards are checked
 * against it like against any exporter's upstream metric list.
 */
export const HUB_METRICS: Record<string, { labels: string[]; help: string }> = {
  backup_hub_bucket_listable: { labels: ["path", "bucket"], help: "1 when the path's bucket could be listed" },
  backup_hub_newest_backup_timestamp_seconds: { labels: ["path", "bucket"], help: "upload time of the newest committed backup" },
  backup_hub_newest_backup_bytes: { labels: ["path", "bucket"], help: "size of the newest committed backup" },
  backup_hub_max_age_seconds: { labels: ["path", "bucket"], help: "age after which the newest committed backup is stale" },
  backup_hub_bucket_objects: { labels: ["path", "bucket"], help: "current objects in the bucket" },
  backup_hub_bucket_bytes: { labels: ["path", "bucket"], help: "bytes of the current objects in the bucket" },
  backup_hub_etcd_node_newest_snapshot_timestamp_seconds: { labels: ["path", "bucket", "node"], help: "upload time of each node's newest committed snapshot" },
  backup_hub_drill_last_timestamp_seconds: { labels: ["path", "bucket"], help: "finish time of the newest restore-drill report" },
  backup_hub_drill_last_success: { labels: ["path", "bucket"], help: "1 when the newest drill report says ok" },
  backup_hub_drill_last_restore_seconds: { labels: ["path", "bucket"], help: "restore time of the newest drill: the measured RTO" },
  backup_hub_collect_timestamp_seconds: { labels: [], help: "when the exporter last listed the hub" },
  backup_hub_collect_duration_seconds: { labels: [], help: "how long the last listing took" },
};
