#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster: installs Debian's server when no server binary
# exists, initialises a cluster in a temporary directory, listens on 127.0.0.1 on a free port as a
# non-root user, exports MINSHENG_TEST_POSTGRES_URL, runs the command, and always stops the cluster.
#
#   scripts/with-postgres.sh swift test
#
# The cluster is for tests: fsync is off unless MINSHENG_PG_DURABLE=1 (the kill test), and a restart script is exported.
# With MINSHENG_PG_REPLICA=1 a streaming replica is made with pg_basebackup and started on its own port:
# MINSHENG_TEST_POSTGRES_REPLICA_URL names it and MINSHENG_TEST_PG_REPLICA_STOP is a script that stops it.
set -euo pipefail

find_bindir() {
  local dir
  if command -v pg_config >/dev/null 2>&1; then
    dir=$(pg_config --bindir 2>/dev/null || true)
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

BINDIR=$(find_bindir || true)
if [ -z "$BINDIR" ]; then
  echo "with-postgres: no PostgreSQL server found; installing Debian's postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  BINDIR=$(find_bindir)
fi

RUN_AS=()
if [ "$(id -u)" = "0" ]; then
  PGUSER_OS=minsheng-pg
  id "$PGUSER_OS" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$PGUSER_OS"
  RUN_AS=(runuser -u "$PGUSER_OS" --)
fi

WORK=$(mktemp -d /tmp/minsheng-pg.XXXXXX)
chmod 755 "$WORK"
[ "${#RUN_AS[@]}" -gt 0 ] && chown "$PGUSER_OS" "$WORK"

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

stop_cluster() {
  if [ -d "$WORK/replica" ]; then
    "${RUN_AS[@]}" "$BINDIR/pg_ctl" -D "$WORK/replica" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  "${RUN_AS[@]}" "$BINDIR/pg_ctl" -D "$WORK/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap stop_cluster EXIT INT TERM

"${RUN_AS[@]}" "$BINDIR/initdb" -D "$WORK/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 \
  || { cat "$WORK/initdb.log" >&2; exit 1; }
# Tests run without fsync (nothing kills the PostgreSQL server itself); the kill test asks for a
# durable cluster (MINSHENG_PG_DURABLE=1: fsync, synchronous commits, full-page writes, PostgreSQL's
# defaults) and gets a script that stops the server for a few seconds and starts it again.
if [ "${MINSHENG_PG_DURABLE:-}" = "1" ]; then
  DURABILITY="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
else
  DURABILITY="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi
OPTIONS="-c listen_addresses=127.0.0.1 -p $PORT -k $WORK -c max_connections=1000 $DURABILITY"
"${RUN_AS[@]}" "$BINDIR/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w -t 60 -o "$OPTIONS" \
  start >/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
cat >"$WORK/restart.sh" <<RESTART
#!/usr/bin/env bash
# Stops the test cluster (fast: open connections are cut), waits \${1:-3} seconds, starts it again.
set -e
${RUN_AS[*]} "$BINDIR/pg_ctl" -D "$WORK/data" -m fast -w stop >/dev/null
sleep "\${1:-3}"
${RUN_AS[*]} "$BINDIR/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w -t 60 -o "$OPTIONS" start >/dev/null
RESTART
chmod 755 "$WORK/restart.sh"
export MINSHENG_TEST_PG_RESTART="$WORK/restart.sh"

if [ "${MINSHENG_PG_REPLICA:-}" = "1" ]; then
  REPLICA_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  "${RUN_AS[@]}" "$BINDIR/pg_basebackup" -h 127.0.0.1 -p "$PORT" -U postgres -D "$WORK/replica" -R -X stream \
    >"$WORK/basebackup.log" 2>&1 || { cat "$WORK/basebackup.log" >&2; exit 1; }
  REPLICA_OPTIONS="-c listen_addresses=127.0.0.1 -p $REPLICA_PORT -k $WORK -c max_connections=1000 -c hot_standby=on $DURABILITY"
  "${RUN_AS[@]}" "$BINDIR/pg_ctl" -D "$WORK/replica" -l "$WORK/replica.log" -w -t 60 -o "$REPLICA_OPTIONS" \
    start >/dev/null || { cat "$WORK/replica.log" >&2; exit 1; }
  cat >"$WORK/replica-stop.sh" <<STOP
#!/usr/bin/env bash
# Stops the test cluster's streaming replica at once, as a crash would.
${RUN_AS[*]} "$BINDIR/pg_ctl" -D "$WORK/replica" -m immediate -w stop >/dev/null
STOP
  chmod 755 "$WORK/replica-stop.sh"
  export MINSHENG_TEST_POSTGRES_REPLICA_URL="postgres://postgres@127.0.0.1:$REPLICA_PORT/postgres"
  export MINSHENG_TEST_PG_REPLICA_STOP="$WORK/replica-stop.sh"
  echo "with-postgres: streaming replica on 127.0.0.1:$REPLICA_PORT" >&2
fi

export MINSHENG_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
echo "with-postgres: PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" >&2
set +e
"$@"
status=$?
set -e
exit $status
