#!/usr/bin/env bash
# A province's volume (#21): the demonstration loaded with N messages, then the public pages, the
# searches and the staff pages over HTTP against the same server's plain route, in one run.
#
#   Benchmarks/scale-bench.sh [--messages N] [--postgres] [--out FILE] [--keep DIR | --reuse DIR]
#
# --keep DIR keeps the loaded SQLite database, the accounts' passwords and the load's figures there;
# --reuse DIR measures a copy of them instead of loading again (new migrations are applied when the
# server starts, and the roll-ups rebuilt before measuring).
#
# Builds the release binary; times `minsheng demo --messages N` (default 1,000,000) into a fresh SQLite
# file, or with --postgres into a throwaway PostgreSQL cluster with fsync on (scripts/with-postgres.sh,
# MINSHENG_PG_DURABLE=1); reports the database's size; starts `minsheng serve` on 127.0.0.1 and runs
# wrk (2 connections, one request in flight per core: the time a request takes, not the time it waits
# behind others; 2 threads, 10 s each) against GET /ping (the ceiling); /, /messages, /overdue and
# 200 message pages in turn; five searches (a common word, a rare one, two words, a phrase, the common
# word in one category); and the staff pool, inbox, supervision board and 200 case pages, each with its
# role's session; and the statistics (#18): /stats this year and this month, GET /api/v1/stats by
# unit for the year, /honours and /staff/dashboard for a supervisor and for a unit. Three alternating
# rounds; the worst round's p95 is reported. Goals (#21): public pages and searches p95 < 50 ms, staff
# pages p95 < 100 ms, serve's resident memory < 200 MB; (#18) the statistics p95 < 300 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no
OUT=""
COUNT=1000000
POSTGRES=""
KEEP=""
REUSE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --messages) COUNT="$2"; shift 2 ;;
    --postgres) POSTGRES=1; shift ;;
    --keep) KEEP="$2"; shift 2 ;;
    --reuse) REUSE="$2"; shift 2 ;;
    *) echo "usage: $0 [--messages N] [--postgres] [--out FILE] [--keep DIR | --reuse DIR]" >&2; exit 2 ;;
  esac
done
if [ -n "$POSTGRES" ] && [ -z "${MINSHENG_TEST_POSTGRES_URL:-}" ]; then
  exec env MINSHENG_PG_DURABLE=1 scripts/with-postgres.sh "$0" --messages "$COUNT" --postgres ${OUT:+--out "$OUT"}
fi
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
swift build -c release --product minsheng >/dev/null 2>&1
BIN=.build/release/minsheng
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
if [ -n "$POSTGRES" ]; then
  export DATABASE_URL="$MINSHENG_TEST_POSTGRES_URL"
  DATABASE="PostgreSQL (fsync and synchronous_commit on)"
  # PostgreSQL is migrated on purpose, never by the commands that use it.
  $BIN migrate >/dev/null
else
  export DATABASE_URL="$WORK/bench.sqlite"
  DATABASE="SQLite"
fi
export LOG_LEVEL=warning MINSHENG_JOBS_INTERVAL=0 MINSHENG_RATE_LIMIT_SEARCH=off
if [ -n "$REUSE" ]; then
  cp "$REUSE"/bench.sqlite* "$WORK/"
  cp "$REUSE/demo.txt" "$WORK/demo.txt"
  read -r COUNT LOADED DEMO_RSS <"$REUSE/load.txt"
else
  START=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$WORK/demo-rss" $BIN demo --messages "$COUNT" >"$WORK/demo.txt" 2>"$WORK/demo-progress.txt"
  LOADED=$(python3 -c "import time; print(round(time.time() - $START))")
  DEMO_RSS=$(( $(cat "$WORK/demo-rss") / 1024 ))
fi
echo "demonstration of $COUNT messages loaded in ${LOADED}s (peak RSS ${DEMO_RSS} MB)" >&2
if [ -n "$KEEP" ] && [ -z "$POSTGRES" ]; then
  mkdir -p "$KEEP"
  cp "$WORK"/bench.sqlite* "$WORK/demo.txt" "$KEEP/"
  echo "$COUNT $LOADED $DEMO_RSS" >"$KEEP/load.txt"
fi
if [ -n "$POSTGRES" ]; then
  # As autovacuum leaves a database that has settled: visibility maps set and the planner's statistics
  # (how common each search term is) taken.
  psql "$DATABASE_URL" -qc "VACUUM ANALYZE" >/dev/null
  SIZE=$(psql "$DATABASE_URL" -Atc "SELECT pg_database_size(current_database()) / 1048576")
else
  SIZE=$(du -cm "$WORK"/bench.sqlite* | tail -1 | cut -f1)
