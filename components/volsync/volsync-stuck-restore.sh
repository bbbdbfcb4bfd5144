#!/usr/bin/env bash
# volsync-stuck-restore.sh — finds Volsync restores that are stuck (seed 002's detector). Logs only:
# it changes nothing in the cluster.
#
# Reads every ReplicationDestination from the Kubernetes API with the pod's service account. A
# destination whose manual trigger (e.g. `restore-once`) has not been reached
# (status.lastManualSync differs) is pending; one pending for THRESHOLD_MINUTES or more, counted
# from status.lastSyncStartTime (or its creation when it never started), is logged as
# `stuck restore <namespace>/<name>`. Exits 0 after a complete check, non-zero when it cannot check.
#
# Environment: [THRESHOLD_MINUTES=60]; [KUBE_API=https://kubernetes.default.svc];
# [SERVICE_ACCOUNT_DIR=/var/run/secrets/kubernetes.io/serviceaccount] (token, ca.crt).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../lib source=backup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/backup-lib.sh"

THRESHOLD_MINUTES="${THRESHOLD_MINUTES:-60}"
KUBE_API="${KUBE_API:-https://kubernetes.default.svc}"
SERVICE_ACCOUNT_DIR="${SERVICE_ACCOUNT_DIR:-/var/run/secrets/kubernetes.io/serviceaccount}"
[[ "$THRESHOLD_MINUTES" =~ ^[0-9]+$ ]] || die "THRESHOLD_MINUTES must be a whole number, not '${THRESHOLD_MINUTES}'"
[[ -r "$SERVICE_ACCOUNT_DIR/token" ]] || die "no service account token at ${SERVICE_ACCOUNT_DIR}/token"
require_commands curl jq
make_work_dir "${TMPDIR:-/tmp}"

# The token goes to curl in a header file, never on its command line.
(umask 077 && printf 'Authorization: Bearer %s\n' "$(cat "$SERVICE_ACCOUNT_DIR/token")" >"$WORK/auth")
tls=()
[[ -r "$SERVICE_ACCOUNT_DIR/ca.crt" ]] && tls=(--cacert "$SERVICE_ACCOUNT_DIR/ca.crt")
url="${KUBE_API%/}/apis/volsync.backube/v1alpha1/replicationdestinations"
started="$(now_ns)"
curl -sS --fail --max-time 30 "${tls[@]}" -H @"$WORK/auth" -o "$WORK/list.json" "$url" 2>"$WORK/curl.err" ||
  die "cannot list ReplicationDestinations: $(last_line "$WORK/curl.err")"

jq -r --argjson now "$(date -u +%s)" --argjson threshold "$THRESHOLD_MINUTES" '
  .items[]
  | select(.spec.trigger.manual != null and (.status.lastManualSync // "") != .spec.trigger.manual)
  | ((.status.lastSyncStartTime // .metadata.creationTimestamp) | fromdateiso8601) as $since
  | (($now - $since) / 60 | floor) as $minutes
  | [(if $minutes >= $threshold then "stuck" else "pending" end), .metadata.namespace, .metadata.name, .spec.trigger.manual, ($minutes | tostring)]
  | @tsv' "$WORK/list.json" >"$WORK/pending.tsv"

stuck=0
while IFS=$'\t' read -r state ns name trigger minutes; do
  if [[ "$state" == stuck ]]; then
    stuck=$((stuck + 1))
    log "stuck restore ${ns}/${name}: manual trigger '${trigger}' pending for ${minutes}m (threshold ${THRESHOLD_MINUTES}m)"
  else
    log "restore in progress ${ns}/${name}: manual trigger '${trigger}' pending for ${minutes}m"
  fi
done <"$WORK/pending.tsv"
total="$(jq '.items | length' "$WORK/list.json")"
log "checked ${total} ReplicationDestination(s): $(wc -l <"$WORK/pending.tsv") pending, ${stuck} stuck, in $(seconds_since "$started")s"
