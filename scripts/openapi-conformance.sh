#!/usr/bin/env bash
# OpenAPI conformance: schemathesis (PyPI) with all its checks against a running server, anonymously and
# as an administrator, on a fresh SQLite file with the demonstration (or DATABASE_URL). Every answer
# must be one the document names, with the schema it names; nothing may be a 5xx. Exits non-zero on
# any failure.
#
#   scripts/openapi-conformance.sh [--binary .build/debug/minsheng] [--examples 25]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/debug/minsheng
EXAMPLES=25
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) BIN="$2"; shift 2 ;;
    --examples) EXAMPLES="$2"; shift 2 ;;
    *) echo "usage: $0 [--binary PATH] [--examples N]" >&2; exit 2 ;;
  esac
done
python3 -c "import schemathesis" 2>/dev/null || python3 -m pip install -q schemathesis
export SWIFT_BACKTRACE=enable=no LOG_LEVEL=error MINSHENG_JOBS_INTERVAL=0
# The generated requests come from one address by the thousand: the limits would answer 429 to most.
export MINSHENG_RATE_LIMIT_PHONE=off MINSHENG_RATE_LIMIT_ADDRESS=off MINSHENG_RATE_LIMIT_SEARCH=off
export MINSHENG_SMS_LIMIT_PHONE=off MINSHENG_SMS_LIMIT_ADDRESS=off MINSHENG_SMS_LIMIT_TOTAL=off
WORK=$(mktemp -d)
SERVER=""
trap '[ -n "$SERVER" ] && { kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; }; rm -rf "$WORK"' EXIT
export DATABASE_URL="${DATABASE_URL:-$WORK/conformance.sqlite}"
"$BIN" migrate >/dev/null
"$BIN" demo --messages 60 >/dev/null
printf 'conformance admin password\n' | "$BIN" user add conformance.admin --role admin >/dev/null
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$BIN" serve --hostname 127.0.0.1 --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' \
  -d '{"username":"conformance.admin","password":"conformance admin password"}' \
  "http://127.0.0.1:$PORT/api/v1/auth/token" | python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])')
export MINSHENG_CONFORMANCE_TOKEN="$TOKEN"
STATUS=0
# ensure_resource_availability (ST302) is left out: a message posted under a moderation policy (the
# demonstration's) is not public until a moderator publishes it, so GET /api/v1/messages/{id} right
# after POST /api/v1/messages is 404 by design (the response's link says so; the author follows it by
# its tracking code). Every other check runs.
for who in anonymous admin; do
  CONFIG=scripts/conformance/schemathesis.toml
  [ "$who" = admin ] && CONFIG=scripts/conformance/admin.toml
  echo "== schemathesis, $who =="
  schemathesis --config-file "$CONFIG" run Resources/OpenAPI/openapi.json --url "http://127.0.0.1:$PORT" \
    --checks all --exclude-checks ensure_resource_availability --max-examples "$EXAMPLES" --seed 2023 --workers 1 --no-shrink \
    --report junit --report-dir "$WORK/report-$who" || STATUS=1
done
if ! kill -0 $SERVER 2>/dev/null; then echo "the server stopped during the run" >&2; STATUS=1; fi
exit $STATUS
