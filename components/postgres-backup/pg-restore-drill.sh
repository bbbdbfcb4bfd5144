#!/usr/bin/env bash
# pg-restore-drill.sh — weekly proof that the newest committed dump restores (contract 2).
#
# Picks the newest <prefix>/YYYY/MM/DD/full.sql.zst that has its .sha256 commit marker, downloads
# it, verifies the sha256 before touching PostgreSQL, restores it into an isolated scratch server
# under ON_ERROR_STOP, checks pg_dumpall's completion line, then runs smoke checks: SELECT 1, every
# EXPECTED_DATABASES present, per-database table counts equal to the backup's manifest. Ends with a
# one-line summary, also uploaded as JSON to <prefix>/_drills/ — a failed drill too, once the hub
# could be listed ({result: "failed", reason}), so the hub holds the last drill's real result.
#
# Log markers: "sha256 OK", "restore OK", "smoke OK"; failures: "sha256 mismatch",
# "no committed backup", "dump incomplete", "missing database <name>".
#
# Environment: BACKUP_S3_* and [BACKUP_PREFIX=postgresql-18] as pg-backup.sh; the scratch server
# via libpq PGHOST [PGPORT] PGUSER [PGPASSWORD]; EXPECTED_DATABASES (comma list);
# [DRILL_WORK_DIR=$TMPDIR] holds the compressed dump; [READY_TIMEOUT_SECONDS=300].
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../lib source=backup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/backup-lib.sh"
# shellcheck source-path=SCRIPTDIR source=pg-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/pg-lib.sh"

: "${PGHOST:?PGHOST is required}"
: "${PGUSER:?PGUSER is required}"
: "${EXPECTED_DATABASES:?EXPECTED_DATABASES is required}"
BACKUP_PREFIX="${BACKUP_PREFIX:-postgresql-18}"
READY_TIMEOUT_SECONDS="${READY_TIMEOUT_SECONDS:-300}"
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"
hub_remote_from_env
require_commands psql pg_isready zstd rclone jq sha256sum mkfifo tee tail awk

started_ns="$(now_ns)"
make_work_dir "${DRILL_WORK_DIR:-${TMPDIR:-/tmp}}"
hub_listed=0
reported=0
key=""
# On a failure after the hub was listed, the drill's result goes to the hub as well.
cleanup_hook() {
  ((hub_listed == 1 && reported == 0)) || return 0
  jq -n --arg reason "${FAILED_CAUSE:-exited before finishing}" --arg backup "$key" --arg finishedAt "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --argjson totalSeconds "$(seconds_since "$started_ns")" \
    '{result: "failed", reason: $reason, backup: (if $backup == "" then null else $backup end), totalSeconds: $totalSeconds, finishedAt: $finishedAt}' \
    >"$WORK/failure.json"
  # quiet when it works: the FAILED line stays the last line of the log
  rclone rcat "${HUB}/${BACKUP_PREFIX}/_drills/$(date -u +%Y-%m-%dT%H%M%SZ).json" <"$WORK/failure.json" 2>/dev/null ||
    log "could not upload the failure report to ${BACKUP_PREFIX}/_drills/"
}

# --- pick the newest committed backup ----------------------------------------------------------
phase_ns="$(now_ns)"
# One recursive listing (--fast-list), selected with grep: a directory walk needs the server's
# CommonPrefixes, which some S3 stand-ins (s3rver) do not return, and costs a request per day.
listing="$(rclone lsf -R --fast-list --files-only "${HUB}/${BACKUP_PREFIX}/" 2>"$WORK/list.err")" ||
  die "cannot list ${BACKUP_PREFIX}/ on the hub: $(rclone_cause "$WORK/list.err")"
hub_listed=1
while read -r day; do
  [[ -n "$day" ]] || continue
  if grep -qxF "${day}/full.sql.zst.sha256" <<<"$listing"; then
    key="${BACKUP_PREFIX}/${day}/full.sql.zst"
    break
  fi
  log "skipping ${BACKUP_PREFIX}/${day}/full.sql.zst: no commit marker (uncommitted)"
done < <(grep -E '^[0-9]{4}/[0-9]{2}/[0-9]{2}/full\.sql\.zst$' <<<"$listing" | sed 's#/full\.sql\.zst$##' | sort -r)
[[ -n "$key" ]] || die "no committed backup under ${BACKUP_PREFIX}/ (no full.sql.zst with its .sha256 marker)"
log "using backup ${key} (newest committed)"

# --- download and verify the sha256 before touching PostgreSQL --------------------------------
rclone copyto "${HUB}/${key}" "$WORK/full.sql.zst" 2>"$WORK/get.err" || die "cannot download ${key}: $(rclone_cause "$WORK/get.err")"
expected="$(rclone cat "${HUB}/${key}.sha256" 2>"$WORK/get.err" | awk 'NR == 1 { print $1 }')"
[[ "$expected" =~ ^[0-9a-f]{64}$ ]] || die "commit marker ${key}.sha256 is not a sha256sum line"
actual="$(sha256sum "$WORK/full.sql.zst" | cut -d' ' -f1)"
bytes="$(wc -c <"$WORK/full.sql.zst" | tr -d ' ')"
[[ "$actual" == "$expected" ]] || die "sha256 mismatch for ${key}: marker says ${expected}, object is ${actual}; PostgreSQL not touched"
log "sha256 OK key=${key} bytes=${bytes} seconds=$(seconds_since "$phase_ns")"

