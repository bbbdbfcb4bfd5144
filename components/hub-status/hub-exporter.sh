#!/usr/bin/env bash
# hub-exporter.sh — the hub's ground truth as Prometheus metrics: every HUB_EXPORTER_INTERVAL_SECONDS
# it runs hub-facts.sh (read-only listings of each path's bucket) and renders the facts with
# facts.jq's `prometheus`; socat serves the last rendering on HUB_EXPORTER_PORT (any path, e.g.
# /metrics). Until the first listing finishes it serves only the exporter's own metrics. A failed
# collection keeps the previous metrics; backup_hub_collect_timestamp_seconds then stops moving
# (alert BackupHubExporterDown).
#
# Environment: as hub-facts.sh, plus [HUB_EXPORTER_PORT=9842] [HUB_EXPORTER_INTERVAL_SECONDS=300]
# [HUB_EXPORTER_STATE_DIR=$TMPDIR/hub-exporter].
# `hub-exporter.sh --respond FILE` answers one HTTP request on stdin/stdout with FILE (socat runs it).
set -euo pipefail

if [[ "${1:-}" == --respond ]]; then
  # read the request line and headers up to the blank line, then answer
  while IFS= read -r -t 5 line; do
    [[ "$line" == $'\r' || -z "$line" ]] && break
  done
  body="$(cat "$2" 2>/dev/null || true)"
  printf 'HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s\n' "$((${#body} + 1))" "$body"
  exit 0
fi

# shellcheck source-path=SCRIPTDIR/../lib source=backup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/backup-lib.sh"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="${HUB_EXPORTER_PORT:-9842}"
INTERVAL="${HUB_EXPORTER_INTERVAL_SECONDS:-300}"
STATE="${HUB_EXPORTER_STATE_DIR:-${TMPDIR:-/tmp}/hub-exporter}"
[[ "$PORT" =~ ^[0-9]+$ ]] || die "HUB_EXPORTER_PORT must be a port number, not '${PORT}'"
[[ "$INTERVAL" =~ ^[1-9][0-9]*$ ]] || die "HUB_EXPORTER_INTERVAL_SECONDS must be a positive whole number, not '${INTERVAL}'"
: "${HUB_PATHS:?HUB_PATHS is required}"
require_commands socat jq rclone
mkdir -p "$STATE"
metrics="$STATE/metrics.prom"
printf '# HELP backup_hub_collect_timestamp_seconds When the exporter last listed the hub\n# TYPE backup_hub_collect_timestamp_seconds gauge\n' >"$metrics"

# Each connection gets its own responder process (fork); they only read $metrics, which is
# replaced atomically (mv), so a scrape never sees half a rendering.
socat "TCP-LISTEN:${PORT},reuseaddr,fork" "EXEC:bash ${here}/hub-exporter.sh --respond ${metrics}" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
trap 'exit 0' TERM INT
log "hub exporter listening on :${PORT}, collecting every ${INTERVAL}s"

while true; do
  t="$(now_ns)"
  if bash "${here}/hub-facts.sh" >"$STATE/facts.json" 2>"$STATE/facts.err"; then
    jq -r -L "$here" --argjson seconds "$(seconds_since "$t")" 'include "facts"; prometheus($seconds)' "$STATE/facts.json" >"$metrics.tmp"
    mv -f "$metrics.tmp" "$metrics"
    log "collected $(jq -r '[.paths[] | "\(.path)=\(.verdict)"] | join(" ")' "$STATE/facts.json") seconds=$(seconds_since "$t")"
  else
    log "collection failed (previous metrics kept): $(last_line "$STATE/facts.err")"
  fi
  kill -0 "$server" 2>/dev/null || die "the HTTP server (socat) exited"
  sleep "$INTERVAL" &
  wait $! || true
done
