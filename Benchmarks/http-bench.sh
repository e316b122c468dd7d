#!/usr/bin/env bash
# HTTP benchmark: intake and public reads against the same server's plain-text route, in one run, in
# two configurations:
#
# - bulk: moderation, rate limits and scheduled jobs off, one client address and one mobile number
#   (as for an import; the figures comparable with earlier runs);
# - shipped defaults: moderation on, the default rate limits on, every message from another mobile
#   number and another client address, given through X-Forwarded-For by a trusted proxy (127.0.0.1),
#   as a site behind nginx sees its citizens. The reads are of messages a moderator published.
#
#   Benchmarks/http-bench.sh [--out FILE]
#
# Builds the release binary; for each configuration starts `minsheng serve` on a fresh SQLite file (WAL,
# synchronous=FULL: every 201 is a durable commit) on 127.0.0.1, loads 200 messages, then runs wrk
# (16 connections, 2 threads, 10 s each) against GET /ping (the framework's ceiling), POST
# /api/v1/messages and GET /api/v1/messages/{id} (over the 200 loaded messages in turn), in three
# alternating rounds. Reports requests/s, the ratios to the ceiling, p99 latencies, answers other than
# 2xx and the server's peak resident memory. Needs wrk (Debian: apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no
OUT=""
[ "${1:-}" = "--out" ] && OUT="$2"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
swift build -c release --product minsheng >/dev/null 2>&1
BIN=.build/release/minsheng
ROOT=$(mktemp -d)
SERVER=""
trap '[ -n "$SERVER" ] && { kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; }; rm -rf "$ROOT"' EXIT
BODY='{"type":"complaint","title":"夜间施工噪音扰民","body":"小区旁工地每天夜里十一点后仍在施工，噪音很大，影响休息。","contact":{"name":"顾女士","phone":"13800138000"}}'

run() { # name, then wrk arguments; prints "name rps p99 non2xx"
  local name=$1; shift
  local text
  text=$(wrk -t2 -c16 -d10s --latency "$@")
  local rps p99 non2xx
  rps=$(echo "$text" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$text" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$text" | awk '/Non-2xx/ {print $NF}')
  echo "$name $rps $p99 ${non2xx:-0}"
}

measure() { # configuration (bulk | defaults); writes $ROOT/$1.txt and $ROOT/$1.meta
  local config=$1
  local work="$ROOT/$config"
  mkdir -p "$work"
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  (
    export DATABASE_URL="$work/bench.sqlite" LOG_LEVEL=warning MINSHENG_JOBS_INTERVAL=0
    if [ "$config" = bulk ]; then
      export MINSHENG_MODERATION=off MINSHENG_RATE_LIMIT_PHONE=off MINSHENG_RATE_LIMIT_ADDRESS=off MINSHENG_RATE_LIMIT_SEARCH=off
    else
      export MINSHENG_TRUSTED_PROXIES=127.0.0.1
    fi
    $BIN migrate >/dev/null
    printf 'bench admin password\n' | $BIN user add bench.admin --role admin >/dev/null
    exec $BIN serve --hostname 127.0.0.1 --port "$port" >"$work/server.log" 2>&1
  ) &
  SERVER=$!
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  local token ids=() id
  token=$(curl -s -X POST -H 'Content-Type: application/json' -d '{"username":"bench.admin","password":"bench admin password"}' \
    "http://127.0.0.1:$port/api/v1/auth/token" | python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])')
  for n in $(seq 1 200); do
    id=$(curl -s -X POST -H 'Content-Type: application/json' -H "X-Forwarded-For: 198.18.$((n / 250)).$((n % 250))" \
      -d "${BODY/13800138000/1390000$(printf %04d "$n")}" "http://127.0.0.1:$port/api/v1/messages" \
      | python3 -c 'import sys, json; print(json.load(sys.stdin)["id"])')
    # With moderation on, the public reads wait for a moderator: publish each as one would.
    [ "$config" = defaults ] && curl -sf -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
      -d '{"decision":"publish"}' "http://127.0.0.1:$port/api/v1/messages/$id/moderation" >/dev/null
    ids+=("$id")
  done
  # GET walks over all 200 messages in turn, not one hot row.
  {
    printf 'ids = {'
    printf '"%s",' "${ids[@]}"
    printf '}\ncounter = 0\nrequest = function()\n  counter = counter + 1\n  return wrk.format("GET", "/api/v1/messages/" .. ids[counter %% #ids + 1])\nend\n'
  } >"$work/get.lua"
  if [ "$config" = bulk ]; then
    cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$BODY'
