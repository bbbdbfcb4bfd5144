#!/usr/bin/env bash
# volsync-verify.sh — the daily check of the Volsync Kopia repository (seed 002's backup verifier).
#
# Connects to the repository read-only, reports every snapshot source (<user>@<host>, i.e.
# <app>@<namespace>) with its snapshot count and newest snapshot, then runs
# `kopia snapshot verify`, which checks every snapshot's metadata and reads back a sample of file
# contents (VERIFY_FILES_PERCENT). Exits non-zero when the repository cannot be opened, when
# verification reports errors, or when an expected source has no snapshot at all.
#
# Environment: KOPIA_PASSWORD; the repository as either BACKUP_S3_* plus [KOPIA_S3_PREFIX=kopia/]
# (the hub's volsync bucket) or KOPIA_FS_PATH (a mounted filesystem repository);
# [VERIFY_FILES_PERCENT=5]; [EXPECTED_SOURCES] comma list of <app>@<namespace>.
# Credentials reach kopia through its environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
# KOPIA_PASSWORD), never its command line.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../lib source=backup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/backup-lib.sh"
# shellcheck source-path=SCRIPTDIR source=kopia-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/kopia-lib.sh"

: "${KOPIA_PASSWORD:?KOPIA_PASSWORD is required}"
VERIFY_FILES_PERCENT="${VERIFY_FILES_PERCENT:-5}"
[[ "$VERIFY_FILES_PERCENT" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "VERIFY_FILES_PERCENT must be a number, not '${VERIFY_FILES_PERCENT}'"
require_commands kopia jq
make_work_dir "${TMPDIR:-/tmp}"
kopia_flags=(--config-file="$WORK/repository.config" --cache-directory="$WORK/cache" --log-dir="$WORK/logs" --no-progress)

started="$(now_ns)"
kopia_connect_from_env
kopia "${kopia_flags[@]}" "${KOPIA_CONNECT[@]}" >"$WORK/connect.log" 2>&1 ||
  die "cannot open the Kopia repository at ${KOPIA_WHERE}: $(last_line "$WORK/connect.log")"
log "connected to ${KOPIA_WHERE} read-only in $(seconds_since "$started")s"

kopia "${kopia_flags[@]}" snapshot list --all --json >"$WORK/snapshots.json" 2>"$WORK/list.err" ||
  die "cannot list snapshots: $(last_line "$WORK/list.err")"
jq -r 'group_by(.source.userName + "@" + .source.host)[]
  | "source \(.[0].source.userName)@\(.[0].source.host): \(length) snapshot(s), newest \(map(.startTime) | max), \(map(.stats.totalSize // 0) | max) bytes"' \
  "$WORK/snapshots.json" | while IFS= read -r line; do log "$line"; done
sources="$(jq -r '[.[] | .source.userName + "@" + .source.host] | unique | length' "$WORK/snapshots.json")"
snapshots="$(jq -r 'length' "$WORK/snapshots.json")"

missing=0
IFS=',' read -r -a expected <<<"${EXPECTED_SOURCES:-}"
for source in "${expected[@]}"; do
  [[ -n "$source" ]] || continue
  if ! jq -e --arg s "$source" 'any(.[]; .source.userName + "@" + .source.host == $s)' "$WORK/snapshots.json" >/dev/null; then
    log "no snapshots for ${source}"
    missing=$((missing + 1))
  fi
done

verify_started="$(now_ns)"
if kopia "${kopia_flags[@]}" snapshot verify --verify-files-percent="$VERIFY_FILES_PERCENT" --file-parallelism=2 >"$WORK/verify.log" 2>&1; then
  log "verify OK: ${snapshots} snapshot(s) of ${sources} source(s), ${VERIFY_FILES_PERCENT}% of files read back in $(seconds_since "$verify_started")s"
else
  grep -i 'error' "$WORK/verify.log" | head -n 20 | while IFS= read -r line; do log "kopia: ${line}"; done
  die "verify failed: $(last_line "$WORK/verify.log")"
fi
((missing == 0)) || die "${missing} expected source(s) have no snapshots"
log "done in $(seconds_since "$started")s"
