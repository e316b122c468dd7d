#!/usr/bin/env bash
# Near-duplicate benchmark on SQLite and on a throwaway PostgreSQL cluster with fsync on (as production
# runs it), with 100,000 and 1,000,000 messages stored; the in-memory index as a second, labelled row.
# Reads the real messages by path; writes only numbers.
#
#   Benchmarks/duplicates-bench.sh [--stored 100000,1000000] [--in-memory N] --out Benchmarks/results/duplicates-DATE-HOST.md
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no
swift build -c release --product DuplicatesBenchmark
CSV=${MINSHENG_DUPLICATES_CSV:-../shared/data/tipdm2020c/hot_messages.csv}
MINSHENG_PG_DURABLE=1 scripts/with-postgres.sh bash -c \
  '.build/release/DuplicatesBenchmark --csv "$0" --postgres "$MINSHENG_TEST_POSTGRES_URL" "$@"' "$CSV" "$@"
