#!/usr/bin/env bash
# hub-facts.sh — what is committed on the backup hub, per backup path, as one JSON document
# (facts.jq). Lists each enabled path's bucket with read-only credentials (one recursive listing
# with the hub's own upload times), fetches a Postgres path's newest restore-drill report, and
# never writes to the hub. Run by hub-exporter.sh in the cluster and by `npm run status`.
#
# Environment: BACKUP_S3_ENDPOINT BACKUP_S3_ACCESS_KEY_ID BACKUP_S3_SECRET_ACCESS_KEY
# [BACKUP_S3_REGION] [BACKUP_S3_CA_FILE]; HUB_PATHS, a JSON array of {path, bucket, enabled, kind,
# prefix?, maxAgeSeconds} (components/hub-status/paths.ts); [HUB_FACTS_PROGRESS=1] prints a
# progress line per bucket on stderr. Prints the facts on stdout; exits non-zero only when it
# cannot run at all (a bucket that cannot be listed is a MISSING row, not an error).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../lib source=backup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/backup-lib.sh"

: "${HUB_PATHS:?HUB_PATHS is required}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# hub_remote_from_env wants a bucket; each path names its own.
export BACKUP_S3_BUCKET="${BACKUP_S3_BUCKET:-unused}"
hub_remote_from_env
require_commands rclone jq date
make_work_dir "${TMPDIR:-/tmp}"
jq -e 'type == "array"' >/dev/null 2>&1 <<<"$HUB_PATHS" || die "HUB_PATHS is not a JSON array"

progress() {
  if [[ "${HUB_FACTS_PROGRESS:-0}" == 1 ]]; then printf '%s\n' "$*" >&2; fi
}

n=0
while IFS= read -r p; do
  n=$((n + 1))
  bucket="$(jq -r .bucket <<<"$p")"
  entry="$WORK/entry-$(printf '%03d' "$n").json"
  if [[ "$(jq -r .enabled <<<"$p")" != true ]]; then
    jq -c '. + {listing: [], drill: null}' <<<"$p" >"$entry"
    continue
  fi
  progress "listing ${bucket} ..."
  t="$(now_ns)"
  if ! rclone lsjson -R --fast-list --files-only --use-server-modtime "hub:${bucket}" >"$WORK/listing.json" 2>"$WORK/list.err"; then
    cause="$(rclone_cause "$WORK/list.err")"
    progress "listing ${bucket} failed: ${cause}"
    jq -c --arg e "cannot list ${bucket}: ${cause}" '. + {listing: null, error: $e, drill: null}' <<<"$p" >"$entry"
    continue
  fi
  progress "listed ${bucket}: $(jq length "$WORK/listing.json") objects in $(seconds_since "$t") s"
  drill=null
  if [[ "$(jq -r .kind <<<"$p")" == postgres ]]; then
    key="$(jq -r -L "$here" --argjson p "$p" 'include "facts"; newest_drill_key($p) // empty' "$WORK/listing.json")"
    if [[ -n "$key" ]] && rclone cat "hub:${bucket}/${key}" >"$WORK/drill.json" 2>/dev/null && jq -e 'type == "object"' "$WORK/drill.json" >/dev/null 2>&1; then
      drill="$(jq -c . "$WORK/drill.json")"
    fi
  fi
  jq -c --slurpfile listing "$WORK/listing.json" --argjson drill "$drill" '. + {listing: $listing[0], drill: $drill}' <<<"$p" >"$entry"
done < <(jq -c '.[]' <<<"$HUB_PATHS")

if ((n == 0)); then
  jq -n --argjson now "$(date +%s)" '{now: $now, paths: []}'
else
  jq -s -L "$here" --argjson now "$(date +%s)" 'include "facts"; {now: $now, paths: .} | facts' "$WORK"/entry-*.json
fi
