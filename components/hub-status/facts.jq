# facts.jq — what is committed on the hub, per backup path, from bucket listings (pure: JSON in,
# JSON out). Shared by the in-cluster hub exporter (hub-exporter.sh) and `npm run status`
# (tools/status.ts), both through hub-facts.sh. jq 1.6.
#
# Input:  {now: <epoch s>, paths: [{path, bucket, enabled, kind, prefix?, maxAgeSeconds,
#          listing: [rclone lsjson -R --use-server-modtime entries] | null, error?: "...",
#          drill?: <the newest _drills/ report, parsed> | null}]}
#   kind: postgres | etcd | velero | kopia (volsync) | mirror (rgwMirror)
# Output: {now, paths: [{path, bucket, verdict: OK|STALE|MISSING|DISABLED, reason, newest: {key,
#          time, bytes} | null, listable, ageSeconds, objects, bytes, maxAgeSeconds, nodes?: {<node>: newest},
#          drill: {time, result, restoreSeconds, backup} | null}]}
#
# Committed means: postgres — a <prefix>/YYYY/MM/DD/full.sql.zst (the newest day, as the drill
# picks) whose .sha256 marker exists and is not older than it (a dump rewritten after its marker is not the dump the marker describes); etcd —
# a snapshot with the same rule for its .sha256, per node; velero — a backups/<name>/velero-backup.json
# whose backups/<name>/<name>.tar.gz exists (Velero v1.18.1 pkg/persistence: metadata, then contents;
# it deletes the metadata when the contents fail); kopia — any object (the repository is written by
# every snapshot); mirror — a run report under _reports/.

def epoch: sub("\\.[0-9]+"; "") | fromdateiso8601;

# files of a listing as {key, time, bytes}
def files: [.[] | select(.IsDir | not) | {key: .Path, time: (.ModTime | epoch), bytes: .Size}];

def newest: if length == 0 then null else max_by([.time, .key]) end;

