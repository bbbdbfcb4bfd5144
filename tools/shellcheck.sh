#!/usr/bin/env bash
# Runs shellcheck over every shell script git knows about (*.sh and the CI entry point).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t scripts < <(git ls-files --cached --others --exclude-standard -- '*.sh' '.ci/run' 'test/support/stand-ins/kopia')
if ((${#scripts[@]} == 0)); then
  echo "shellcheck: no scripts found" >&2
  exit 1
fi
shellcheck --external-sources --severity=style --shell=bash "${scripts[@]}"
echo "shellcheck: ${#scripts[@]} scripts clean"
