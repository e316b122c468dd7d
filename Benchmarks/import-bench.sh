#!/usr/bin/env bash
# 渠道导入 into SQLite: `minsheng import --channel hotline` of a synthetic 12345 export (made up by
# Benchmarks/import-gen.py; no real data), beside the ceiling — the same rows inserted into a plain
# SQLite table with the same durable commits (Benchmarks/import-ceiling.py) — in one run. Then the same
# file again (nothing new: the idempotency check's rate), and the import's peak memory, which stays flat
# as the file grows because records are streamed. Then the same rows as an XLSX workbook (shared strings,
# date cells, deflated: Benchmarks/import-gen-xlsx.py) into a fresh database, and that import's rate and
# peak memory.
#
#   Benchmarks/import-bench.sh [ROWS ...] [--out Benchmarks/results/import-DATE-HOST.md]
#   (default ROWS: 100000; the issue's bar is 5,000 rows a second on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no
out=""
sizes=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    *) sizes+=("$1"); shift ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(100000)
swift build -c release --product minsheng >/dev/null
bin=.build/release/minsheng
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
report="# Channel import benchmark ($(date -u +%Y-%m-%d), $(hostname), $(nproc) cores)\n\n"
report+="\`Benchmarks/import-bench.sh ${sizes[*]}\`: release build, SQLite (WAL, synchronous=FULL), 1,000 rows to a\n"
report+="transaction, the demonstration's reference data (categories, units) loaded first.\n\n"
report+="| rows | import (rows/s) | ceiling: plain SQLite insert (rows/s) | import / ceiling | second run, nothing new (rows/s) | peak RSS (MB) | search catch-up afterwards (rows/s) | XLSX import (rows/s) | XLSX peak RSS (MB) |\n"
report+="| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
for rows in "${sizes[@]}"; do
  python3 Benchmarks/import-gen.py "$rows" > "$work/hotline.csv"
  rm -f "$work"/m.sqlite* "$work"/raw.sqlite*
  export DATABASE_URL="sqlite://$work/m.sqlite"
  "$bin" demo --messages 1 >/dev/null 2>&1
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" "$bin" import --channel hotline --quiet --rejects "$work/rejects.csv" "$work/hotline.csv" > "$work/first.txt"
  first=$(python3 -c "import sys; print(round($rows / ($(date +%s.%N) - $start)))")
  start=$(date +%s.%N)
  "$bin" import --channel hotline --quiet --rejects "$work/rejects.csv" "$work/hotline.csv" > "$work/second.txt"
  second=$(python3 -c "import sys; print(round($rows / ($(date +%s.%N) - $start)))")
  start=$(date +%s.%N)
  "$bin" search catch-up > /dev/null 2>&1
  catchup=$(python3 -c "print(round($rows / ($(date +%s.%N) - $start)))")
  ceiling=$(python3 Benchmarks/import-ceiling.py "$work/hotline.csv" "$work/raw.sqlite" | awk '{print $3}')
  added=$(python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT COUNT(*) FROM imported_records\").fetchone()[0])" "$work/m.sqlite")
  verify=$("$bin" audit verify | tail -1)
  rss=$(( $(cat "$work/rss") / 1024 ))
  ratio=$(python3 -c "print(f'{$first / $ceiling:.2f}')")
  echo "rows=$rows import=$first/s ceiling=$ceiling/s ratio=$ratio second=$second/s rss=${rss}MB catch-up=$catchup/s stored=$added audit: $verify" >&2
  cat "$work/first.txt" "$work/second.txt" >&2
  # The same rows as a workbook, into a fresh database.
  python3 Benchmarks/import-gen-xlsx.py "$work/hotline.csv" "$work/hotline.xlsx"
  rm -f "$work"/m.sqlite*
  "$bin" demo --messages 1 >/dev/null 2>&1
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/xrss" "$bin" import --channel hotline --quiet --rejects "$work/xrejects.csv" "$work/hotline.xlsx" > "$work/xlsx.txt"
  xlsx=$(python3 -c "print(round($rows / ($(date +%s.%N) - $start)))")
  xadded=$(python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT COUNT(*) FROM imported_records\").fetchone()[0])" "$work/m.sqlite")
  [ "$xadded" = "$added" ] || { echo "XLSX import stored $xadded rows, CSV $added" >&2; exit 1; }
  xverify=$("$bin" audit verify | tail -1)
  xrss=$(( $(cat "$work/xrss") / 1024 ))
  echo "xlsx: import=$xlsx/s rss=${xrss}MB stored=$xadded audit: $xverify" >&2
  report+="| $rows | $first | $ceiling | $ratio | $second | $rss | $catchup | $xlsx | $xrss |\n"
done
report+="\nEvery row was stored once (\`imported_records\` counted after the first run, the same count from the workbook); \`audit verify\` passed after each import.\n"
if [ -n "$out" ]; then printf "%b" "$report" > "$out"; else printf "%b" "$report"; fi