# entries with a marker "<key>.sha256" written at or after them
def committed($all):
  ($all | map({key: .key, value: .time}) | from_entries) as $t
  | map(select(($t[.key + ".sha256"] // -1) >= .time));

# The kind functions below take the listing's files (`files`, parsed once per bucket).

# the newest day (by its YYYY/MM/DD key, as the restore drill picks) that is committed
def postgres_newest($p):
  . as $all
  | map(select(.key | test("^" + $p.prefix + "/[0-9]{4}/[0-9]{2}/[0-9]{2}/full\\.sql\\.zst$")))
  | committed($all)
  | if length == 0 then null else max_by(.key) end;

def velero_backups:
  (map({key: .key, value: true}) | from_entries) as $has
  | map(select(.key | test("^backups/[^/]+/velero-backup\\.json$")))
  | map(select((.key | split("/")[1]) as $n | $has["backups/\($n)/\($n).tar.gz"] // false));

def etcd_snapshots:
  . as $all
  | map(select((.key | test("/[^/]+$")) and (.key | endswith(".sha256") | not) and (.key | endswith("/server-token") | not)))
  | committed($all);

# The key of the newest drill report of a postgres path (hub-facts.sh fetches it), or null.
def newest_drill_key($p):
  [.[] | select(.IsDir | not) | .Path | select(startswith($p.prefix + "/_drills/") and endswith(".json"))] | max;

def path_facts($now):
  . as $p
  | if ($p.enabled | not) then
      {path: $p.path, bucket: $p.bucket, verdict: "DISABLED", reason: "disabled in config", newest: null, listable: null}
    elif $p.listing == null then
      {path: $p.path, bucket: $p.bucket, verdict: "MISSING", reason: ($p.error // "bucket not listable"), newest: null, listable: false}
    else
      ($p.listing | files) as $all
      | (if $p.kind == "etcd" then $all | etcd_snapshots else null end) as $snapshots
      | (if $p.kind == "postgres" then $all | postgres_newest($p)
         elif $p.kind == "etcd" then $snapshots | newest
         elif $p.kind == "velero" then $all | velero_backups | newest
         elif $p.kind == "mirror" then $all | map(select(.key | startswith("_reports/"))) | newest
         else $all | newest end) as $newest
      | {
          path: $p.path, bucket: $p.bucket, newest: $newest, listable: true,
          objects: ($all | length), bytes: ($all | map(.bytes) | add // 0),
          ageSeconds: (if $newest == null then null else $now - $newest.time end)
        }
      | if $newest == null then .verdict = "MISSING" | .reason = (if .objects == 0 then "bucket is empty" else "no committed backup" end)
        elif .ageSeconds > $p.maxAgeSeconds then .verdict = "STALE" | .reason = "newest committed backup is older than \($p.maxAgeSeconds / 3600 | floor)h"
        else .verdict = "OK" | .reason = "" end
      | if $p.kind == "etcd" then
          .nodes = ($snapshots | group_by(.key | split("/")[0]) | map({key: (.[0].key | split("/")[0]), value: newest}) | from_entries)
        else . end
    end
  | .maxAgeSeconds = $p.maxAgeSeconds
  | .drill = (if $p.drill == null then null
              else {time: ($p.drill.finishedAt // null | if . == null then null else epoch end), result: $p.drill.result,
                    restoreSeconds: ($p.drill.restoreSeconds // null), backup: ($p.drill.backup // null), reason: ($p.drill.reason // null)} end);

def facts: .now as $now | {now: $now, paths: [.paths[] | path_facts($now)]};

# --- Prometheus text exposition of the facts (hub-exporter.sh) ----------------------------------
# Metric names are mirrored in components/hub-status/metrics.ts (a test holds them equal).

def esc: tostring | gsub("\\\\"; "\\\\") | gsub("\""; "\\\"") | gsub("\n"; "\\n");
def labels($l): if ($l | length) == 0 then "" else "{" + ([$l | to_entries[] | "\(.key)=\"\(.value | esc)\""] | join(",")) + "}" end;
def sample($name; $l; $v): "\($name)\(labels($l)) \($v)";
def family($name; $help; $samples): "# HELP \($name) \($help)", "# TYPE \($name) gauge", $samples[];

def prometheus($collectSeconds):
  .now as $now
  | [.paths[] | select(.verdict != "DISABLED")] as $on
  | family("backup_hub_bucket_listable"; "1 when the path's bucket could be listed with the reader's credentials"; [$on[] | sample("backup_hub_bucket_listable"; {path, bucket}; (if .listable then 1 else 0 end))]),
    family("backup_hub_newest_backup_timestamp_seconds"; "Upload time of the path's newest committed backup"; [$on[] | select(.newest != null) | sample("backup_hub_newest_backup_timestamp_seconds"; {path, bucket}; .newest.time)]),
    family("backup_hub_newest_backup_bytes"; "Size of the path's newest committed backup"; [$on[] | select(.newest != null) | sample("backup_hub_newest_backup_bytes"; {path, bucket}; .newest.bytes)]),
    family("backup_hub_max_age_seconds"; "Age after which the path's newest committed backup is stale (its schedule's largest gap plus slack)"; [$on[] | sample("backup_hub_max_age_seconds"; {path, bucket}; .maxAgeSeconds)]),
    family("backup_hub_bucket_objects"; "Current objects in the path's bucket"; [$on[] | select(.objects != null) | sample("backup_hub_bucket_objects"; {path, bucket}; .objects)]),
    family("backup_hub_bucket_bytes"; "Bytes of the current objects in the path's bucket"; [$on[] | select(.bytes != null) | sample("backup_hub_bucket_bytes"; {path, bucket}; .bytes)]),
    family("backup_hub_etcd_node_newest_snapshot_timestamp_seconds"; "Upload time of each node's newest committed etcd snapshot"; [$on[] | . as $p | (.nodes // {}) | to_entries[] | sample("backup_hub_etcd_node_newest_snapshot_timestamp_seconds"; {path: $p.path, bucket: $p.bucket, node: .key}; .value.time)]),
    family("backup_hub_drill_last_timestamp_seconds"; "Finish time of the newest restore-drill report"; [$on[] | select(.drill != null and .drill.time != null) | sample("backup_hub_drill_last_timestamp_seconds"; {path, bucket}; .drill.time)]),
    family("backup_hub_drill_last_success"; "1 when the newest restore-drill report says ok"; [$on[] | select(.drill != null) | sample("backup_hub_drill_last_success"; {path, bucket}; (if .drill.result == "ok" then 1 else 0 end))]),
    family("backup_hub_drill_last_restore_seconds"; "Restore time of the newest restore drill: the measured RTO"; [$on[] | select(.drill != null and .drill.restoreSeconds != null) | sample("backup_hub_drill_last_restore_seconds"; {path, bucket}; .drill.restoreSeconds)]),
    family("backup_hub_collect_timestamp_seconds"; "When the exporter last listed the hub"; [sample("backup_hub_collect_timestamp_seconds"; {}; $now)]),
    family("backup_hub_collect_duration_seconds"; "How long the last listing of every bucket took"; [sample("backup_hub_collect_duration_seconds"; {}; $collectSeconds)]);
