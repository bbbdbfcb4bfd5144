# shellcheck shell=bash
# pg-lib.sh — PostgreSQL helpers shared by pg-backup.sh and pg-restore-drill.sh (sourced after
# backup-lib.sh, which provides WORK).

# psql_q DB SQL — runs one query, prints one value per line; errors land in $WORK/psql.err.
psql_q() {
  psql -X -w -A -t -q -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>"$WORK/psql.err"
}

# major_of "15.18 (Debian 15.18-0+deb12u1)" -> 15
major_of() {
  local v="${1%%[^0-9.]*}"
  printf '%s' "${v%%.*}"
}

# Succeeds when the last lines of a dump's tail contain pg_dumpall's completion comment (it is
# followed by "--" and a blank line, so it is not the very last line).
dump_complete() {
  tail -n 3 "$1" | grep -qxF -- '-- PostgreSQL database cluster dump complete'
}
