#!/usr/bin/env bash
# install.sh — run over SSH (with sudo) by the etcd-offload component from the staging directory
# it copied: installs the script, the units and the hub keys, then enables the timer. The keys
# arrive on stdin (access key id, then secret, one per line) and are written root-only for
# LoadCredential=; they never touch a command line or the log. DESTDIR (tests) prefixes every path.
set -euo pipefail
staging="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
root="${DESTDIR:-}"

for cmd in rclone sha256sum od systemctl; do
  command -v "$cmd" >/dev/null 2>&1 || {
    echo "etcd-offload: this node lacks ${cmd}; install it first (e.g. apt-get install -y ${cmd/sha256sum/coreutils})" >&2
    exit 1
  }
done
IFS= read -r key_id || true
IFS= read -r secret || true
if [[ -z "${key_id:-}" || -z "${secret:-}" ]]; then
  echo "etcd-offload: expected the access key id and secret on stdin" >&2
  exit 1
fi

install -d -m 0755 "${root}/usr/local/lib/etcd-offload" "${root}/etc/systemd/system"
install -m 0755 "${staging}/etcd-offload.sh" "${staging}/backup-lib.sh" "${staging}/uninstall.sh" "${root}/usr/local/lib/etcd-offload/"
install -d -m 0700 "${root}/etc/etcd-offload" "${root}/etc/etcd-offload/credentials"
umask 077
printf '%s' "$key_id" >"${root}/etc/etcd-offload/credentials/backup-s3-access-key-id"
printf '%s' "$secret" >"${root}/etc/etcd-offload/credentials/backup-s3-secret-access-key"
install -m 0644 "${staging}/etcd-offload.service" "${staging}/etcd-offload.timer" "${root}/etc/systemd/system/"
# The hub's private CA (hub.caBundle), when pushed; public, so world-readable like any trust anchor.
if [[ -f "${staging}/hub-ca.crt" ]]; then
  install -m 0644 "${staging}/hub-ca.crt" "${root}/etc/etcd-offload/hub-ca.crt"
else
  rm -f "${root}/etc/etcd-offload/hub-ca.crt"
fi
# node-exporter's textfile directory, when the unit publishes there (ExecStartPost=): it must exist,
# readable by node-exporter's user, or the unit fails after a good run.
textfile_dir="$(sed -n 's|^ExecStartPost=+/usr/bin/mv -f \(.*\)/[^/]*\.tmp .*$|\1|p' "${staging}/etcd-offload.service")"
if [[ -n "$textfile_dir" ]]; then
  install -d -m 0755 "${root}${textfile_dir}"
fi
systemctl daemon-reload
systemctl enable --now etcd-offload.timer
echo "etcd-offload: installed; etcd-offload.timer enabled"
