#!/usr/bin/env bash
# rgw-mirror.sh — mirrors Ceph RGW buckets to the backup hub (contract 2).
#
#   <src-bucket>/<key>  ->  BACKUP_S3_BUCKET/<src-bucket>/<key>
#
# MIRROR_MODE=copy adds and updates, never deletes (run it first); MIRROR_MODE=sync also deletes
# what the source no longer has — after guards: a bucket whose source lists empty or cannot be
# listed while its mirror has objects is refused ("refusing to sync <bucket>"), and so is one whose
# pending deletions (computed from both listings before anything changes) exceed MAX_DELETE. Each
# bucket is verified with `rclone check` afterwards. A JSON report (per bucket: objects and bytes
# copied, deleted, errors; duration) goes to _reports/YYYY-MM-DD/<HHMMSS>.json on the hub.
# Exits non-zero when any bucket failed or was refused.
#
# Environment: BACKUP_S3_* (destination); SOURCE_S3_ENDPOINT SOURCE_S3_ACCESS_KEY_ID
# SOURCE_S3_SECRET_ACCESS_KEY [SOURCE_S3_REGION]; [RGW_BUCKETS] comma list, empty = every bucket
# the source credentials can list; [MIRROR_MODE=copy] copy|sync; [MAX_DELETE=100] per bucket;
# [MIRROR_TRANSFERS=4] [MIRROR_CHECKERS=8].
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../lib source=backup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/backup-lib.sh"

: "${SOURCE_S3_ENDPOINT:?SOURCE_S3_ENDPOINT is required}"
: "${SOURCE_S3_ACCESS_KEY_ID:?SOURCE_S3_ACCESS_KEY_ID is required}"
: "${SOURCE_S3_SECRET_ACCESS_KEY:?SOURCE_S3_SECRET_ACCESS_KEY is required}"
MIRROR_MODE="${MIRROR_MODE:-copy}"
MAX_DELETE="${MAX_DELETE:-100}"
MIRROR_TRANSFERS="${MIRROR_TRANSFERS:-4}"
MIRROR_CHECKERS="${MIRROR_CHECKERS:-8}"
[[ "$MIRROR_MODE" == copy || "$MIRROR_MODE" == sync ]] || die "MIRROR_MODE must be copy or sync, not '${MIRROR_MODE}'"
[[ "$MAX_DELETE" =~ ^[0-9]+$ ]] || die "MAX_DELETE must be a whole number, not '${MAX_DELETE}'"
hub_remote_from_env
s3_remote src Ceph "$SOURCE_S3_ENDPOINT" "${SOURCE_S3_REGION:-us-east-1}" "$SOURCE_S3_ACCESS_KEY_ID" "$SOURCE_S3_SECRET_ACCESS_KEY"
require_commands rclone jq sort comm wc
make_work_dir "${TMPDIR:-/tmp}"
hub_preflight

started_ns="$(now_ns)"
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
report_key="_reports/$(date -u +%Y-%m-%d)/$(date -u +%H%M%S).json"
# One recursive listing per side (--fast-list): fewer requests, and no reliance on the server's
# CommonPrefixes. Retries tolerate a flaky RGW; --delete-after deletes only once all copies are in.
transfer_flags=(--fast-list --checksum --retries 10 --retries-sleep 5s --low-level-retries 10
  --transfers "$MIRROR_TRANSFERS" --checkers "$MIRROR_CHECKERS"
  --use-json-log -v --stats 1h --stats-log-level NOTICE)
results='[]'
failed=0

# record BUCKET JSON-FIELDS — appends one bucket's result to the report.
record() {
  results="$(jq -c --arg b "$1" --argjson r "$2" '. + [{bucket: $b} + $r]' <<<"$results")"
}

# keys REMOTE-PATH FILE — sorted keys under a path; fails when the path cannot be listed.
keys() {
  rclone lsf -R --fast-list --files-only "$1" 2>"$WORK/list.err" | LC_ALL=C sort >"$2"
  return "${PIPESTATUS[0]}"
}

upload_report() {
  local status="$1"
  jq -n --arg mode "$MIRROR_MODE" --arg startedAt "$started_at" --arg finishedAt "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --argjson durationSeconds "$(seconds_since "$started_ns")" --arg result "$status" --argjson buckets "$results" \
    '{mode: $mode, result: $result, startedAt: $startedAt, finishedAt: $finishedAt, durationSeconds: $durationSeconds, buckets: $buckets}' |
    rclone rcat "${HUB}/${report_key}" 2>"$WORK/report.err" ||
    die "could not upload the report ${report_key}: $(rclone_cause "$WORK/report.err")"
  log "report ${report_key} result=${status} buckets=$(jq length <<<"$results")"
}

if [[ -n "${RGW_BUCKETS:-}" ]]; then
  IFS=',' read -r -a buckets <<<"${RGW_BUCKETS// /}"