manifest="$(rclone cat "${HUB}/${key%/*}/manifest.json" 2>/dev/null || true)"
jq -e . >/dev/null 2>&1 <<<"$manifest" || {
  log "no readable manifest.json beside ${key}: table counts will not be compared"
  manifest='{}'
}

# --- version checks: psql must be at least the dump client's major, the server the dumped one's --
dump_client="$(jq -r '.pgDumpallVersion // empty' <<<"$manifest")"
psql_version="$(psql --version | awk '{print $3}')"
if [[ -n "$dump_client" ]] && (($(major_of "$psql_version") < $(major_of "$dump_client"))); then
  die "psql ${psql_version} is older than the dump's pg_dumpall ${dump_client}; use a toolbox image with PostgreSQL client >= $(major_of "$dump_client")"
fi

deadline=$((SECONDS + READY_TIMEOUT_SECONDS))
until pg_isready -q; do
  ((SECONDS < deadline)) || die "scratch PostgreSQL at ${PGHOST}:${PGPORT:-5432} not ready after ${READY_TIMEOUT_SECONDS}s"
  sleep 1
done
scratch_num="$(psql_q postgres "SHOW server_version_num")" ||
  die "cannot connect to the scratch PostgreSQL at ${PGHOST}:${PGPORT:-5432}: $(first_line "$WORK/psql.err")"
dumped_num="$(jq -r '.serverVersionNum // 0' <<<"$manifest")"
((scratch_num / 10000 >= dumped_num / 10000)) ||
  die "scratch PostgreSQL $((scratch_num / 10000)) is older than the dumped server $((dumped_num / 10000))"
bootstrap_role="$(psql_q postgres "SELECT quote_ident(current_user)")"

# --- restore under ON_ERROR_STOP --------------------------------------------------------------
# pg_dumpall re-creates every role, the scratch server's bootstrap superuser included: drop exactly
# that role's CREATE ROLE line (it exists) and its ALTER ROLE … WITH line (it would change the
# password this drill connects with). Any other SQL error stops the restore.
phase_ns="$(now_ns)"
mkfifo "$WORK/raw.tail"
tail -c 4096 <"$WORK/raw.tail" >"$WORK/tail" &
set +e
zstd -dc "$WORK/full.sql.zst" 2>"$WORK/zstd.err" |
  tee "$WORK/raw.tail" |
  awk -v create="CREATE ROLE ${bootstrap_role};" -v alter="ALTER ROLE ${bootstrap_role} WITH " '
    !c && $0 == create { c = 1; next }
    !a && index($0, alter) == 1 { a = 1; next }
    { print }' |
  psql -X -w -q -v ON_ERROR_STOP=1 -d postgres -o /dev/null -f - 2>"$WORK/restore.err"
statuses=("${PIPESTATUS[@]}")
set -e
wait
restore_seconds="$(seconds_since "$phase_ns")"
dump_complete "$WORK/tail" ||
  die "dump incomplete: ${key} lacks pg_dumpall's final '-- PostgreSQL database cluster dump complete' line"
((statuses[0] == 0)) || die "cannot decompress ${key}: $(last_line "$WORK/zstd.err")"
((statuses[3] == 0)) || die "restore failed: $(grep -m1 -E 'ERROR|FATAL' "$WORK/restore.err" || last_line "$WORK/restore.err")"
log "restore OK key=${key} raw_bytes=$(jq -r '.rawBytes // "unknown"' <<<"$manifest") seconds=${restore_seconds}"

# --- smoke checks -------------------------------------------------------------------------------
phase_ns="$(now_ns)"
[[ "$(psql_q postgres "SELECT 1")" == "1" ]] || die "smoke check SELECT 1 failed: $(first_line "$WORK/psql.err")"
mapfile -t restored < <(psql_q postgres "SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY 1")
IFS=',' read -r -a expected_dbs <<<"$EXPECTED_DATABASES"
for db in "${expected_dbs[@]}"; do
  db="${db#"${db%%[![:space:]]*}"}"
  db="${db%"${db##*[![:space:]]}"}"
  [[ -n "$db" ]] || continue
  printf '%s\n' "${restored[@]}" | grep -qxF -- "$db" || die "missing database ${db} in the restored cluster"
done
checked=0
while IFS=$'\t' read -r db want; do
  [[ -n "$db" ]] || continue
  got="$(psql_q "$db" "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")" ||
    die "missing database ${db} in the restored cluster (listed in the manifest)"
  ((got == want)) || die "table count mismatch in database ${db}: manifest ${want}, restored ${got}"
  checked=$((checked + 1))
done < <(jq -r '(.tableCounts // {}) | to_entries[] | "\(.key)\t\(.value)"' <<<"$manifest")
log "smoke OK databases=${#restored[@]} expected=${#expected_dbs[@]} table_counts_checked=${checked} seconds=$(seconds_since "$phase_ns")"

# --- summary --------------------------------------------------------------------------------------
summary="$(jq -n --arg backup "$key" --argjson bytes "$bytes" --argjson databases "${#restored[@]}" \
  --argjson restoreSeconds "$restore_seconds" --argjson totalSeconds "$(seconds_since "$started_ns")" \
  --arg finishedAt "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  '{result: "ok", backup: $backup, bytes: $bytes, databasesRestored: $databases, restoreSeconds: $restoreSeconds,
    totalSeconds: $totalSeconds, finishedAt: $finishedAt}')"
report="${BACKUP_PREFIX}/_drills/$(date -u +%Y-%m-%dT%H%M%SZ).json"
reported=1
rclone rcat "${HUB}/${report}" <<<"$summary" 2>"$WORK/report.err" || die "could not upload the drill report ${report}: $(rclone_cause "$WORK/report.err")"
log "drill OK backup=${key} bytes=${bytes} databases=${#restored[@]} restore_seconds=${restore_seconds} report=${report}"
