#!/usr/bin/env bash
# Public pages benchmark: GET / and message pages with the demonstration loaded, against the same
# server's plain-text route, in one run.
#
#   Benchmarks/pages-bench.sh [--out FILE]
#
# Builds the release binary, loads the demonstration (1,000 messages) into a fresh SQLite file, starts
# `minsheng serve` on 127.0.0.1 and runs wrk (16 connections, 2 threads, 10 s each) against
# GET /ping (the framework's ceiling), GET / (home: boards with live figures, latest replies),
# GET /messages/{id} (the public messages in turn), and GET /messages?q=噪音 (search), in 3
# alternating rounds. Reports requests/s, the ratio to /ping, and p50/p95/p99 latency.
# The goal of issue #4: GET / and a message page under 50 ms at p95.
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no
OUT=""
[ "${1:-}" = "--out" ] && OUT="$2"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
swift build -c release --product minsheng >/dev/null 2>&1
BIN=.build/release/minsheng
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
export DATABASE_URL="$WORK/bench.sqlite" LOG_LEVEL=warning
# One client address and one mobile number post thousands of messages, and the reads need them
# published: the rate limits and moderation are off, as for a bulk import; the scheduled jobs too.
export MINSHENG_MODERATION=off MINSHENG_RATE_LIMIT_PHONE=off MINSHENG_RATE_LIMIT_ADDRESS=off MINSHENG_RATE_LIMIT_SEARCH=off MINSHENG_JOBS_INTERVAL=0
$BIN demo >/dev/null
$BIN serve --hostname 127.0.0.1 --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
BASE="http://127.0.0.1:$PORT"
curl -s "$BASE/api/v1/messages?limit=200" | python3 -c '
import sys, json
for item in json.load(sys.stdin)["items"]: print("/messages/" + item["id"])' >"$WORK/messages.txt"
echo "/messages?q=%E5%99%AA%E9%9F%B3" >"$WORK/search.txt"
echo "/" >"$WORK/home.txt"
echo "/ping" >"$WORK/ping.txt"
export REPORT="$PWD/Benchmarks/wrk/report.lua"
declare -A LINES
for round in 1 2 3; do
  for name in ping home messages search; do
    line=$(PATHS="$WORK/$name.txt" wrk -t2 -c16 -d10s -s Benchmarks/wrk/paths.lua "$BASE" | grep '^rps=')
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
python3 - "$OUT" "$RSS" <<PY
import os, re, sys, datetime, platform
lines = {
  "ping": """${LINES[ping]}""", "home": """${LINES[home]}""", "messages": """${LINES[messages]}""", "search": """${LINES[search]}""",
}
def parse(text):
  return [dict((k, float(v)) for k, v in re.findall(r"(\w+)=([\d.]+)", l)) for l in text.strip().splitlines()]
data = {k: parse(v) for k, v in lines.items()}
ping = sum(r["rps"] for r in data["ping"]) / len(data["ping"])
out = [f"# Public pages benchmark — {datetime.date.today()} on {platform.node()} ({os.cpu_count()} cores)", "",
  "Command: \`Benchmarks/pages-bench.sh\` (release build, SQLite, demonstration of 1,000 messages,",
  "wrk -t2 -c16, 10 s per run, 3 alternating rounds). Goal (#4): GET / and a message page under 50 ms at p95.", "",
  "| route | requests/s (mean) | ratio to /ping | p50 ms | p95 ms (worst round) | p99 ms (worst round) | errors |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
names = {"ping": "GET /ping (ceiling)", "home": "GET /", "messages": "GET /messages/{id} (200 in turn)",
         "search": "GET /messages?q=噪音"}
for key in ("ping", "home", "messages", "search"):
  rows = data[key]
  rps = sum(r["rps"] for r in rows) / len(rows)
  out.append(f"| {names[key]} | {rps:,.0f} | {rps / ping:.2f} | {max(r['p50_ms'] for r in rows):.2f} | "
             f"{max(r['p95_ms'] for r in rows):.2f} | {max(r['p99_ms'] for r in rows):.2f} | {int(sum(r['errors'] for r in rows))} |")
out += ["", f"Server peak RSS: {int(sys.argv[2]) // 1024} MB; at the end {int(os.environ['ANON']) // 1024} MB allocated (RssAnon) and {int(os.environ['FILE']) // 1024} MB mapped from files (RssFile: the database)."]
text = "\n".join(out) + "\n"
print(text)
if sys.argv[1]:
  open(sys.argv[1], "w").write(text)
PY
