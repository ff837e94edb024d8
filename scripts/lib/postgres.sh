# A throw-away PostgreSQL server for the hub's tests and benchmarks
# (ADR 0019). Source it, then call `start_postgres fast|durable`:
#
# Debian's PostgreSQL (installed with apt if initdb is missing), started in a
# temporary directory as a non-root user, reachable on a unix socket and on a
# loopback TCP port with TLS (a certificate for localhost from a throw-away CA
# made with openssl, for hub/tests/database_tls.rs), stopped and removed when
# the calling script exits (an EXIT trap). Afterwards PG_URL holds key-value
# words reaching it on the socket as the `postgres` role (which may create
# databases), PG_TLS_WORDS the words for its TLS port (without sslmode),
# PG_CA the CA's certificate file, and PG_LOG the server's log file.
#
# synchronous_commit is on in both modes (the hub refuses to start without
# it). `fast` turns fsync and full_page_writes off: for tests, whose server
# files are thrown away and cannot be observed; never run a real hub so.
# `durable` keeps both on, as a real server has them: for benchmarks of
# durable commits.

pg_find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

start_postgres() {
    local mode="$1" durability
    case "$mode" in
        fast) durability="-c fsync=off -c full_page_writes=off" ;;
        durable) durability="-c fsync=on -c full_page_writes=on" ;;
        *) echo "start_postgres: fast or durable, not '$mode'" >&2; return 2 ;;
    esac
    PG_BIN=$(pg_find_bin)
    if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
        echo "installing PostgreSQL from Debian's packages" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null \
            || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null; }
        PG_BIN=$(pg_find_bin)
    fi
    command -v openssl >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssl >/dev/null

    # initdb and postgres refuse to run as root.
    PG_AS_USER=()
    if [ "$(id -u)" = 0 ]; then
        local user=postgres
        id -u "$user" >/dev/null 2>&1 || user=nobody
        PG_AS_USER=(runuser -u "$user" --)
    fi

    PG_DIR=$(mktemp -d /tmp/wv-hub-postgres.XXXXXX)
    chmod 0755 "$PG_DIR"
    [ "${#PG_AS_USER[@]}" -eq 0 ] || chown "${PG_AS_USER[2]}" "$PG_DIR"
    trap stop_postgres EXIT

    "${PG_AS_USER[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --no-locale -E UTF8 >/dev/null

    # The throw-away CA and the server's certificate for localhost and 127.0.0.1.
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=wv test CA" \
        -keyout "$PG_DIR/ca.key" -out "$PG_DIR/ca.pem" >/dev/null 2>&1
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" \
        -keyout "$PG_DIR/server.key" -out "$PG_DIR/server.csr" >/dev/null 2>&1
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >"$PG_DIR/server.ext"
    openssl x509 -req -in "$PG_DIR/server.csr" -CA "$PG_DIR/ca.pem" -CAkey "$PG_DIR/ca.key" -CAcreateserial \
        -days 2 -extfile "$PG_DIR/server.ext" -out "$PG_DIR/server.pem" >/dev/null 2>&1
    chmod 0600 "$PG_DIR/server.key"
    [ "${#PG_AS_USER[@]}" -eq 0 ] || chown "${PG_AS_USER[2]}" "$PG_DIR/server.key" "$PG_DIR/server.pem"
    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

    PG_LOG="$PG_DIR/server.log"
    "${PG_AS_USER[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_LOG" -w start -o \
        "-k $PG_DIR -p $port -c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file=$PG_DIR/server.pem \
         -c ssl_key_file=$PG_DIR/server.key -c synchronous_commit=on $durability \
         -c max_connections=300 -c shared_buffers=64MB" >/dev/null
    PG_URL="host=$PG_DIR port=$port user=postgres dbname=postgres"
    PG_TLS_WORDS="host=localhost port=$port user=postgres"
    PG_CA="$PG_DIR/ca.pem"
}

stop_postgres() {
    [ -n "${PG_DIR:-}" ] || return 0
    "${PG_AS_USER[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
}
