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
# shellcheck source-path=SCRIPTDIR source=kopia-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/kopia-lib.sh"

: "${KOPIA_PASSWORD:?KOPIA_PASSWORD is required}"
UI_PORT="${UI_PORT:-51515}"
require_commands kopia
make_work_dir "${TMPDIR:-/tmp}"
flags=(--config-file="$WORK/repository.config" --cache-directory="$WORK/cache" --log-dir="$WORK/logs")
kopia_connect_from_env
kopia "${flags[@]}" "${KOPIA_CONNECT[@]}"
log "serving the Kopia UI read-only on :${UI_PORT} (unauthenticated; ClusterIP only)"
exec kopia "${flags[@]}" server start --insecure --without-password --address="0.0.0.0:${UI_PORT}" --ui
