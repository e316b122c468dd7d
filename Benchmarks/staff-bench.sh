#!/usr/bin/env bash
# Staff workbench benchmark: the /staff pages with 100,000 messages in the database, against the same
# server's plain-text route, in one run.
#
#   Benchmarks/staff-bench.sh [--messages N] [--out FILE] [--keep DIR | --reuse DIR]
#
# Loading 100,000 messages takes about 20 minutes (every workflow step is its own durable commit):
# --keep DIR saves the loaded database (once its duplicate index is complete) and the accounts'
# passwords there, --reuse DIR starts from a copy of them (new migrations are applied when the
# server starts).
#
# Builds the release binary, loads the demonstration with N messages (default 100,000, every stage of
# the workflow, over the last 50 days) into a fresh SQLite file, starts `minsheng serve` on 127.0.0.1,
# opens a staff session for each role (POST /api/v1/auth/session) and runs wrk (16 connections,
# 2 threads, 10 s each) with that session's cookie against GET /ping (the framework's ceiling),
# /staff/pool (市信访办's dispatcher), /staff/inbox (住建委's handler), /staff/supervision (the
# supervisor: every overdue case of every unit) and /staff/messages/{id} (200 case pages in turn, the
# admin), in 3 alternating rounds. Reports requests/s, the ratio to /ping and p50/p95/p99 latency.
# The goal of issue #5: every page under 100 ms at p95 with 100,000 messages.
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no
OUT=""
COUNT=100000
KEEP=""
REUSE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --messages) COUNT="$2"; shift 2 ;;
    --keep) KEEP="$2"; shift 2 ;;
    --reuse) REUSE="$2"; shift 2 ;;
    *) echo "usage: $0 [--messages N] [--out FILE] [--keep DIR | --reuse DIR]" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
swift build -c release --product minsheng >/dev/null 2>&1
BIN=.build/release/minsheng
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
export DATABASE_URL="$WORK/bench.sqlite" LOG_LEVEL=warning
# The scheduled jobs are off: their first run would work through the demonstration's old deadlines
# while wrk measures.
export MINSHENG_JOBS_INTERVAL=0
START=$(date +%s)
if [ -n "$REUSE" ]; then
  cp "$REUSE/bench.sqlite" "$WORK/bench.sqlite"
  cp "$REUSE/demo.txt" "$WORK/demo.txt"
  COUNT=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM messages").fetchone()[0])' "$WORK/bench.sqlite")
  LOADED=$(cat "$REUSE/loaded-seconds" 2>/dev/null || echo "?")
else
  $BIN demo --messages "$COUNT" >"$WORK/demo.txt"
  LOADED=$(( $(date +%s) - START ))
fi
echo "demonstration of $COUNT messages loaded in ${LOADED}s" >&2
$BIN serve --hostname 127.0.0.1 --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
BASE="http://127.0.0.1:$PORT"
# Measured in the steady state: `serve` first files every loaded message's duplicate fingerprint.
INDEXED_FROM=$(date +%s)
while true; do
  PENDING=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True).execute("SELECT COUNT(*) FROM messages WHERE fingerprint_pending").fetchone()[0])' "$WORK/bench.sqlite")
  [ "$PENDING" = 0 ] && break
  echo "waiting for the duplicate index: $PENDING messages pending" >&2
  sleep 10
done
INDEXING=$(( $(date +%s) - INDEXED_FROM ))
echo "duplicate index complete after ${INDEXING}s" >&2
# Kept once the index is complete, so that a --reuse run starts in the steady state.
if [ -n "$KEEP" ]; then
  mkdir -p "$KEEP"
  python3 -c 'import sqlite3, sys; s = sqlite3.connect(sys.argv[1]); d = sqlite3.connect(sys.argv[2]); s.backup(d); d.close()' \
    "$WORK/bench.sqlite" "$KEEP/bench.sqlite"
  cp "$WORK/demo.txt" "$KEEP/demo.txt"
  echo "$LOADED" >"$KEEP/loaded-seconds"
fi
password() { awk -v user="$1" '$1 == user { sub(/.*密码: /, ""); print }' "$WORK/demo.txt"; }
cookie() {
  curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$(password "$1")\"}" "$BASE/api/v1/auth/session" |
    tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(minsheng_session=[^;]*\).*/\1/p'
}
declare -A COOKIE
COOKIE[ping]=""
COOKIE[pool]=$(cookie xfb.dispatcher)
COOKIE[inbox]=$(cookie zjw.handler)
COOKIE[supervision]=$(cookie dc.supervisor)
COOKIE[case]=$(cookie admin)
for name in pool inbox supervision case; do
  [ -n "${COOKIE[$name]}" ] || { echo "no staff session for $name" >&2; exit 1; }
done
echo "/ping" >"$WORK/ping.txt"
echo "/staff/pool" >"$WORK/pool.txt"
echo "/staff/inbox" >"$WORK/inbox.txt"
echo "/staff/supervision" >"$WORK/supervision.txt"
# 200 case pages: the supervisor's overdue list through the API is public-only, so take the ids from
# the supervision board's overdue section, four pages of 50 (each row links its case page).
curl -s -H "Cookie: ${COOKIE[supervision]}" "$BASE/staff/supervision" >"$WORK/board.html"
for page in 1 2 3 4; do
  curl -s -H "Cookie: ${COOKIE[supervision]}" "$BASE/staff/supervision?section=late&page=$page"
