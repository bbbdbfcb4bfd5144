#!/usr/bin/env bash
# The test command (`npm test`): makes sure the real tools the payload tests run are installed —
# installing the Debian packages when run as root, otherwise printing the exact apt line — then
# runs every tier: types, lint, shellcheck, unit (Pulumi mocks) and payload (real tools) tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian package -> a file it provides that the tests use.
declare -A PROVIDES=(
  [rclone]=/usr/bin/rclone
  [etcd-server]=/usr/bin/etcd
  [etcd-client]=/usr/bin/etcdctl
  [prometheus]=/usr/bin/promtool
  [shellcheck]=/usr/bin/shellcheck
  [zstd]=/usr/bin/zstd
  [jq]=/usr/bin/jq
  [curl]=/usr/bin/curl
  [postgresql-15]=/usr/lib/postgresql/15/bin/initdb
  [postgresql-client-15]=/usr/lib/postgresql/15/bin/psql
  [systemd]=/usr/bin/systemd-analyze
  [socat]=/usr/bin/socat
  # the rgw tier (test/rgw/): a real S3 server, Ceph RGW 16.2 (one mon, one OSD, radosgw)
  [ceph-mon]=/usr/bin/ceph-mon
  [ceph-osd]=/usr/bin/ceph-osd
  [ceph-base]=/usr/bin/monmaptool
  [ceph-common]=/usr/bin/radosgw-admin
  [radosgw]=/usr/bin/radosgw
)
missing=()
for pkg in "${!PROVIDES[@]}"; do
  [[ -x "${PROVIDES[$pkg]}" ]] || missing+=("$pkg")
done

if ((${#missing[@]} > 0)); then
  IFS=$'\n' read -r -d '' -a missing < <(printf '%s\n' "${missing[@]}" | sort && printf '\0')
  apt_line="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "test: missing Debian packages: ${missing[*]}" >&2
    echo "test: run as root: ${apt_line}" >&2
    exit 1
  fi
  echo "== installing ${missing[*]}"
  # Debian starts a package's service on install unless policy-rc.d says no (prometheus,
  # postgresql, etcd-server, ceph): the tests start their own servers and must leave none running.
  guard=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    guard=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$guard"
    chmod 755 "$guard"
    trap 'rm -f "$guard"' EXIT
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ ! -d node_modules ]]; then
  echo "test: node_modules is missing; run 'npm ci' first" >&2
  exit 1
fi

# Debian-based images often set AWS_CA_BUNDLE; rclone then fails every S3 call. The helpers unset
# it per call; unsetting it here too keeps ad-hoc rclone runs in tests honest.
unset AWS_CA_BUNDLE

echo "== [1/4] types: tsc --noEmit"
npx --no-install tsc --noEmit

echo "== [2/4] lint: eslint (with @pulumi/eslint-plugin)"
npx --no-install eslint .

echo "== [3/4] shellcheck: every shell script"
tools/shellcheck.sh

echo "== [4/4] jest: unit (Pulumi mocks) + payload (real PostgreSQL, etcd, rclone, zstd, s3rver) + rgw (real Ceph RGW)"
mkdir -p out
results=out/jest-results.json
status=0
# Two workers: the rgw and payload files mostly wait on servers and sleeps, so they overlap well
# with the CPU-bound unit files on a 2-core machine: the clean-clone .ci/run takes ~6.5 min with two
# workers and ~10 min with one (measured 2026-11-23, 676 tests).
npx --no-install jest --ci --maxWorkers=2 --json --outputFile="$results" || status=$?
node tools/jest-summary.js "$results" || status=1
exit "$status"
