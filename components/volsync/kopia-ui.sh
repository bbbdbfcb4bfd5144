#!/usr/bin/env bash
# kopia-ui.sh — serves Kopia's web UI over the Volsync repository, read-only, for browsing
# snapshots. The UI has NO authentication: its Service is ClusterIP only; reach it with
# `kubectl port-forward` (README "Volsync").
#
# Environment: as volsync-verify.sh (KOPIA_PASSWORD and BACKUP_S3_* + [KOPIA_S3_PREFIX] or
# KOPIA_FS_PATH); [UI_PORT=51515].
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../lib source=backup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/backup-lib.sh"

: "${KOPIA_PASSWORD:?KOPIA_PASSWORD is required}"
UI_PORT="${UI_PORT:-51515}"
KOPIA_S3_PREFIX="${KOPIA_S3_PREFIX:-kopia/}"
require_commands kopia
make_work_dir "${TMPDIR:-/tmp}"
flags=(--config-file="$WORK/repository.config" --cache-directory="$WORK/cache" --log-dir="$WORK/logs")
if [[ -n "${KOPIA_FS_PATH:-}" ]]; then
  kopia "${flags[@]}" repository connect filesystem --path="$KOPIA_FS_PATH" --readonly
else
  : "${BACKUP_S3_ENDPOINT:?BACKUP_S3_ENDPOINT is required (or KOPIA_FS_PATH)}"
  : "${BACKUP_S3_BUCKET:?BACKUP_S3_BUCKET is required}"
  export AWS_ACCESS_KEY_ID="${BACKUP_S3_ACCESS_KEY_ID:?BACKUP_S3_ACCESS_KEY_ID is required}"
  export AWS_SECRET_ACCESS_KEY="${BACKUP_S3_SECRET_ACCESS_KEY:?BACKUP_S3_SECRET_ACCESS_KEY is required}"
  hostport="${BACKUP_S3_ENDPOINT#*://}"
  tls=()
  [[ "$BACKUP_S3_ENDPOINT" == http://* ]] && tls=(--disable-tls)
  kopia "${flags[@]}" repository connect s3 --bucket="$BACKUP_S3_BUCKET" --prefix="$KOPIA_S3_PREFIX" \
    --endpoint="${hostport%/}" --region="${BACKUP_S3_REGION:-us-east-1}" "${tls[@]}" --readonly
fi
log "serving the Kopia UI read-only on :${UI_PORT} (unauthenticated; ClusterIP only)"
exec kopia "${flags[@]}" server start --insecure --without-password --address="0.0.0.0:${UI_PORT}" --ui
