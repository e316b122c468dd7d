#!/usr/bin/env bash
# HTTP benchmark on PostgreSQL (#24), side by side with SQLite and the framework's ceiling in one run:
#
#   Benchmarks/pg-http-bench.sh [--out FILE]
#
# Builds the release binary and starts a throwaway PostgreSQL cluster with fsync, synchronous commits
# and full-page writes on (scripts/with-postgres.sh, MINSHENG_PG_DURABLE=1; as production runs it).
# Each configuration gets a fresh database, `minsheng migrate` and 200 messages; moderation, rate
# limits and the scheduled jobs are off (bulk intake, as in Benchmarks/http-bench.sh):
#
# - sqlite: one `serve` on an SQLite file (WAL, synchronous=FULL);
# - postgres: one `serve` on PostgreSQL;
# - postgres-2: two `serve` instances on the same PostgreSQL database, posting at once (wrk -t1
#   -c16 on each, 16 clients each), with the CPU time of the servers, of PostgreSQL and of wrk
#   over the run (the load generator shares the same cores, which caps the total).
#
# For sqlite and postgres: wrk -t2 -c16 -d10s against GET /ping, POST /api/v1/messages and GET
# /api/v1/messages/{id} (over the 200 messages in turn), in three alternating rounds; medians and
# ratios to /ping are reported. After each configuration `minsheng audit verify` runs on its database
# (after the servers stopped: every acknowledged event sealed or checked as not sealed yet).
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no
if [ -z "${MINSHENG_BENCH_PG:-}" ]; then
  command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
  swift build -c release --product minsheng >/dev/null 2>&1
  export MINSHENG_PG_DURABLE=1
  exec scripts/with-postgres.sh env MINSHENG_BENCH_PG=1 "$0" "$@"
fi
OUT=""
[ "${1:-}" = "--out" ] && OUT="$2"
BIN=$PWD/.build/release/minsheng
ADMIN_URL=$MINSHENG_TEST_POSTGRES_URL
ROOT=$(mktemp -d)
SERVERS=()
stop_servers() {
  for pid in "${SERVERS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${SERVERS[@]}"; do wait "$pid" 2>/dev/null || true; done
  SERVERS=()
}
trap 'stop_servers; rm -rf "$ROOT"' EXIT
BODY='{"type":"complaint","title":"夜间施工噪音扰民","body":"小区旁工地每天夜里十一点后仍在施工，噪音很大，影响休息。","contact":{"name":"顾女士","phone":"13800138000"}}'
export LOG_LEVEL=warning MINSHENG_JOBS_INTERVAL=0 MINSHENG_MODERATION=off MINSHENG_RATE_LIMIT_PHONE=off \
  MINSHENG_RATE_LIMIT_ADDRESS=off MINSHENG_RATE_LIMIT_SEARCH=off

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

start_server() { # database URL, port, log
  DATABASE_URL="$1" "$BIN" serve --hostname 127.0.0.1 --port "$2" >"$3" 2>&1 &
  SERVERS+=($!)
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$2/healthz" >/dev/null && return 0; sleep 0.2; done
  echo "server on port $2 did not start" >&2; cat "$3" >&2; exit 1
}

wrk_line() { # name, then wrk arguments; prints "name rps p99 non2xx"
  local name=$1; shift
  local text rps p99 non2xx
  text=$(wrk --latency "$@")
  rps=$(echo "$text" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$text" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$text" | awk '/Non-2xx/ {print $NF}')
  echo "$name $rps $p99 ${non2xx:-0}"
}

prepare() { # configuration name; prints the database URL after migrating it
  local name=$1
  if [ "$name" = sqlite ]; then
    echo "$ROOT/bench.sqlite"
  else
    psql -q "$ADMIN_URL" -c "CREATE DATABASE bench_${name//-/_}" >/dev/null
    echo "${ADMIN_URL%/*}/bench_${name//-/_}"
  fi
}

