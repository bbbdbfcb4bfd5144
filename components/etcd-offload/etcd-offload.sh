#!/usr/bin/env bash
# etcd-offload.sh — uploads each new, verified k3s etcd snapshot to the backup hub (contract 2).
# Run by etcd-offload.service (oneshot, from etcd-offload.timer) on every control-plane node.
#
# For each snapshot in SNAPSHOT_DIR, oldest first: skip *.part/*.tmp, files younger than
# MIN_AGE_SECONDS, and files the state directory already records; verify the snapshot (an etcd
# snapshot ends with the sha256 of everything before it); upload <node>/<file>, then
# <node>/<file>.sha256; record it. A corrupt snapshot is logged ("corrupt snapshot <file>"), not
# uploaded, not recorded, and makes the run fail — the good ones still upload. A snapshot whose
# .sha256 is already on the hub is recorded, never overwritten. The k3s server token (needed to
# restore on a new host, however old the snapshot) is uploaded to <node>/server-token unless
# UPLOAD_TOKEN=false: when it changed, when the hub no longer has it (the bucket's lifecycle expires
# current objects), and when the hub's copy is older than TOKEN_REFRESH_SECONDS — so set that below
# the hub's expiry and the token never expires.
#
# Environment: BACKUP_S3_ENDPOINT BACKUP_S3_BUCKET [BACKUP_S3_REGION]; the keys either as
# BACKUP_S3_ACCESS_KEY_ID/BACKUP_S3_SECRET_ACCESS_KEY or as files backup-s3-access-key-id /
# backup-s3-secret-access-key in $CREDENTIALS_DIRECTORY (systemd LoadCredential=);
# [SNAPSHOT_DIR=/var/lib/rancher/k3s/server/db/snapshots] [STATE_DIRECTORY=/var/lib/etcd-offload]
# [NODE_NAME=$(hostname -s)] [MIN_AGE_SECONDS=120] [TOKEN_FILE=/var/lib/rancher/k3s/server/token]
# [UPLOAD_TOKEN=true] [TOKEN_REFRESH_SECONDS=604800] [TEXTFILE_DIR] for node-exporter's textfile
# collector: etcd_offload.prom is written there mode 0644 (node-exporter runs as another user).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../lib source=backup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/backup-lib.sh"

SNAPSHOT_DIR="${SNAPSHOT_DIR:-/var/lib/rancher/k3s/server/db/snapshots}"
STATE_DIRECTORY="${STATE_DIRECTORY:-/var/lib/etcd-offload}"
STATE_DIRECTORY="${STATE_DIRECTORY%%:*}" # systemd may pass several, colon-separated
MIN_AGE_SECONDS="${MIN_AGE_SECONDS:-120}"
TOKEN_FILE="${TOKEN_FILE:-/var/lib/rancher/k3s/server/token}"
UPLOAD_TOKEN="${UPLOAD_TOKEN:-true}"
TOKEN_REFRESH_SECONDS="${TOKEN_REFRESH_SECONDS:-604800}"
[[ "$MIN_AGE_SECONDS" =~ ^[0-9]+$ ]] || die "MIN_AGE_SECONDS must be a whole number of seconds, not '${MIN_AGE_SECONDS}'"
[[ "$TOKEN_REFRESH_SECONDS" =~ ^[0-9]+$ ]] || die "TOKEN_REFRESH_SECONDS must be a whole number of seconds, not '${TOKEN_REFRESH_SECONDS}'"

# Keys from systemd credentials when the environment does not carry them.
if [[ -z "${BACKUP_S3_ACCESS_KEY_ID:-}" && -n "${CREDENTIALS_DIRECTORY:-}" && -r "${CREDENTIALS_DIRECTORY}/backup-s3-access-key-id" ]]; then
  BACKUP_S3_ACCESS_KEY_ID="$(<"${CREDENTIALS_DIRECTORY}/backup-s3-access-key-id")"
  export BACKUP_S3_ACCESS_KEY_ID
fi
if [[ -z "${BACKUP_S3_SECRET_ACCESS_KEY:-}" && -n "${CREDENTIALS_DIRECTORY:-}" && -r "${CREDENTIALS_DIRECTORY}/backup-s3-secret-access-key" ]]; then
  BACKUP_S3_SECRET_ACCESS_KEY="$(<"${CREDENTIALS_DIRECTORY}/backup-s3-secret-access-key")"
  export BACKUP_S3_SECRET_ACCESS_KEY
fi
hub_remote_from_env
require_commands rclone sha256sum od head tail stat date awk
NODE_NAME="${NODE_NAME:-$(hostname -s)}"
[[ -d "$SNAPSHOT_DIR" ]] || die "snapshot directory ${SNAPSHOT_DIR} does not exist"
mkdir -p "${STATE_DIRECTORY}/uploaded"
make_work_dir "${TMPDIR:-/tmp}"
hub_preflight

started_ns="$(now_ns)"
uploaded=0
skipped=0
corrupt=0
failed=0
first_failure=""

# True when the file's last 32 bytes are the sha256 of the bytes before them.
snapshot_intact() {
  local f="$1" size embedded actual
  size="$(stat -c %s "$f")"
  ((size > 32)) || return 1
  embedded="$(tail -c 32 "$f" | od -An -v -tx1 | tr -d ' \n')"
  actual="$(head -c "$((size - 32))" "$f" | sha256sum | cut -d' ' -f1)"
  [[ "$embedded" == "$actual" ]]
}

# upload FILE KEY [rclone flags...] — copies one local file to the hub, logging bytes and seconds.
upload() {
  local t
  t="$(now_ns)"
  rclone copyto "${@:3}" "$1" "${HUB}/$2" 2>"$WORK/upload.err" || return 1
  log "uploaded ${2} bytes=$(stat -c %s "$1") seconds=$(seconds_since "$t")"
}

