#!/usr/bin/env bash
# pg-backup.sh — daily logical backup of a whole PostgreSQL cluster to the backup hub (contract 2).
#
#   pg_dumpall | zstd  ──stream──>  _tmp/<run>/full.sql.zst  ──move──>  <prefix>/YYYY/MM/DD/full.sql.zst
#   then <prefix>/YYYY/MM/DD/manifest.json, then full.sql.zst.sha256 — the commit marker, written last.
#
# Nothing of the dump touches local disk (only FIFOs and a few bytes of bookkeeping in $TMPDIR).
# The dump's sha256 and sizes are taken in the same pass. A run that fails at any point leaves
# nothing at the final keys; its temporary object is deleted (the writer may delete only _tmp/).
#
# Environment: BACKUP_S3_ENDPOINT BACKUP_S3_BUCKET BACKUP_S3_ACCESS_KEY_ID BACKUP_S3_SECRET_ACCESS_KEY
# [BACKUP_S3_REGION] [BACKUP_PREFIX=postgresql-18]; libpq PGHOST [PGPORT] PGUSER PGPASSWORD;
# [ZSTD_LEVEL=3] [S3_CHUNK_SIZE=64Mi: x 10,000 parts = 625 GiB streamed ceiling].
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../lib source=backup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/backup-lib.sh"

: "${PGHOST:?PGHOST is required}"
: "${PGUSER:?PGUSER is required}"
BACKUP_PREFIX="${BACKUP_PREFIX:-postgresql-18}"
ZSTD_LEVEL="${ZSTD_LEVEL:-3}"
S3_CHUNK_SIZE="${S3_CHUNK_SIZE:-64Mi}"
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"
hub_remote_from_env
require_commands pg_dumpall psql zstd rclone jq sha256sum mkfifo tee tail wc

started_ns="$(now_ns)"
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
run_id="$(date -u +%Y%m%dT%H%M%SZ)-$$"
day_dir="${BACKUP_PREFIX}/$(date -u +%Y/%m/%d)"
final_key="${day_dir}/full.sql.zst"
tmp_key="_tmp/${BACKUP_PREFIX}/${run_id}/full.sql.zst"
work="$(mktemp -d "${TMPDIR:-/tmp}/pg-backup.XXXXXX")"
moved=0