scripts_for() { # port, work directory: writes post.lua and get.lua over 200 fresh messages
  local port=$1 work=$2 ids=() id n
  for n in $(seq 1 200); do
    id=$(curl -s -X POST -H 'Content-Type: application/json' -d "$BODY" "http://127.0.0.1:$port/api/v1/messages" \
      | python3 -c 'import sys, json; print(json.load(sys.stdin)["id"])')
    ids+=("$id")
  done
  {
    printf 'ids = {'
    printf '"%s",' "${ids[@]}"
    printf '}\ncounter = 0\nrequest = function()\n  counter = counter + 1\n  return wrk.format("GET", "/api/v1/messages/" .. ids[counter %% #ids + 1])\nend\n'
  } >"$work/get.lua"
  cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$BODY'
LUA
}

one_instance() { # sqlite | postgres
  local config=$1 work="$ROOT/$1" url port
  mkdir -p "$work"
  url=$(prepare "$config")
  DATABASE_URL="$url" "$BIN" migrate >/dev/null
  port=$(free_port)
  start_server "$url" "$port" "$work/server.log"
  scripts_for "$port" "$work"
  local results=()
  for round in 1 2 3; do
    results+=("$(wrk_line ping -t2 -c16 -d10s "http://127.0.0.1:$port/ping")")
    results+=("$(wrk_line post -t2 -c16 -d10s -s "$work/post.lua" "http://127.0.0.1:$port/api/v1/messages")")
    results+=("$(wrk_line get -t2 -c16 -d10s -s "$work/get.lua" "http://127.0.0.1:$port")")
  done
  local peak
  peak=$(awk '/VmHWM/ {print $2 " " $3}' "/proc/${SERVERS[0]}/status" 2>/dev/null || echo "?")
  stop_servers
  printf '%s\n' "${results[@]}" >"$ROOT/$config.txt"
  echo "$peak|$(DATABASE_URL="$url" "$BIN" audit verify 2>&1 | tail -1)" >"$ROOT/$config.meta"
}

cpu_of() { # pids: their user+system CPU seconds (children included)
  local total=0 pid t
  for pid in "$@"; do
    t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    total=$((total + t))
  done
  echo "$total"
}

postgres_cpu() { # CPU ticks of every PostgreSQL process
  local pids
  pids=$(pgrep -f "postgres" | tr '\n' ' ')
  cpu_of $pids
}

two_instances() {
  local work="$ROOT/postgres-2" url p1 p2
  mkdir -p "$work"
  url=$(prepare postgres-2)
  DATABASE_URL="$url" "$BIN" migrate >/dev/null
  p1=$(free_port); start_server "$url" "$p1" "$work/server1.log"
  p2=$(free_port); start_server "$url" "$p2" "$work/server2.log"
  scripts_for "$p1" "$work"
  local results=() round
  for round in 1 2 3; do
    # One instance alone, then both at once; 16 clients on each instance.
    results+=("$(wrk_line one -t1 -c16 -d10s -s "$work/post.lua" "http://127.0.0.1:$p1/api/v1/messages")")
    local ticks=$(getconf CLK_TCK) s0 pg0 t0 s1 pg1 t1 all0 all1
    s0=$(cpu_of "${SERVERS[@]}"); pg0=$(postgres_cpu); all0=$(awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8}' /proc/stat)
    t0=$(date +%s.%N)
    wrk_line a -t1 -c16 -d10s -s "$work/post.lua" "http://127.0.0.1:$p1/api/v1/messages" >"$work/a.txt" &
    local wa=$!
    wrk_line b -t1 -c16 -d10s -s "$work/post.lua" "http://127.0.0.1:$p2/api/v1/messages" >"$work/b.txt" &
    local wb=$!
    wait $wa $wb
    t1=$(date +%s.%N)
    s1=$(cpu_of "${SERVERS[@]}"); pg1=$(postgres_cpu); all1=$(awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8}' /proc/stat)
    results+=("$(cat "$work/a.txt")" "$(cat "$work/b.txt")")
    results+=("cpu $(python3 -c "
t=$t1-$t0; k=$ticks
print(f'{($s1-$s0)/k/t:.2f} {($pg1-$pg0)/k/t:.2f} {($all1-$all0)/k/t:.2f}')") -")
  done
  stop_servers
  printf '%s\n' "${results[@]}" >"$ROOT/postgres-2.txt"
  local verify serials
  verify=$(DATABASE_URL="$url" "$BIN" audit verify 2>&1 | tail -1)
  serials=$(psql -qtA "$url" -c "SELECT COUNT(*) || ' messages, ' || COUNT(DISTINCT (serial_year, serial_number)) || ' distinct serials' FROM messages")
  echo "$verify|$serials" >"$ROOT/postgres-2.meta"
}

one_instance sqlite
one_instance postgres
two_instances

PGVERSION=$(psql -qtA "$ADMIN_URL" -c "SHOW server_version" | cut -d' ' -f1)
REPORT=$(python3 - "$ROOT" "$(hostname)" "$(nproc)" "$PGVERSION" <<'PY'
import statistics, sys, datetime
root, host, cores, pg = sys.argv[1:5]
print("# HTTP benchmark on PostgreSQL beside SQLite\n")
print(f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}")
print(f"- machine: {host}, {cores} cores; release build; wrk on 127.0.0.1, 16 connections per instance, 10 s a run")
print(f"- PostgreSQL {pg}: fsync, synchronous_commit and full_page_writes on; SQLite: WAL, synchronous=FULL")
print("- moderation, rate limits and scheduled jobs off (bulk intake)")
print("- command: `Benchmarks/pg-http-bench.sh`; three alternating rounds, medians reported\n")
labels = {"ping": "GET /ping (ceiling)", "post": "POST /api/v1/messages", "get": "GET /api/v1/messages/{id}"}
print("| route | SQLite req/s | ratio | PostgreSQL req/s | ratio | goal (PostgreSQL) |")
print("| --- | ---: | ---: | ---: | ---: | --- |")
by = {}
for config in ("sqlite", "postgres"):
    for line in open(f"{root}/{config}.txt"):
        name, rps, p99, bad = line.split()
        by.setdefault((config, name), []).append((float(rps), p99, int(bad)))
med = {k: statistics.median(r for r, _, _ in v) for k, v in by.items()}
goals = {"ping": "", "post": "≥ 0.15", "get": "≥ 0.50"}
for k in ("ping", "post", "get"):
    s, p = med[("sqlite", k)], med[("postgres", k)]
    print(f"| {labels[k]} | {s:.0f} | {s / med[('sqlite', 'ping')]:.2f} | {p:.0f} | {p / med[('postgres', 'ping')]:.2f} | {goals[k]} |")
print("\np99 per round and answers other than 2xx:\n")
for config in ("sqlite", "postgres"):
    for k in ("ping", "post", "get"):
        v = by[(config, k)]
        print(f"- {config} {k}: p99 {', '.join(p for _, p, _ in v)}; non-2xx {sum(b for _, _, b in v)}")
for config in ("sqlite", "postgres"):
    peak, audit = open(f"{root}/{config}.meta").read().strip().split("|", 1)
    print(f"- {config}: server peak resident memory {peak}; `minsheng audit verify` after the run: {audit}")
print("\n## Two instances on one PostgreSQL database, posting at once\n")
rows = [l.split() for l in open(f"{root}/postgres-2.txt") if l.strip()]
rounds, current = [], {}
for r in rows:
    current[r[0]] = r
    if r[0] == "cpu":
        rounds.append(current); current = {}
print("| round | one instance alone (16 clients) | instance A | instance B | both | both / one | CPU: servers | CPU: PostgreSQL | CPU: whole machine |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for i, r in enumerate(rounds, 1):
    one, a, b = float(r["one"][1]), float(r["a"][1]), float(r["b"][1])
    cpu = r["cpu"]
    print(f"| {i} | {one:.0f} | {a:.0f} | {b:.0f} | {a + b:.0f} | {(a + b) / one:.2f} | {cpu[1]} | {cpu[2]} | {cpu[3]} of {cores} |")
bad = sum(int(r[k][3]) for r in rounds for k in ("one", "a", "b"))
verify, serials = open(f"{root}/postgres-2.meta").read().strip().split("|", 1)
print(f"\nCPU in cores busy over the two-instance runs (servers: both `serve` processes; PostgreSQL: all its processes;")
print(f"the rest of the machine is mostly wrk). Answers other than 2xx: {bad}. After the run: {serials};")
print(f"`minsheng audit verify`: {verify}.")
PY
)
echo "$REPORT"
[ -n "$OUT" ] && echo "$REPORT" >"$OUT"
exit 0