fi
AUDIT=$($BIN audit verify 2>&1 | tail -1)
echo "audit: $AUDIT" >&2
$BIN serve --hostname 127.0.0.1 --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
BASE="http://127.0.0.1:$PORT"
# Measured in the steady state: nothing waits to be indexed or summed.
while true; do
  WAITING=$(curl -s "$BASE/metrics" | awk '/^minsheng_(search|rollup)_backlog / { n += $2 } END { print n + 0 }')
  [ "$WAITING" = 0 ] && break
  echo "waiting for the search index and the roll-ups: $WAITING" >&2
  sleep 5
done
password() { awk -v user="$1" '$1 == user { sub(/.*密码: /, ""); print }' "$WORK/demo.txt"; }
cookie() {
  curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$(password "$1")\"}" "$BASE/api/v1/auth/session" |
    tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(minsheng_session=[^;]*\).*/\1/p'
}
declare -A COOKIE
PUBLIC=(ping home list overdue message common rare two phrase filtered stats stats_month stats_api honours)
STAFF=(pool inbox supervision case dashboard dashboard_unit)
for name in "${PUBLIC[@]}"; do COOKIE[$name]=""; done
COOKIE[pool]=$(cookie xfb.dispatcher)
COOKIE[inbox]=$(cookie zjw.handler)
COOKIE[supervision]=$(cookie dc.supervisor)
COOKIE[case]=$(cookie admin)
COOKIE[dashboard]=$(cookie dc.supervisor)
COOKIE[dashboard_unit]=$(cookie zjw.handler)
echo "/ping" >"$WORK/ping.txt"
echo "/" >"$WORK/home.txt"
echo "/messages" >"$WORK/list.txt"
echo "/overdue" >"$WORK/overdue.txt"
curl -s "$BASE/api/v1/messages?limit=200" | python3 -c '
import sys, json
for item in json.load(sys.stdin)["items"]: print("/messages/" + item["id"])' >"$WORK/message.txt"
# The searches, on the demonstration's own text (a few dozen templates, so no word in it is truly rare:
# search-bench.sh measures rare words in real sentences): a common word, a less common one (one place
# of fifteen), two words, a phrase, and the common word in its category (城乡建设).
CATEGORY=$(curl -s "$BASE/api/v1/categories" | python3 -c '
import sys, json
print(next(c["id"] for c in json.load(sys.stdin) if c["code"] == "CXJS"))')
q() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
echo "/search?q=$(q 噪音)" >"$WORK/common.txt"
echo "/search?q=$(q 光明村)" >"$WORK/rare.txt"
echo "/search?q=$(q '夜间 施工')" >"$WORK/two.txt"
echo "/search?q=$(q '"施工噪音"')" >"$WORK/phrase.txt"
echo "/search?q=$(q 噪音)&category=$CATEGORY" >"$WORK/filtered.txt"
# Statistics (#18): this year's page (every unit ranked, the trend, the growth and the heat table),
# this month's, the API's year by unit, the honours, and the dashboard for a supervisor (every unit)
# and for a unit (its KPIs beside its region's and the platform's).
YEAR=$(date +%Y)
echo "/stats" >"$WORK/stats.txt"
echo "/stats?period=$(date +%Y-%m)" >"$WORK/stats_month.txt"
echo "/api/v1/stats?by=unit&period=$YEAR" >"$WORK/stats_api.txt"
echo "/honours" >"$WORK/honours.txt"
echo "/staff/dashboard" >"$WORK/dashboard.txt"
echo "/staff/dashboard" >"$WORK/dashboard_unit.txt"
echo "/staff/pool" >"$WORK/pool.txt"
echo "/staff/inbox" >"$WORK/inbox.txt"
echo "/staff/supervision" >"$WORK/supervision.txt"
for page in 1 2 3 4; do
  curl -s -H "Cookie: ${COOKIE[supervision]}" "$BASE/staff/supervision?section=late&page=$page"
done | python3 -c '
import re, sys
ids = re.findall(r"href=\"(/staff/messages/[0-9a-f-]+)\"", sys.stdin.read())
print("\n".join(list(dict.fromkeys(ids))[:200]))' >"$WORK/case.txt"
# Every page answers 200 for its session before it is measured; the searches' counts are noted.
declare -A FOUND
for name in "${PUBLIC[@]}" "${STAFF[@]}"; do
  header=()
  [ -n "${COOKIE[$name]}" ] && header=(-H "Cookie: ${COOKIE[$name]}")
  status=$(curl -s -o "$WORK/$name.html" -w '%{http_code}' "${header[@]}" "$BASE$(head -1 "$WORK/$name.txt")")
  [ "$status" = 200 ] || { echo "$name answered $status" >&2; exit 1; }
  FOUND[$name]=$(python3 -c 'import re, sys; m = re.search(r"((共|超过) [\d,]+ 条)", open(sys.argv[1], encoding="utf-8").read()); print(m.group(1) if m else "")' "$WORK/$name.html")
done
export REPORT="$PWD/Benchmarks/wrk/report.lua"
: >"$WORK/lines.txt"
for round in 1 2 3; do
  for name in "${PUBLIC[@]}" "${STAFF[@]}"; do
    header=()
    [ -n "${COOKIE[$name]}" ] && header=(-H "Cookie: ${COOKIE[$name]}")
    line=$(PATHS="$WORK/$name.txt" wrk -t2 -c2 -d10s "${header[@]}" -s Benchmarks/wrk/paths.lua "$BASE" | grep '^rps=')
    echo "$name $line" >>"$WORK/lines.txt"
    echo "round $round $name: $line" >&2
  done
done
RSS=$(awk '/VmHWM/ {print $2}' /proc/$SERVER/status)
ANON=$(awk '/RssAnon/ {print $2}' /proc/$SERVER/status)
FILE=$(awk '/RssFile/ {print $2}' /proc/$SERVER/status)
for name in "${PUBLIC[@]}" "${STAFF[@]}"; do echo "$name ${FOUND[$name]:-}"; done >"$WORK/found.txt"
python3 - "$OUT" "$WORK" "$COUNT" "$LOADED" "$SIZE" "$RSS" "$ANON" "$FILE" "$DATABASE" "$AUDIT" "$DEMO_RSS" <<'PY'
import os, re, sys, datetime, platform
out_file, work, count, loaded, size, rss, anon, file_, database, audit, demo_rss = sys.argv[1:12]
runs = {}
for line in open(f"{work}/lines.txt"):
  name, rest = line.split(" ", 1)
  runs.setdefault(name, []).append(dict((k, float(v)) for k, v in re.findall(r"(\w+)=([\d.]+)", rest)))
found = dict((l.split(" ")[0], l.split(" ", 1)[1].strip() if " " in l else "") for l in open(f"{work}/found.txt").read().splitlines())
ping = sum(r["rps"] for r in runs["ping"]) / len(runs["ping"])
names = {
  "ping": ("GET /ping (ceiling)", None), "home": ("GET / (figures, latest replies)", 50),
  "list": ("GET /messages", 50), "overdue": ("GET /overdue", 50),
  "message": ("GET /messages/{id} (200 in turn)", 50),
  "common": ("search: a common word (噪音)", 50), "rare": ("search: a less common word (光明村)", 50),
  "two": ("search: two words (夜间 施工)", 50), "phrase": ("search: a phrase (\"施工噪音\")", 50),
  "filtered": ("search: the common word in one category", 50),
  "pool": ("GET /staff/pool (dispatcher)", 100), "inbox": ("GET /staff/inbox (handler)", 100),
  "supervision": ("GET /staff/supervision (supervisor)", 100),
  "case": ("GET /staff/messages/{id} (200 in turn, admin)", 100),
  "stats": ("GET /stats (this year by unit, trend, growth, heat)", 300),
  "stats_month": ("GET /stats?period=this month", 300),
  "stats_api": ("GET /api/v1/stats?by=unit&period=this year", 300),
  "honours": ("GET /honours", 300),
  "dashboard": ("GET /staff/dashboard (supervisor: every unit)", 300),
  "dashboard_unit": ("GET /staff/dashboard (handler: unit, region, platform)", 300),
}
rate = int(count) / max(1, int(loaded))
out = [f"# Scale benchmark — {datetime.date.today()} on {platform.node()} ({os.cpu_count()} cores)", "",
  f"Command: `Benchmarks/scale-bench.sh --messages {count}{' --postgres' if 'Postgre' in database else ''}` (release build, {database};",
  "wrk -t2 -c2 (one request in flight per core), 10 s per run, 3 alternating rounds; staff pages with their role's session cookie).", "",
  f"- `minsheng demo --messages {int(count):,}`: **{loaded} s** ({rate:,.0f} messages/s), peak RSS {demo_rss} MB; database {size} MB on disk.",
  f"- `minsheng audit verify` afterwards: `{audit}`.",
  f"- `serve`'s peak resident memory: **{int(rss) // 1024} MB** (VmHWM); at the end {int(anon) // 1024} MB allocated (RssAnon) and {int(file_) // 1024} MB of mapped files (RssFile: the binary and the database pages SQLite maps, which the kernel reclaims under pressure).", "",
  "| page | found | requests/s (mean) | ratio to /ping | p50 ms | p95 ms (worst round) | goal p95 | errors |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
for key, (label, goal) in names.items():
  rows = runs[key]
  rps = sum(r["rps"] for r in rows) / len(rows)
  p95 = max(r["p95_ms"] for r in rows)
  mark = "" if goal is None else (" ✓" if p95 < goal else " ✗")
  out.append(f"| {label} | {found.get(key, '')} | {rps:,.0f} | {rps / ping:.3f} | {max(r['p50_ms'] for r in rows):.2f} | "
             f"{p95:.2f}{mark} | {'' if goal is None else f'< {goal}'} | {int(sum(r['errors'] for r in rows))} |")
text = "\n".join(out) + "\n"
print(text)
if out_file:
  open(out_file, "w").write(text)
PY