LUA
  else
    # Another number and another client address every time (a proxy's X-Forwarded-For), drawn per
    # thread from its own seed: the rate limits count each as a new citizen.
    cat >"$work/post.lua" <<LUA
local body = '$BODY'
local thread_seed = 0
setup = function(thread) thread_seed = thread_seed + 1; thread:set("seed", thread_seed) end
init = function() math.randomseed(seed * 7919) end
request = function()
  local phone = string.format("139%08d", math.random(0, 99999999))
  local address = string.format("%d.%d.%d.%d", math.random(11, 99), math.random(0, 255), math.random(0, 255), math.random(1, 254))
  return wrk.format("POST", "/api/v1/messages",
    {["Content-Type"] = "application/json", ["X-Forwarded-For"] = address}, (body:gsub("13800138000", phone)))
end
LUA
  fi
  local results=()
  for round in 1 2 3; do
    results+=("$(run ping "http://127.0.0.1:$port/ping")")
    results+=("$(run post -s "$work/post.lua" "http://127.0.0.1:$port/api/v1/messages")")
    results+=("$(run get -s "$work/get.lua" "http://127.0.0.1:$port")")
  done
  local peak
  peak=$(awk '/VmHWM/ {print $2 " " $3}' /proc/$SERVER/status 2>/dev/null || echo "?")
  kill -TERM $SERVER; wait $SERVER || true
  SERVER=""
  printf '%s\n' "${results[@]}" >"$ROOT/$config.txt"
  echo "$peak|$(DATABASE_URL="$work/bench.sqlite" $BIN audit verify 2>/dev/null | tail -1)" >"$ROOT/$config.meta"
}

measure bulk
measure defaults

REPORT=$(python3 - "$ROOT" "$(hostname)" "$(nproc)" <<'PY'
import statistics, sys, datetime
root, host, cores = sys.argv[1:4]
print("# HTTP benchmark\n")
print(f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}")
print(f"- machine: {host}, {cores} cores; release build; SQLite (WAL, synchronous=FULL); wrk -t2 -c16 -d10s on 127.0.0.1")
print(f"- command: `Benchmarks/http-bench.sh`; three alternating rounds per configuration, medians reported")
titles = {"bulk": "Bulk: moderation and rate limits off, one client and one number",
          "defaults": "Shipped defaults: moderation and rate limits on, a new number and address (via a trusted proxy) each time"}
labels = {"ping": "GET /ping (ceiling)", "post": "POST /api/v1/messages", "get": "GET /api/v1/messages/{id}"}
for config in ("bulk", "defaults"):
    rows = [line.split() for line in open(f"{root}/{config}.txt") if line.strip()]
    peak, audit = open(f"{root}/{config}.meta").read().strip().split("|", 1)
    by = {}
    for name, rps, p99, bad in rows:
        by.setdefault(name, []).append((float(rps), p99, int(bad)))
    med = {k: statistics.median(r for r, _, _ in v) for k, v in by.items()}
    print(f"\n## {titles[config]}\n")
    print("| route | requests/s (median) | ratio to /ping | p99 per round | non-2xx |")
    print("| --- | ---: | ---: | --- | ---: |")
    for k in ["ping", "post", "get"]:
        v = by[k]
        print(f"| {labels[k]} | {med[k]:.0f} | {med[k] / med['ping']:.2f} | {', '.join(p for _, p, _ in v)} | {sum(b for _, _, b in v)} |")
    print(f"\nServer peak resident memory (VmHWM): {peak}. After the run `minsheng audit verify`: {audit}.")
print("\nGoals: POST ≥ 0.20 of the ceiling, GET ≥ 0.50.")
PY
)
echo "$REPORT"
[ -n "$OUT" ] && echo "$REPORT" >"$OUT"
exit 0
