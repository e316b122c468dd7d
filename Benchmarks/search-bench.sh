#!/usr/bin/env bash
# Full-text search benchmark (#21) on SQLite and on a throwaway PostgreSQL cluster with fsync on, with
# the stored messages made of sentences of the real messages (read by path; only numbers written).
#
#   Benchmarks/search-bench.sh [--stored 100000,1000000] [--runs 40] --out Benchmarks/results/search-DATE-HOST.md
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no
swift build -c release --product SearchBenchmark
CSV=${MINSHENG_SEARCH_CSV:-../shared/data/tipdm2020c/hot_messages.csv}
MINSHENG_PG_DURABLE=1 scripts/with-postgres.sh bash -c \
  '.build/release/SearchBenchmark --csv "$0" --postgres "$MINSHENG_TEST_POSTGRES_URL" "$@"' "$CSV" "$@"
