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
# [ZSTD_LEVEL=1] [S3_CHUNK_SIZE=64Mi: x 10,000 parts = 625 GiB streamed ceiling].
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../lib source=backup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/backup-lib.sh"
# shellcheck source-path=SCRIPTDIR source=pg-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/pg-lib.sh"

: "${PGHOST:?PGHOST is required}"
: "${PGUSER:?PGUSER is required}"
BACKUP_PREFIX="${BACKUP_PREFIX:-postgresql-18}"
ZSTD_LEVEL="${ZSTD_LEVEL:-1}"
S3_CHUNK_SIZE="${S3_CHUNK_SIZE:-64Mi}"
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"
hub_remote_from_env
require_commands pg_dumpall psql zstd rclone jq sha256sum mkfifo tee tail sed

started_ns="$(now_ns)"
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
run_id="$(date -u +%Y%m%dT%H%M%SZ)-$$"
day_dir="${BACKUP_PREFIX}/$(date -u +%Y/%m/%d)"
final_key="${day_dir}/full.sql.zst"
tmp_key="_tmp/${BACKUP_PREFIX}/${run_id}/full.sql.zst"
moved=0
make_work_dir "${TMPDIR:-/tmp}"
cleanup_hook() { # the temporary object goes unless it was moved into place
  if ((moved == 0)); then rclone deletefile "${HUB}/${tmp_key}" >/dev/null 2>&1 || true; fi
}

# --- preflight: tools, versions, database inventory, hub reachable ---------------------------
phase_ns="$(now_ns)"
server_num="$(psql_q "${PGDATABASE:-postgres}" "SHOW server_version_num")" ||
  die "cannot connect to PostgreSQL at ${PGHOST}:${PGPORT:-5432} as ${PGUSER}: $(first_line "$WORK/psql.err")"
server_major=$((server_num / 10000))
client_version="$(pg_dumpall --version | awk '{print $3}')"
client_major="${client_version%%.*}"
((client_major >= server_major)) ||
  die "pg_dumpall ${client_version} is older than the server (PostgreSQL ${server_major}); use a toolbox image with PostgreSQL client >= ${server_major}"

mapfile -t databases < <(psql_q "${PGDATABASE:-postgres}" "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1")
table_counts='{}'
for db in "${databases[@]}"; do
  n="$(psql_q "$db" "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")" ||
    die "cannot count tables in database ${db}: $(first_line "$WORK/psql.err")"
  table_counts="$(jq -c --arg db "$db" --argjson n "$n" '. + {($db): $n}' <<<"$table_counts")"
done

hub_preflight
log "phase=preflight server=${server_major} client=${client_version} databases=${#databases[@]} bytes=0 seconds=$(seconds_since "$phase_ns")"

# --- dump: pg_dumpall | zstd | rclone rcat, with tail/size/sha256 taken from the same stream ----
phase_ns="$(now_ns)"
# Every tap costs CPU that a small node lacks (bench/results/postgres.json), so there are two: the
# raw stream's last bytes (the completion line) and the compressed stream's sha256. Sizes come
# from zstd's own summary (-vv: "(<raw> B => <compressed> B").
mkfifo "$WORK/raw.tail" "$WORK/zst.sha"
tail -c 4096 <"$WORK/raw.tail" >"$WORK/tail" &
sha256sum <"$WORK/zst.sha" >"$WORK/zst.sha256" &
set +e
pg_dumpall -w 2>"$WORK/dump.err" |
  tee "$WORK/raw.tail" |
  zstd -vv -T0 "-${ZSTD_LEVEL}" -c --no-progress 2>"$WORK/zstd.err" |
  tee "$WORK/zst.sha" |
  rclone rcat --s3-chunk-size "$S3_CHUNK_SIZE" --s3-upload-concurrency 2 "${HUB}/${tmp_key}" 2>"$WORK/rcat.err"
statuses=("${PIPESTATUS[@]}")
set -e
wait

# The upload first: when it dies, everything upstream dies of SIGPIPE (exit 141) and would be blamed.
((statuses[4] == 0)) || die "upload to ${BACKUP_S3_ENDPOINT} failed (exit ${statuses[4]}): $(rclone_cause "$WORK/rcat.err")"
((statuses[0] == 0)) || die "pg_dumpall failed (exit ${statuses[0]}): $(last_line "$WORK/dump.err")"
((statuses[2] == 0)) || die "zstd failed (exit ${statuses[2]}): $(grep -v '^\*\*\*\|B of memory\|B =>' "$WORK/zstd.err" | tail -n 1)"
((statuses[1] == 0 && statuses[3] == 0)) || die "stream copy failed (tee exits ${statuses[1]}/${statuses[3]})"
dump_complete "$WORK/tail" ||
  die "dump incomplete: pg_dumpall output lacks its final '-- PostgreSQL database cluster dump complete' line"

read -r raw_bytes zst_bytes < <(sed -n 's/.*( *\([0-9]*\) B => *\([0-9]*\) B.*/\1 \2/p' "$WORK/zstd.err" | tail -n 1) || true
sha256="$(cut -d' ' -f1 <"$WORK/zst.sha256")"
[[ "$sha256" =~ ^[0-9a-f]{64}$ ]] || die "no sha256 was taken of the stream; nothing committed"
stored_bytes="$(object_bytes "${HUB}/${tmp_key}")" || die "uploaded object ${tmp_key} not found on the hub"
if [[ -n "${zst_bytes:-}" ]]; then
  ((stored_bytes == zst_bytes)) || die "uploaded object is ${stored_bytes} bytes, zstd wrote ${zst_bytes}"
else
  log "upload size not cross-checked: zstd printed no size summary"
  raw_bytes=null
fi
zst_bytes="$stored_bytes"
log "phase=dump raw_bytes=${raw_bytes} bytes=${zst_bytes} seconds=$(seconds_since "$phase_ns")"

# --- commit: move into place, manifest, then the .sha256 marker last -------------------------
phase_ns="$(now_ns)"
rclone moveto "${HUB}/${tmp_key}" "${HUB}/${final_key}" 2>"$WORK/move.err" ||
  die "could not move ${tmp_key} to ${final_key}: $(rclone_cause "$WORK/move.err")"
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
rclone rcat "${HUB}/${day_dir}/manifest.json" <<<"$manifest" 2>"$WORK/manifest.err" ||
  die "could not write ${day_dir}/manifest.json: $(rclone_cause "$WORK/manifest.err")"
printf '%s  full.sql.zst\n' "$sha256" | rclone rcat "${HUB}/${final_key}.sha256" 2>"$WORK/marker.err" ||
  die "could not write the commit marker ${final_key}.sha256: $(rclone_cause "$WORK/marker.err")"
log "phase=commit key=${final_key}.sha256 bytes=${zst_bytes} seconds=$(seconds_since "$phase_ns")"
log "backup OK key=${final_key} bytes=${zst_bytes} raw_bytes=${raw_bytes} sha256=${sha256} databases=${#databases[@]} seconds=${duration}"