cleanup() {
  local rc=$?
  jobs -p | xargs -r kill 2>/dev/null || true
  if ((moved == 0)); then
    rclone deletefile "${HUB}/${tmp_key}" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

psql_q() { # psql_q DB SQL — one value per line; connection errors land in $work/psql.err
  psql -X -w -A -t -q -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>"$work/psql.err"
}

# --- preflight: tools, versions, database inventory, hub reachable ---------------------------
phase_ns="$(now_ns)"
server_num="$(psql_q "${PGDATABASE:-postgres}" "SHOW server_version_num")" ||
  die "cannot connect to PostgreSQL at ${PGHOST}:${PGPORT:-5432} as ${PGUSER}: $(first_line "$work/psql.err")"
server_major=$((server_num / 10000))
client_version="$(pg_dumpall --version | awk '{print $3}')"
client_major="${client_version%%.*}"
((client_major >= server_major)) ||
  die "pg_dumpall ${client_version} is older than the server (PostgreSQL ${server_major}); use a toolbox image with PostgreSQL client >= ${server_major}"

mapfile -t databases < <(psql_q "${PGDATABASE:-postgres}" "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1")
table_counts='{}'
for db in "${databases[@]}"; do
  n="$(psql_q "$db" "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")" ||
    die "cannot count tables in database ${db}: $(first_line "$work/psql.err")"
  table_counts="$(jq -c --arg db "$db" --argjson n "$n" '. + {($db): $n}' <<<"$table_counts")"
done

rclone lsjson --max-depth 1 "${HUB}/" >/dev/null 2>"$work/hub.err" ||
  die "backup hub ${BACKUP_S3_ENDPOINT} bucket ${BACKUP_S3_BUCKET} not reachable: $(last_line "$work/hub.err")"
log "phase=preflight server=${server_major} client=${client_version} databases=${#databases[@]} bytes=0 seconds=$(seconds_since "$phase_ns")"

# --- dump: pg_dumpall | zstd | rclone rcat, with tail/size/sha256 taken from the same stream ----
phase_ns="$(now_ns)"
mkfifo "$work/raw.tail" "$work/raw.count" "$work/zst.sha" "$work/zst.count"
tail -c 4096 <"$work/raw.tail" >"$work/tail" &
wc -c <"$work/raw.count" >"$work/raw.bytes" &
sha256sum <"$work/zst.sha" >"$work/zst.sha256" &
wc -c <"$work/zst.count" >"$work/zst.bytes" &
set +e
pg_dumpall -w 2>"$work/dump.err" |
  tee "$work/raw.tail" "$work/raw.count" |
  zstd -q -T0 "-${ZSTD_LEVEL}" -c 2>"$work/zstd.err" |
  tee "$work/zst.sha" "$work/zst.count" |
  rclone rcat --s3-chunk-size "$S3_CHUNK_SIZE" --s3-upload-concurrency 2 "${HUB}/${tmp_key}" 2>"$work/rcat.err"
statuses=("${PIPESTATUS[@]}")
set -e
wait

((statuses[0] == 0)) || die "pg_dumpall failed (exit ${statuses[0]}): $(last_line "$work/dump.err")"
((statuses[2] == 0)) || die "zstd failed (exit ${statuses[2]}): $(last_line "$work/zstd.err")"
((statuses[4] == 0)) || die "upload to ${BACKUP_S3_ENDPOINT} failed (exit ${statuses[4]}): $(last_line "$work/rcat.err")"
((statuses[1] == 0 && statuses[3] == 0)) || die "stream copy failed (tee exits ${statuses[1]}/${statuses[3]})"
tail -n 3 "$work/tail" | grep -qxF -- '-- PostgreSQL database cluster dump complete' ||
  die "dump incomplete: pg_dumpall output lacks its final '-- PostgreSQL database cluster dump complete' line"

raw_bytes="$(tr -d ' ' <"$work/raw.bytes")"
zst_bytes="$(tr -d ' ' <"$work/zst.bytes")"
sha256="$(cut -d' ' -f1 <"$work/zst.sha256")"
stored_bytes="$(object_bytes "${HUB}/${tmp_key}")" || die "uploaded object ${tmp_key} not found on the hub"
((stored_bytes == zst_bytes)) || die "uploaded object is ${stored_bytes} bytes, the stream was ${zst_bytes}"
log "phase=dump raw_bytes=${raw_bytes} bytes=${zst_bytes} seconds=$(seconds_since "$phase_ns")"

# --- commit: move into place, manifest, then the .sha256 marker last -------------------------
phase_ns="$(now_ns)"
rclone moveto "${HUB}/${tmp_key}" "${HUB}/${final_key}" 2>"$work/move.err" ||
  die "could not move ${tmp_key} to ${final_key}: $(last_line "$work/move.err")"
moved=1
duration="$(seconds_since "$started_ns")"
manifest="$(jq -n \
  --arg key "$final_key" --arg sha256 "$sha256" --argjson bytes "$zst_bytes" --argjson rawBytes "$raw_bytes" \
  --arg startedAt "$started_at" --arg finishedAt "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --argjson durationSeconds "$duration" \
  --arg pgDumpallVersion "$client_version" --argjson serverVersionNum "$server_num" \
  --argjson tableCounts "$table_counts" \
  '{key: $key, sha256: $sha256, bytes: $bytes, rawBytes: $rawBytes, startedAt: $startedAt, finishedAt: $finishedAt,
    durationSeconds: $durationSeconds, pgDumpallVersion: $pgDumpallVersion, serverVersionNum: $serverVersionNum,
    databases: ($tableCounts | keys), tableCounts: $tableCounts}')"
rclone rcat "${HUB}/${day_dir}/manifest.json" <<<"$manifest" 2>"$work/manifest.err" ||
  die "could not write ${day_dir}/manifest.json: $(last_line "$work/manifest.err")"
printf '%s  full.sql.zst\n' "$sha256" | rclone rcat "${HUB}/${final_key}.sha256" 2>"$work/marker.err" ||
  die "could not write the commit marker ${final_key}.sha256: $(last_line "$work/marker.err")"
log "phase=commit key=${final_key}.sha256 bytes=${zst_bytes} seconds=$(seconds_since "$phase_ns")"
log "backup OK key=${final_key} bytes=${zst_bytes} raw_bytes=${raw_bytes} sha256=${sha256} databases=${#databases[@]} seconds=${duration}"
