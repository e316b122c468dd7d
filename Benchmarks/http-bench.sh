#!/usr/bin/env bash
# HTTP benchmark: intake and public reads against the same server's plain-text route, in one run.
#
#   Benchmarks/http-bench.sh [--out FILE]
#
# Builds the release binary, starts `minsheng serve` on a fresh SQLite file (WAL, synchronous=FULL:
# every 201 is a durable commit) on 127.0.0.1, loads 200 messages, then runs wrk (16 connections,
# 2 threads, 10 s each) against GET /ping (the framework's ceiling), POST /api/v1/messages and
# GET /api/v1/messages/{id} (over the 200 loaded messages in turn), alternating rounds. Reports requests/s, the ratios to the ceiling, p99
# latencies and the server's peak resident memory. Needs wrk (Debian: apt-get install wrk).
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
export MINSHENG_MODERATION=off MINSHENG_RATE_LIMIT_PHONE=off MINSHENG_RATE_LIMIT_ADDRESS=off MINSHENG_JOBS_INTERVAL=0
$BIN serve --hostname 127.0.0.1 --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
BODY='{"type":"complaint","title":"夜间施工噪音扰民","body":"小区旁工地每天夜里十一点后仍在施工，噪音很大，影响休息。","contact":{"name":"顾女士","phone":"13800138000"}}'
IDS=()
for _ in $(seq 1 200); do
  IDS+=("$(curl -s -X POST -H 'Content-Type: application/json' -d "$BODY" "http://127.0.0.1:$PORT/api/v1/messages" | python3 -c 'import sys, json; print(json.load(sys.stdin)["id"])')")
done
# GET walks over all 200 messages in turn, not one hot row.
{
  printf 'ids = {'
  printf '"%s",' "${IDS[@]}"
  printf '}\ncounter = 0\nrequest = function()\n  counter = counter + 1\n  return wrk.format("GET", "/api/v1/messages/" .. ids[counter %% #ids + 1])\nend\n'
} >"$WORK/get.lua"
cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$BODY'
LUA

run() { # name, then wrk arguments; prints "name rps p99"
  local name=$1; shift
  local text
  text=$(wrk -t2 -c16 -d10s --latency "$@")
  local rps p99 non2xx
  rps=$(echo "$text" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$text" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$text" | awk '/Non-2xx/ {print $NF}')
  echo "$name $rps $p99 ${non2xx:-0}"
}

RESULTS=()
for round in 1 2 3; do
  RESULTS+=("$(run ping "http://127.0.0.1:$PORT/ping")")
  RESULTS+=("$(run post -s "$WORK/post.lua" "http://127.0.0.1:$PORT/api/v1/messages")")
  RESULTS+=("$(run get -s "$WORK/get.lua" "http://127.0.0.1:$PORT")")
done
PEAK=$(awk '/VmHWM/ {print $2 " " $3}' /proc/$SERVER/status)
kill -TERM $SERVER; wait $SERVER || true
AUDIT=$($BIN audit verify 2>/dev/null | tail -1)

printf '%s\n' "${RESULTS[@]}" >"$WORK/results.txt"
REPORT=$(python3 - "$WORK/results.txt" "$PEAK" "$AUDIT" "$(hostname)" "$(nproc)" <<'PY'
import statistics, sys, datetime
path, peak, audit, host, cores = sys.argv[1:6]
rows = [line.split() for line in open(path) if line.strip()]
by = {}
for name, rps, p99, bad in rows:
    by.setdefault(name, []).append((float(rps), p99, int(bad)))
med = {k: statistics.median(r for r, _, _ in v) for k, v in by.items()}
print("# HTTP benchmark\n")
print(f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}")
print(f"- machine: {host}, {cores} cores; release build; SQLite (WAL, synchronous=FULL); wrk -t2 -c16 -d10s on 127.0.0.1")
print(f"- command: `Benchmarks/http-bench.sh`; three alternating rounds, medians reported\n")
print("| route | requests/s (median) | ratio to /ping | p99 per round | non-2xx |")
print("| --- | ---: | ---: | --- | ---: |")
labels = {"ping": "GET /ping (ceiling)", "post": "POST /api/v1/messages", "get": "GET /api/v1/messages/{id}"}
for k in ["ping", "post", "get"]:
    v = by[k]
    print(f"| {labels[k]} | {med[k]:.0f} | {med[k] / med['ping']:.2f} | {', '.join(p for _, p, _ in v)} | {sum(b for _, _, b in v)} |")
print(f"\nGoals: POST ≥ 0.20 of the ceiling, GET ≥ 0.50. Server peak resident memory (VmHWM): {peak}. After the run `minsheng audit verify`: {audit}.")
PY
)
echo "$REPORT"
[ -n "$OUT" ] && echo "$REPORT" >"$OUT"
exit 0
