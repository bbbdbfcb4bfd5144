# shellcheck shell=bash
# backup-lib.sh — sourced by every payload script (shipped beside them). Logging, timing and the
# hub's rclone remote, configured only from the environment (contract 2). Secrets stay in the
# environment: never on a command line, never logged.

# One log line: UTC timestamp, then the message. Everything goes to stdout (kubectl logs, journal).
log() {
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"
}

# Logs a one-line cause and exits non-zero (default 1). The cause stays in FAILED_CAUSE for the
# script's cleanup_hook (e.g. a failure report).
die() {
  # shellcheck disable=SC2034 # read by the sourcing script's cleanup_hook
  FAILED_CAUSE="$1"
  log "FAILED: $1"
  exit "${2:-1}"
}

# Creates a private work directory under $1 (default $TMPDIR) in WORK. On exit, background jobs are
# stopped, the script's own `cleanup_hook` runs if it defines one, and WORK is removed; the exit
# status is preserved.
make_work_dir() {
  WORK="$(mktemp -d "${1:-${TMPDIR:-/tmp}}/$(basename "$0" .sh).XXXXXX")"
  trap _on_exit EXIT
  # A hub behind a private CA: rclone 1.60's --ca-cert takes one file and replaces the system
  # roots, so it gets the system bundle (other endpoints, e.g. an RGW source) plus the hub's CA.
  if [[ -n "${BACKUP_S3_CA_FILE:-}" ]]; then
    cat ${SYSTEM_CA_BUNDLE:+"$SYSTEM_CA_BUNDLE"} "$BACKUP_S3_CA_FILE" >"$WORK/ca.pem"
    export RCLONE_CA_CERT="$WORK/ca.pem"
  fi
}
# The distribution's trust store (Debian/Ubuntu path); override for tests or other distributions.
SYSTEM_CA_BUNDLE="${SYSTEM_CA_BUNDLE-/etc/ssl/certs/ca-certificates.crt}"
[[ -r "$SYSTEM_CA_BUNDLE" ]] || SYSTEM_CA_BUNDLE=""
_on_exit() {
  local rc=$?
  jobs -p | xargs -r kill 2>/dev/null || true
  if declare -F cleanup_hook >/dev/null; then cleanup_hook || true; fi
  rm -rf "$WORK"
  exit "$rc"
}

# Nanosecond clock and seconds elapsed since a value it returned (one decimal).
now_ns() {
  date +%s%N
}
seconds_since() {
  awk -v s="$1" -v e="$(date +%s%N)" 'BEGIN { printf "%.1f", (e - s) / 1e9 }'
}

# Fails with the missing command's name when a tool the script needs is absent.
require_commands() {
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 || die "required command not found: ${cmd}"
  done
}

# s3_remote NAME PROVIDER ENDPOINT REGION KEY_ID SECRET — defines rclone remote `<name>:` through
# the environment only (path-style: the hub and RGW are addressed by IP or service name).
s3_remote() {
  local p="RCLONE_CONFIG_${1^^}_"
  export RCLONE_CONFIG=/dev/null
  export "${p}TYPE=s3" "${p}PROVIDER=$2" "${p}ENDPOINT=$3" "${p}REGION=$4" "${p}FORCE_PATH_STYLE=true"
  export "${p}ACCESS_KEY_ID=$5" "${p}SECRET_ACCESS_KEY=$6"
}

