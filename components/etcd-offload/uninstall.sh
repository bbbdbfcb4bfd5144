#!/usr/bin/env bash
# uninstall.sh — run over SSH (with sudo) when the component is destroyed: disables the timer and
# removes everything install.sh put on the node, the service's state included. DESTDIR (tests)
# prefixes every path. Uploaded snapshots stay on the hub.
set -euo pipefail
root="${DESTDIR:-}"
systemctl disable --now etcd-offload.timer || true
systemctl stop etcd-offload.service || true
rm -f "${root}/etc/systemd/system/etcd-offload.service" "${root}/etc/systemd/system/etcd-offload.timer"
rm -rf "${root}/etc/etcd-offload" "${root}/usr/local/lib/etcd-offload" \
  "${root}/var/lib/private/etcd-offload" "${root}/var/lib/etcd-offload"
systemctl daemon-reload
echo "etcd-offload: removed"
