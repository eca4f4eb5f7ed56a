#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 on a free loopback port for the tests and prints the export lines that point the
# store tests at it (DERAILED_TEST_PG_URL, DERAILED_TEST_PG_USER, DERAILED_TEST_PG_PASSWORD).
#
#   eval "$(bash .ci/postgres.sh)"    # start (or reuse the one already running) and export its coordinates
#   bash .ci/postgres.sh stop         # stop the server this script started and delete its data
#
# Only the export lines go to stdout; progress goes to stderr. Works as root (the server runs as user postgres, which
# is created if missing) or as an ordinary user. Installs PostgreSQL with apt-get when no binaries are found.
set -euo pipefail

STATE_DIR=/tmp/derailed-test-pg
STATE_FILE="$STATE_DIR/server.env"
PG_USER=postgres
# A throwaway server: durability off for speed, room for many test pools.
SPEED_OPTIONS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"

log() { echo "postgres.sh: $*" >&2; }
die() { log "$*"; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command as the server's OS user (postgres when we are root, ourselves otherwise).
as_server_user() {
    if ! is_root; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        runuser -u "$PG_USER" -- "$@"
    else
        su -s /bin/sh "$PG_USER" -c "$(printf '%q ' "$@")"
    fi
}

find_bindir() {
    local dir
    if [ -x /usr/lib/postgresql/15/bin/pg_ctl ]; then
        echo /usr/lib/postgresql/15/bin
        return 0
    fi
    if command -v pg_config >/dev/null 2>&1; then
        dir="$(pg_config --bindir 2>/dev/null || true)"
        if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then
            echo "$dir"
            return 0
        fi
    fi
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

install_postgres() {
    is_root || die "PostgreSQL is not installed and only root can install it (apt-get install postgresql-15)"
    command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and there is no apt-get to install it"
    log "installing PostgreSQL with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql-15 >&2 || apt-get install -y -qq postgresql >&2
}

ensure_server_user() {
    is_root || return 0
    if ! id -u "$PG_USER" >/dev/null 2>&1; then
        log "creating user $PG_USER"
        if getent group "$PG_USER" >/dev/null 2>&1; then
            useradd --system --gid "$PG_USER" --no-create-home --shell /bin/sh "$PG_USER"
        else
            useradd --system --user-group --no-create-home --shell /bin/sh "$PG_USER"
        fi
    fi
}

free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' \
            2>/dev/null && return 0
    fi
    local port
    for port in $(seq 54320 54420); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

print_exports() {
    echo "export DERAILED_TEST_PG_URL='jdbc:postgresql://127.0.0.1:$PORT/postgres'"
    echo "export DERAILED_TEST_PG_USER='$PG_USER'"
    echo "export DERAILED_TEST_PG_PASSWORD='$PASSWORD'"
}

# Loads the state of the server a previous run started; false when there is none.
load_state() {
    [ -f "$STATE_FILE" ] || return 1
    # shellcheck disable=SC1090
    . "$STATE_FILE"
    [ -n "${BASE:-}" ] && [ -n "${PORT:-}" ] && [ -n "${PASSWORD:-}" ] && [ -n "${BINDIR:-}" ]
}

running() {
    [ -d "$BASE/data" ] \
        && as_server_user "$BINDIR/pg_ctl" status -D "$BASE/data" >/dev/null 2>&1 \
        && "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" >/dev/null 2>&1
}

stop_server() {
    if load_state; then
        if [ -d "$BASE/data" ]; then
            log "stopping the server in $BASE (port $PORT)"
            as_server_user "$BINDIR/pg_ctl" stop -D "$BASE/data" -m fast -w >/dev/null 2>&1 || true
        fi
        rm -rf "$BASE"
    fi
    rm -f "$STATE_FILE"
}

start_server() {
    local tries=0 socket_dir
    if load_state && running; then
        log "reusing the server in $BASE (port $PORT)"
        print_exports
        return 0
    fi
    stop_server

    BINDIR="$(find_bindir || true)"
    if [ -z "$BINDIR" ]; then
        install_postgres
        BINDIR="$(find_bindir)" || die "no PostgreSQL binaries found after installing"
    fi
    log "using $("$BINDIR/postgres" --version) from $BINDIR"
    ensure_server_user

    BASE="$(mktemp -d /tmp/derailed-test-pg.XXXXXX)"
    PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
    socket_dir="$BASE/sock"
    mkdir -p "$BASE/data" "$socket_dir"
    printf '%s\n' "$PASSWORD" >"$BASE/pwfile"
    if is_root; then
        chown -R "$PG_USER:" "$BASE"
    fi
    chmod 700 "$BASE" "$BASE/data"

    as_server_user "$BINDIR/initdb" -D "$BASE/data" -U "$PG_USER" --pwfile="$BASE/pwfile" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync >"$BASE/initdb.log" 2>&1 \
        || { cat "$BASE/initdb.log" >&2; die "initdb failed"; }
    rm -f "$BASE/pwfile"

    while :; do
        tries=$((tries + 1))
        PORT="$(free_port)" || die "no free loopback port"
        if as_server_user "$BINDIR/pg_ctl" start -w -t 60 -D "$BASE/data" -l "$BASE/server.log" \
            -o "-c listen_addresses=127.0.0.1 -p $PORT -k $socket_dir $SPEED_OPTIONS" >/dev/null 2>&1; then
            break
        fi
        [ "$tries" -lt 5 ] || { tail -n 20 "$BASE/server.log" >&2 || true; die "the server did not start"; }
        log "start on port $PORT failed, trying another port"
    done

    for _ in $(seq 1 60); do
        "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" && break
        sleep 0.5
    done
    "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" || die "the server on port $PORT is not ready"

    mkdir -p "$STATE_DIR"
    umask 077
    chmod 700 "$STATE_DIR"
    {
        echo "BASE='$BASE'"
        echo "PORT='$PORT'"
        echo "PASSWORD='$PASSWORD'"
        echo "BINDIR='$BINDIR'"
    } >"$STATE_FILE"
    log "PostgreSQL is up on 127.0.0.1:$PORT (data in $BASE/data)"
    print_exports
}

case "${1:-start}" in
    start) start_server ;;
    stop) stop_server ;;
    *) die "usage: bash .ci/postgres.sh [start|stop]" ;;
esac