done >"$WORK/late.html"
python3 - "$WORK/late.html" >"$WORK/case.txt" <<'PY'
import re, sys
ids = re.findall(r'href="(/staff/messages/[0-9a-f-]+)"', open(sys.argv[1], encoding="utf-8").read())
print("\n".join(list(dict.fromkeys(ids))[:200]))
PY
[ "$(wc -l <"$WORK/case.txt")" -ge 50 ] || { echo "too few case pages found" >&2; exit 1; }
# Every page answers 200 for its session before it is measured.
for name in pool inbox supervision case; do
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: ${COOKIE[$name]}" "$BASE$(head -1 "$WORK/$name.txt")")
  [ "$status" = 200 ] || { echo "$name answered $status" >&2; exit 1; }
done
ROWS=$(python3 -c 'import re, sys; print(len(set(re.findall(r"href=\"/staff/messages/([0-9a-f-]+)\"", open(sys.argv[1], encoding="utf-8").read()))))' "$WORK/board.html")
# The board's section counts, e.g. "已超期（41234）".
LATE=$(python3 -c 'import re, sys; m = re.search(r"已超期（(\d+)）", open(sys.argv[1], encoding="utf-8").read()); print(m.group(1) if m else "?")' "$WORK/board.html")
export REPORT="$PWD/Benchmarks/wrk/report.lua"
declare -A LINES
for round in 1 2 3; do
  for name in ping pool inbox supervision case; do
    header=()
    [ -n "${COOKIE[$name]}" ] && header=(-H "Cookie: ${COOKIE[$name]}")
    line=$(PATHS="$WORK/$name.txt" wrk -t2 -c16 -d10s "${header[@]}" -s Benchmarks/wrk/paths.lua "$BASE" | grep '^rps=')
    LINES[$name]+="$line"$'\n'
    echo "round $round $name: $line" >&2
  done
done
RSS=$(awk '/VmHWM/ {print $2}' /proc/$SERVER/status)
# Of the resident memory, what the process allocated and what is the database file mapped by the
# read connections (the kernel's page cache, reclaimed under pressure).
ANON=$(awk '/RssAnon/ {print $2}' /proc/$SERVER/status)
FILE=$(awk '/RssFile/ {print $2}' /proc/$SERVER/status)
export ANON FILE
SIZE=$(du -m "$WORK/bench.sqlite" | cut -f1)
python3 - "$OUT" "$RSS" "$COUNT" "$LOADED" "$SIZE" "$ROWS" "$INDEXING" "$LATE" <<PY
import os, re, sys, datetime, platform
lines = {
  "ping": """${LINES[ping]}""", "pool": """${LINES[pool]}""", "inbox": """${LINES[inbox]}""",
  "supervision": """${LINES[supervision]}""", "case": """${LINES[case]}""",
}
def parse(text):
  return [dict((k, float(v)) for k, v in re.findall(r"(\w+)=([\d.]+)", l)) for l in text.strip().splitlines()]
data = {k: parse(v) for k, v in lines.items()}
ping = sum(r["rps"] for r in data["ping"]) / len(data["ping"])
count, loaded, size, rows = int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
out = [f"# Staff workbench benchmark — {datetime.date.today()} on {platform.node()} ({os.cpu_count()} cores)", "",
  f"Command: \`Benchmarks/staff-bench.sh\` (release build, SQLite, demonstration of {count:,} messages in every",
  f"stage — loaded in {loaded} s, {size} MB; duplicate fingerprints filed by serve in {sys.argv[7]} s before measuring —",
  "wrk -t2 -c16, 10 s per run, 3 alternating rounds, each page with its role's session cookie).",
  "Goal (#5): every staff page under 100 ms at p95 with 100,000 messages.", "",
  "| page | requests/s (mean) | ratio to /ping | p50 ms | p95 ms (worst round) | p99 ms (worst round) | errors |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
names = {"ping": "GET /ping (ceiling)", "pool": "GET /staff/pool (dispatcher)", "inbox": "GET /staff/inbox (handler)",
         "supervision": f"GET /staff/supervision (supervisor: {rows} cases listed of {sys.argv[8]} overdue and those due soon)",
         "case": "GET /staff/messages/{id} (200 in turn, admin)"}
for key in ("ping", "pool", "inbox", "supervision", "case"):
  rows_ = data[key]
  rps = sum(r["rps"] for r in rows_) / len(rows_)
  out.append(f"| {names[key]} | {rps:,.0f} | {rps / ping:.3f} | {max(r['p50_ms'] for r in rows_):.2f} | "
             f"{max(r['p95_ms'] for r in rows_):.2f} | {max(r['p99_ms'] for r in rows_):.2f} | {int(sum(r['errors'] for r in rows_))} |")
out += ["", f"Server peak RSS: {int(sys.argv[2]) // 1024} MB; at the end {int(os.environ['ANON']) // 1024} MB allocated (RssAnon) and {int(os.environ['FILE']) // 1024} MB mapped from files (RssFile: the database)."]
text = "\n".join(out) + "\n"
print(text)
if sys.argv[1]:
  open(sys.argv[1], "w").write(text)
PY