# Configures rclone remote `hub:` from BACKUP_S3_* (no bucket creation, bounded timeouts and
# retries so an unreachable hub fails in bounded time), and HUB, the bucket's remote path.
hub_remote_from_env() {
  : "${BACKUP_S3_ENDPOINT:?BACKUP_S3_ENDPOINT is required}"
  : "${BACKUP_S3_BUCKET:?BACKUP_S3_BUCKET is required}"
  : "${BACKUP_S3_ACCESS_KEY_ID:?BACKUP_S3_ACCESS_KEY_ID is required}"
  : "${BACKUP_S3_SECRET_ACCESS_KEY:?BACKUP_S3_SECRET_ACCESS_KEY is required}"
  if [[ -n "${BACKUP_S3_CA_FILE:-}" && ! -r "$BACKUP_S3_CA_FILE" ]]; then
    die "BACKUP_S3_CA_FILE ${BACKUP_S3_CA_FILE} is not readable"
  fi
  s3_remote hub Minio "$BACKUP_S3_ENDPOINT" "${BACKUP_S3_REGION:-us-east-1}" "$BACKUP_S3_ACCESS_KEY_ID" "$BACKUP_S3_SECRET_ACCESS_KEY"
  export RCLONE_S3_NO_CHECK_BUCKET=true
  export RCLONE_CONTIMEOUT="${RCLONE_CONTIMEOUT:-10s}"
  export RCLONE_TIMEOUT="${RCLONE_TIMEOUT:-5m}"
  export RCLONE_RETRIES="${RCLONE_RETRIES:-3}"
  export RCLONE_LOW_LEVEL_RETRIES="${RCLONE_LOW_LEVEL_RETRIES:-3}"
  export RCLONE_RETRIES_SLEEP="${RCLONE_RETRIES_SLEEP:-2s}"
  # The remote path of the bucket, for the sourcing script.
  # shellcheck disable=SC2034
  HUB="hub:${BACKUP_S3_BUCKET}"
}

# One line saying why an rclone call failed, from the file its stderr went to: rclone's final
# message without its timestamp, the HTTP status (on a continuation line in rclone's output), and
# what the S3 error means for an operator. Request ids and empty lines are dropped.
rclone_cause() {
  local msg status hint=""
  msg="$(grep -v -e '^[[:space:]]' -e '^$' "$1" 2>/dev/null | tail -n 1 |
    sed -E 's#^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9:]{8} ##; s#^(ERROR|NOTICE) : ##; s#:[[:space:]]*$##' || true)"
  status="$(grep -o 'status code: [0-9]*' "$1" 2>/dev/null | tail -n 1 | awk '{ print $3 }' || true)"
  case "$msg" in
    *SignatureDoesNotMatch*) hint="the secret key does not match the access key" ;;
    *InvalidAccessKeyId*) hint="the server does not know this access key" ;;
    *AccessDenied*) hint="the user's policy does not allow this" ;;
    *NoSuchBucket*) hint="the bucket does not exist" ;;
    *Forbidden*) hint="refused: a wrong secret key, or a policy that does not allow this" ;;
  esac
  printf '%s%s%s\n' "${msg:-no error output}" "${status:+ (HTTP ${status})}" "${hint:+ — ${hint}}"
}

# Fails with one line unless the hub's bucket can be listed with the configured credentials (a
# cheap listing of its top level), before a script reads or writes anything.
hub_preflight() {
  local rc=0
  rclone lsjson --max-depth 1 "${HUB}/" >/dev/null 2>"$WORK/hub.err" || rc=$?
  ((rc == 0)) && return 0
  # rclone exits 3 ("directory not found") when the bucket itself is missing
  ((rc == 3)) && die "backup hub ${BACKUP_S3_ENDPOINT}: bucket ${BACKUP_S3_BUCKET} does not exist (NoSuchBucket)"
  die "backup hub ${BACKUP_S3_ENDPOINT} bucket ${BACKUP_S3_BUCKET} not reachable: $(rclone_cause "$WORK/hub.err")"
}

# Size in bytes of one object on a remote, or fails.
object_bytes() {
  rclone size --json "$1" | jq -e '.bytes'
}

# The first line of a file, for one-line causes (empty when the file is missing or empty).
first_line() {
  if [[ -s "$1" ]]; then head -n 1 "$1"; fi
}

# The last non-empty line of a file.
last_line() {
  if [[ -s "$1" ]]; then grep -v '^[[:space:]]*$' "$1" | tail -n 1 || true; fi
}