else
  if ! listing="$(rclone lsf --dirs-only "src:" 2>"$WORK/list.err")"; then
    record "*" "$(jq -n --arg e "cannot list the source's buckets: $(rclone_cause "$WORK/list.err")" '{error: $e, errors: 1}')"
    upload_report failed
    die "cannot list the source's buckets at ${SOURCE_S3_ENDPOINT}: $(rclone_cause "$WORK/list.err")"
  fi
  mapfile -t buckets < <(grep -v '^$' <<<"${listing//\//}" || true)
fi
log "mirror mode=${MIRROR_MODE} buckets=${#buckets[@]} max_delete=${MAX_DELETE}"

for b in "${buckets[@]}"; do
  [[ -n "$b" ]] || continue
  bucket_ns="$(now_ns)"
  dest="${HUB}/${b}"
  keys "$dest" "$WORK/dst.keys" || {
    record "$b" "$(jq -n --arg e "cannot list the mirror: $(rclone_cause "$WORK/list.err")" '{error: $e, errors: 1}')"
    log "bucket=${b} FAILED: cannot list the mirror: $(rclone_cause "$WORK/list.err")"
    failed=1
    continue
  }
  mirrored="$(wc -l <"$WORK/dst.keys" | tr -d ' ')"
  if ! keys "src:${b}" "$WORK/src.keys"; then
    cause="$(rclone_cause "$WORK/list.err")"
    if [[ "$MIRROR_MODE" == sync && "$mirrored" -gt 0 ]]; then
      log "refusing to sync ${b}: the source cannot be listed (${cause}) while its mirror has ${mirrored} objects"
    else
      log "bucket=${b} FAILED: cannot list the source: ${cause}"
    fi
    record "$b" "$(jq -n --arg e "cannot list the source: ${cause}" --argjson m "$mirrored" '{error: $e, errors: 1, mirrorObjects: $m, deleted: 0}')"
    failed=1
    continue
  fi
  sourced="$(wc -l <"$WORK/src.keys" | tr -d ' ')"
  mode_flags=()
  if [[ "$MIRROR_MODE" == sync ]]; then
    pending="$(LC_ALL=C comm -13 "$WORK/src.keys" "$WORK/dst.keys" | wc -l | tr -d ' ')"
    refusal=""
    if ((sourced == 0 && mirrored > 0)); then
      refusal="the source lists empty while its mirror has ${mirrored} objects"
    elif ((pending > MAX_DELETE)); then
      refusal="${pending} deletions pending exceed MAX_DELETE=${MAX_DELETE}"
    fi
    if [[ -n "$refusal" ]]; then
      log "refusing to sync ${b}: ${refusal}"
      record "$b" "$(jq -n --arg e "refused: ${refusal}" --argjson s "$sourced" --argjson m "$mirrored" --argjson p "$pending" \
        '{error: $e, errors: 1, sourceObjects: $s, mirrorObjects: $m, pendingDeletes: $p, deleted: 0}')"
      failed=1
      continue
    fi
    mode_flags=(--delete-after --max-delete "$MAX_DELETE")
  fi

  set +e
  rclone "$MIRROR_MODE" "src:${b}" "$dest" "${transfer_flags[@]}" "${mode_flags[@]}" 2>"$WORK/run.log"
  rc=$?
  set -e
  stats="$(jq -c 'select(.stats) | .stats' "$WORK/run.log" 2>/dev/null | tail -n 1 || true)"
  [[ -n "$stats" ]] || stats='{}'
  check_flags=(--fast-list --checksum)
  if [[ "$MIRROR_MODE" == copy ]]; then check_flags+=(--one-way); fi
  error=""
  if ((rc != 0)); then
    error="rclone ${MIRROR_MODE} exited ${rc}: $(jq -r 'select(.level == "error") | .msg' "$WORK/run.log" 2>/dev/null | tail -n 1 || true)"
    check=skipped
    failed=1
  elif rclone check "src:${b}" "$dest" "${check_flags[@]}" >/dev/null 2>"$WORK/check.err"; then
    check=ok
  else
    check="differences: $(last_line "$WORK/check.err")"
    failed=1
  fi
  result="$(jq -n --argjson st "$stats" --arg check "$check" --arg error "$error" --argjson s "$sourced" --argjson m "$mirrored" \
    --argjson seconds "$(seconds_since "$bucket_ns")" \
    '{sourceObjects: $s, mirrorObjectsBefore: $m, copied: {objects: ($st.transfers // 0), bytes: ($st.bytes // 0)},
      deleted: ($st.deletes // 0), errors: (($st.errors // 0) + (if $error == "" then 0 else 1 end)), check: $check, seconds: $seconds}
     + (if $error == "" then {} else {error: $error} end)')"
  record "$b" "$result"
  log "bucket=${b} mode=${MIRROR_MODE} $(jq -r '"copied=\(.copied.objects) bytes=\(.copied.bytes) deleted=\(.deleted) errors=\(.errors) check=\(.check) seconds=\(.seconds)"' <<<"$result")"
done

if ((failed)); then
  upload_report failed
  die "mirror finished with failed or refused buckets (see ${report_key})"
fi
upload_report ok
log "mirror OK buckets=${#buckets[@]} seconds=$(seconds_since "$started_ns")"
