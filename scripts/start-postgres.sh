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
  "$(dirname "$0")/apt-install.sh" postgresql start-postgres "the PostgreSQL tests will skip"
fi
if [ $# -ge 1 ]; then
  PYTHON=${PYTHON:-python3}
  [ -x .venv/bin/python ] && PYTHON=.venv/bin/python
  exec "$PYTHON" -m evals.pg_cluster "$1"
fi
