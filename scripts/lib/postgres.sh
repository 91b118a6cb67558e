# Starts a throwaway PostgreSQL for tests: source this, then call start_test_postgres.
# It exports TEST_POSTGRES_URL and stops the server and deletes its data on exit.
# shellcheck shell=bash

postgres_bindir() {
  local dir=""
  if command -v pg_config >/dev/null 2>&1; then dir=$(pg_config --bindir); fi
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  fi
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

install_postgres_if_missing() {
  if [ -n "$(postgres_bindir)" ]; then return; fi
  echo "== PostgreSQL server binaries not found; installing them with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Runs a PostgreSQL binary as the `postgres` user when we are root (it refuses root).
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_test_postgres() {
  install_postgres_if_missing
  local bindir; bindir=$(postgres_bindir)
  PG_TEST_DIR=$(mktemp -d /tmp/microshop-pg.XXXXXX)
  mkdir -p "$PG_TEST_DIR/data" "$PG_TEST_DIR/socket"
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$PG_TEST_DIR"; fi
  as_postgres "$bindir/initdb" -D "$PG_TEST_DIR/data" -U postgres --auth=trust -E UTF8 >"$PG_TEST_DIR/initdb.log"
  local port; port=$(free_port)
  as_postgres "$bindir/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w -t 60 \
    -o "-p $port -k $PG_TEST_DIR/socket -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
  PG_TEST_BINDIR=$bindir
  export TEST_POSTGRES_BINDIR=$bindir
  export TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
  trap stop_test_postgres EXIT
  echo "== throwaway PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($PG_TEST_DIR)"
}

stop_test_postgres() {
  if [ -n "${PG_TEST_DIR:-}" ] && [ -d "$PG_TEST_DIR/data" ]; then
    as_postgres "$PG_TEST_BINDIR/pg_ctl" -D "$PG_TEST_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_TEST_DIR"
  fi
}