now="$(date +%s)"
while IFS= read -r -d '' path; do
  file="${path##*/}"
  case "$file" in
    *.part | *.tmp)
      log "skipping ${file}: in progress"
      skipped=$((skipped + 1))
      continue
      ;;
    *.zip)
      log "skipping ${file}: compressed snapshots are not verified (turn off --etcd-snapshot-compress)"
      skipped=$((skipped + 1))
      continue
      ;;
  esac
  [[ -e "${STATE_DIRECTORY}/uploaded/${file}" ]] && continue
  age=$((now - $(stat -c %Y "$path")))
  if ((age < MIN_AGE_SECONDS)); then
    log "skipping ${file}: modified ${age}s ago (MIN_AGE_SECONDS=${MIN_AGE_SECONDS})"
    skipped=$((skipped + 1))
    continue
  fi
  if ! snapshot_intact "$path"; then
    log "corrupt snapshot ${file}: its embedded sha256 does not match; not uploaded"
    corrupt=$((corrupt + 1))
    continue
  fi
  key="${NODE_NAME}/${file}"
  if rclone lsf "${HUB}/${key}.sha256" 2>/dev/null | grep -qxF "${file}.sha256"; then
    log "already on the hub: ${key} (recorded, not overwritten)"
    sha256sum "$path" | cut -d' ' -f1 >"${STATE_DIRECTORY}/uploaded/${file}"
    continue
  fi
  sha="$(sha256sum "$path" | cut -d' ' -f1)"
  printf '%s  %s\n' "$sha" "$file" >"$WORK/${file}.sha256"
  if upload "$path" "$key" && upload "$WORK/${file}.sha256" "${key}.sha256"; then
    printf '%s\n' "$sha" >"${STATE_DIRECTORY}/uploaded/${file}"
    uploaded=$((uploaded + 1))
  else
    cause="$(rclone_cause "$WORK/upload.err")"
    first_failure="${first_failure:-upload of ${key}: ${cause}}"
    log "upload of ${key} failed: ${cause}"
    failed=$((failed + 1))
  fi
done < <(find "$SNAPSHOT_DIR" -maxdepth 1 -type f -printf '%T@ %p\0' | sort -zn | cut -zd' ' -f2-)

# Why the server token must be uploaded now, or nothing (its content is never logged).
token_upload_reason() {
  local token_sha="$1" listing hub_epoch age
  [[ "$(cat "${STATE_DIRECTORY}/server-token.sha256" 2>/dev/null || true)" == "$token_sha" ]] || {
    echo "changed since the last upload"
    return
  }
  # Upload time as the hub records it (rclone's own mtime metadata would be the file's mtime).
  listing="$(rclone lsl --use-server-modtime "${HUB}/${NODE_NAME}/server-token" 2>/dev/null || true)"
  if [[ -z "$listing" ]]; then
    echo "missing on the hub"
    return
  fi
  hub_epoch="$(date -d "$(awk 'NR == 1 { print $2, $3 }' <<<"$listing")" +%s)"
  age=$(($(date +%s) - hub_epoch))
  if ((age >= TOKEN_REFRESH_SECONDS)); then echo "hub copy is ${age}s old (TOKEN_REFRESH_SECONDS=${TOKEN_REFRESH_SECONDS})"; fi
}

if [[ "$UPLOAD_TOKEN" == true && -r "$TOKEN_FILE" ]]; then
  token_sha="$(sha256sum "$TOKEN_FILE" | cut -d' ' -f1)"
  reason="$(token_upload_reason "$token_sha")"
  if [[ -n "$reason" ]]; then
    # --ignore-times: an unchanged token has the same size and mtime as the hub's copy, and rclone
    # would skip it — the refresh must write a new current version, or the lifecycle expires it.
    if upload "$TOKEN_FILE" "${NODE_NAME}/server-token" --ignore-times; then
      log "server token uploaded: ${reason}"
      printf '%s\n' "$token_sha" >"${STATE_DIRECTORY}/server-token.sha256"
    else
      cause="$(rclone_cause "$WORK/upload.err")"
      first_failure="${first_failure:-upload of ${NODE_NAME}/server-token: ${cause}}"
      log "upload of ${NODE_NAME}/server-token failed: ${cause}"
      failed=$((failed + 1))
    fi
  fi
elif [[ "$UPLOAD_TOKEN" == true ]]; then
  log "server token ${TOKEN_FILE} not readable: not uploaded"
fi

summary="node=${NODE_NAME} uploaded=${uploaded} skipped=${skipped} corrupt=${corrupt} failed=${failed} seconds=$(seconds_since "$started_ns")"
((corrupt == 0 && failed == 0)) || die "offload incomplete: ${summary}${first_failure:+; first failure: ${first_failure}}"
if [[ -n "${TEXTFILE_DIR:-}" ]]; then
  {
    echo "# HELP etcd_offload_last_success_timestamp_seconds Unix time of the last etcd-offload run that uploaded every new snapshot."
    echo "# TYPE etcd_offload_last_success_timestamp_seconds gauge"
    echo "etcd_offload_last_success_timestamp_seconds{node=\"${NODE_NAME}\"} $(date +%s)"
  } >"${TEXTFILE_DIR}/etcd_offload.prom.$$"
  # node-exporter runs as another user (nobody): the metric must be world-readable whatever the umask.
  chmod 0644 "${TEXTFILE_DIR}/etcd_offload.prom.$$"
  mv -f "${TEXTFILE_DIR}/etcd_offload.prom.$$" "${TEXTFILE_DIR}/etcd_offload.prom"
fi
log "offload OK ${summary}"
