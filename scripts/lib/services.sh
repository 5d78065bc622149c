# Throwaway PostgreSQL and Redis servers for scripts/test, sourced from it.
#
# Both listen on 127.0.0.1 only, on ports picked at start-up, and keep all their files in
# TEST_TMPDIR, which the caller creates. The caller must run stop_services from its EXIT trap.
# Only the processes started here are stopped, by the ids they were given at start-up.

PG_DATA=""
PG_PID=""
REDIS_PID=""

# Attempts at starting each server, each with a newly picked port.
SERVICE_START_ATTEMPTS=3

# Print a TCP port on 127.0.0.1 that was free when this ran.
# NOTE: another process can take the port before the server binds it, which is why the
# start functions below retry with a new port.
pick_free_port() {
    python3 -c '
import socket
with socket.socket() as sock:
    sock.bind(("127.0.0.1", 0))
    print(sock.getsockname()[1])
'
}

# Run a command until it succeeds or TIMEOUT_SECONDS pass. Returns 1 on timeout.
wait_until() {
    local timeout_seconds=$1
    shift
    local deadline=$((SECONDS + timeout_seconds))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            return 1
        fi
        sleep 0.2
    done
}

is_process_running() {
    [[ -n $1 ]] && kill -0 "$1" 2>/dev/null
}

# Stop process PID with SIGTERM, then with SIGKILL if it is still running after 10 seconds.
terminate_process() {
    local pid=$1
    is_process_running "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_until 10 eval "! kill -0 $pid"; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
}

# PostgreSQL refuses to run as root, so as root the cluster runs as the system user
# postgres, which is created when missing. Any other user runs the cluster as itself.
run_as_cluster_owner() {
    if ((EUID == 0)); then
        # The working directory may be one that postgres cannot enter, such as /root.
        (cd "$TEST_TMPDIR" && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

ensure_postgres_user() {
    ((EUID == 0)) || return 0
    id -u postgres >/dev/null 2>&1 && return 0
    echo "==> Creating the system user postgres to own the test cluster"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin postgres
}

# Print the directory with initdb and pg_ctl: PG_BINDIR when set, else the newest
# /usr/lib/postgresql/VERSION/bin (Debian's layout), else the one on PATH.
find_postgres_bindir() {
    if [[ -n ${PG_BINDIR:-} ]]; then
        echo "$PG_BINDIR"
        return 0
    fi

    local newest
    newest=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' \
        2>/dev/null | sort -V | tail -n 1)
    if [[ -n $newest ]]; then
        dirname "$newest"
        return 0
    fi

    local initdb_path
    if initdb_path=$(command -v initdb); then
        dirname "$(readlink -f "$initdb_path")"
        return 0
    fi

    echo "scripts/test: initdb not found. Install PostgreSQL (Debian: apt-get install postgresql) or set PG_BINDIR." >&2
    return 1
}

# Start a PostgreSQL cluster with trust authentication on 127.0.0.1, wait until it accepts
# connections, and create the database django_upwork. Exports PGHOST, PGPORT, PGUSER,
# PGPASSWORD and PGDATABASE for tests/settings.py and psql.
start_postgres() {
    local bindir
    bindir=$(find_postgres_bindir) || return 1
    ensure_postgres_user || return 1

    local pg_dir="$TEST_TMPDIR/postgres"
    mkdir "$pg_dir" || return 1
    if ((EUID == 0)); then
        chown postgres: "$pg_dir" || return 1
    fi
    PG_DATA="$pg_dir/data"

    if ! run_as_cluster_owner "$bindir/initdb" --pgdata="$PG_DATA" --username=postgres \
        --auth=trust --encoding=UTF8 --locale=C --no-sync >"$pg_dir/initdb.log" 2>&1; then
        echo "scripts/test: initdb failed with this output:" >&2
        cat "$pg_dir/initdb.log" >&2
        return 1
    fi

    # Durability settings are off because the cluster is deleted after the run.
    cat >>"$PG_DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$pg_dir'
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    # Only TCP connections from 127.0.0.1 are accepted, with no password.
    echo 'host all all 127.0.0.1/32 trust' >"$PG_DATA/pg_hba.conf"

    local attempt port
    for ((attempt = 1; attempt <= SERVICE_START_ATTEMPTS; attempt++)); do
        port=$(pick_free_port)
        if run_as_cluster_owner "$bindir/pg_ctl" --pgdata="$PG_DATA" --log="$pg_dir/server.log" \
            --options="-p $port" --wait --timeout=60 start >/dev/null 2>&1 &&
            wait_until 30 "$bindir/pg_isready" --host=127.0.0.1 --port="$port" --timeout=1; then
            break
        fi
        stop_postgres
        if ((attempt == SERVICE_START_ATTEMPTS)); then
            echo "scripts/test: PostgreSQL failed to start in $attempt attempts. The end of its log:" >&2
            tail -n 30 "$pg_dir/server.log" >&2
            return 1
        fi
    done
    PG_PID=$(head -n 1 "$PG_DATA/postmaster.pid")

    export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGPASSWORD="" PGDATABASE=django_upwork
    "$bindir/createdb" "$PGDATABASE" || return 1
    echo "==> PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT (pid $PG_PID)"
}

stop_postgres() {
    if [[ -n $PG_DATA && -e $PG_DATA/postmaster.pid ]]; then
        local bindir
        bindir=$(find_postgres_bindir 2>/dev/null) &&
            run_as_cluster_owner "$bindir/pg_ctl" --pgdata="$PG_DATA" --mode=immediate \
                --wait --timeout=30 stop >/dev/null 2>&1
    fi
    # pg_ctl failed or timed out, or the server was started but pg_ctl lost track of it.
    terminate_process "$PG_PID"
    PG_PID=""
}

# Start redis-server on 127.0.0.1 with no persistence, wait until PING returns PONG, and
# export REDIS_URL.
start_redis() {
    if ! command -v redis-server >/dev/null; then
        echo "scripts/test: redis-server not found. Install it (Debian: apt-get install redis-server)." >&2
        return 1
    fi

    local redis_dir="$TEST_TMPDIR/redis"
    mkdir "$redis_dir" || return 1

    local attempt port
    for ((attempt = 1; attempt <= SERVICE_START_ATTEMPTS; attempt++)); do
        port=$(pick_free_port)
        if redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
            --daemonize yes --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log" \
            --dir "$redis_dir" &&
            wait_until 10 eval "[[ \$(redis-cli -h 127.0.0.1 -p $port ping) == PONG ]]" &&
            wait_until 5 test -s "$redis_dir/redis.pid"; then
            break
        fi
        stop_redis
        if ((attempt == SERVICE_START_ATTEMPTS)); then
            echo "scripts/test: Redis failed to start in $attempt attempts. The end of its log:" >&2
            tail -n 30 "$redis_dir/redis.log" >&2
            return 1
        fi
    done
    REDIS_PID=$(<"$redis_dir/redis.pid")

    export REDIS_URL="redis://127.0.0.1:$port/0"
    echo "==> Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) at $REDIS_URL (pid $REDIS_PID)"
}

stop_redis() {
    if [[ -z $REDIS_PID && -s $TEST_TMPDIR/redis/redis.pid ]]; then
        REDIS_PID=$(<"$TEST_TMPDIR/redis/redis.pid")
    fi
    terminate_process "$REDIS_PID"
    REDIS_PID=""
    rm -f -- "$TEST_TMPDIR/redis/redis.pid"
}

stop_services() {
    stop_redis
    stop_postgres
}
