#!/usr/bin/env bash
# The one documented way to run every test: all suites, the store and server suites on SQLite and on
# a throwaway local PostgreSQL (installed from Debian's packages when missing).
#
#   scripts/test.sh [extra swift test arguments]
#
# MINSHENG_TEST_POSTGRES_URL=postgres://…@127.0.0.1:…/postgres uses a PostgreSQL you already run;
# MINSHENG_TEST_SQLITE_ONLY=1 skips PostgreSQL (not allowed when CI=true).
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no

if [ -n "${MINSHENG_TEST_POSTGRES_URL:-}" ]; then
  exec swift test --disable-xctest "$@"
fi
if [ "${MINSHENG_TEST_SQLITE_ONLY:-}" = "1" ] && [ "${CI:-}" != "true" ]; then
  echo "test.sh: MINSHENG_TEST_SQLITE_ONLY=1 — store and server suites run on SQLite only" >&2
  exec swift test --disable-xctest "$@"
fi
# The read-replica test needs a streaming replica of the throwaway cluster.
MINSHENG_PG_REPLICA=1 exec scripts/with-postgres.sh swift test --disable-xctest "$@"
