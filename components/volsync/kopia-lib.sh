# shellcheck shell=bash
# kopia-lib.sh — sourced by the Volsync maintenance scripts (shipped beside them). Builds the
# read-only `kopia repository connect` arguments from the environment: KOPIA_FS_PATH (filesystem
# repository) or BACKUP_S3_* plus [KOPIA_S3_PREFIX=kopia/]. Exports the S3 keys as kopia's own
# variables (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), so they never reach its command line.
# Sets KOPIA_CONNECT (array) and KOPIA_WHERE (for logs).
# shellcheck disable=SC2034 # KOPIA_WHERE is read by the sourcing script
kopia_connect_from_env() {
  if [[ -n "${KOPIA_FS_PATH:-}" ]]; then
    KOPIA_WHERE="filesystem ${KOPIA_FS_PATH}"
    KOPIA_CONNECT=(repository connect filesystem --path="$KOPIA_FS_PATH")
  else
    : "${BACKUP_S3_ENDPOINT:?BACKUP_S3_ENDPOINT is required (or KOPIA_FS_PATH)}"
    : "${BACKUP_S3_BUCKET:?BACKUP_S3_BUCKET is required}"
    : "${BACKUP_S3_ACCESS_KEY_ID:?BACKUP_S3_ACCESS_KEY_ID is required}"
    : "${BACKUP_S3_SECRET_ACCESS_KEY:?BACKUP_S3_SECRET_ACCESS_KEY is required}"
    export AWS_ACCESS_KEY_ID="$BACKUP_S3_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$BACKUP_S3_SECRET_ACCESS_KEY"
    local prefix="${KOPIA_S3_PREFIX:-kopia/}" hostport="${BACKUP_S3_ENDPOINT#*://}"
    KOPIA_WHERE="s3://${BACKUP_S3_BUCKET}/${prefix}"
    KOPIA_CONNECT=(repository connect s3 --bucket="$BACKUP_S3_BUCKET" --prefix="$prefix" --endpoint="${hostport%/}"
      --region="${BACKUP_S3_REGION:-us-east-1}")
    if [[ "$BACKUP_S3_ENDPOINT" == http://* ]]; then KOPIA_CONNECT+=(--disable-tls); fi
  fi
  KOPIA_CONNECT+=(--readonly)
}
