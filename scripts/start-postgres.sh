#!/usr/bin/env bash
# PostgreSQL for the shared-store tests (tests/pg) and for trying several workers on one
# database (README: Shared stores). Installs the distribution's server when initdb is missing;
# the tests then make their own throw-away cluster (evals/pg_cluster.py).
#   scripts/start-postgres.sh            install only
#   scripts/start-postgres.sh DIR        also start a cluster in DIR on a free loopback port
#                                        and print its COACH_DATABASE_URL
set -euo pipefail
have_initdb() {
  command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}
if ! have_initdb; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  fi
  if command -v apt-get >/dev/null 2>&1; then
    $SUDO apt-get update -qq || true
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null \
      || echo "start-postgres: could not install postgresql; the PostgreSQL tests will skip" >&2
  else
    echo "start-postgres: no apt-get; install PostgreSQL (initdb, pg_ctl) for the tests" >&2
  fi
fi
if [ $# -ge 1 ]; then
  PYTHON=${PYTHON:-python3}
  [ -x .venv/bin/python ] && PYTHON=.venv/bin/python
  exec "$PYTHON" -m evals.pg_cluster "$1"
fi
