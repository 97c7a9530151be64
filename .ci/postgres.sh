# Sourced by .ci/run: installs PostgreSQL if missing, starts a throw-away server on
# loopback and exports LOA_TEST_DATABASE_URL so the storage tests run on it too.
# The server and its data directory are removed when the calling shell exits.

pg_bindir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

if [ -z "$(pg_bindir)" ] && ! command -v initdb >/dev/null 2>&1; then
    echo "== installing PostgreSQL"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
fi

PG_BIN="$(pg_bindir)"
[ -n "$PG_BIN" ] || PG_BIN="$(dirname "$(command -v initdb)")"
PG_DIR="$(mktemp -d /tmp/loa-pg.XXXXXX)"
# A free port unless told: two runs on one machine must not meet.
PG_PORT="${LOA_TEST_PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"

as_pg() {
    # initdb refuses to run as root; a developer's own account is fine.
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

[ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null

stop_postgres() {
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
}
trap stop_postgres EXIT

export LOA_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
echo "== PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
