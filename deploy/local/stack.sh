#!/usr/bin/env bash
# Local infrastructure for Rapport without Docker: one Apache Kafka broker (KRaft, combined
# broker+controller), one PostgreSQL server and the Keycloak identity provider, all on 127.0.0.1
# and all owned by this script.
#
# Usage:
#   deploy/local/stack.sh infra-up       start Kafka, PostgreSQL and Keycloak (idempotent)
#   deploy/local/stack.sh infra-down     stop all three, by the process ids in the pid files
#   deploy/local/stack.sh keycloak-up    start Keycloak alone (PostgreSQL must answer on its port)
#   deploy/local/stack.sh keycloak-down  stop Keycloak alone
#   deploy/local/stack.sh status         show what runs
#   deploy/local/stack.sh env            print `export ...` lines; use: eval "$(deploy/local/stack.sh env)"
#
# Environment overrides (defaults in brackets):
#   RAPPORT_HOME                    [<repo root>/.local]  all state: kafka/, postgres/, logs/, run/
#   RAPPORT_KAFKA_PORT              [19092]  Kafka SASL_PLAINTEXT listener (clients, SCRAM-SHA-512)
#   RAPPORT_KAFKA_CONTROLLER_PORT   [19093]  Kafka KRaft CONTROLLER listener (PLAINTEXT, 127.0.0.1)
#   RAPPORT_KAFKA_<NAME>_PASSWORD   [<name>-secret]  the SCRAM password of principal <name>: admin
#                                   (super user) and each of deploy/local/kafka/acls.txt; set when
#                                   the storage is formatted, and a change formats it anew (its
#                                   topics are lost)
#   RAPPORT_PG_PORT                 [15432]  PostgreSQL TCP port
#   RAPPORT_PG_SUPERUSER_PASSWORD   [postgres]  password of the `postgres` superuser; only applied
#                                   by initdb, i.e. when the data dir is first created
#   RAPPORT_KEYCLOAK_PORT           [18080]  Keycloak HTTP (issuer http://127.0.0.1:<port>/realms/rapport)
#   RAPPORT_KEYCLOAK_JAVA_HOME      [/usr/lib/jvm/temurin-25-jdk-amd64, else JAVA_HOME]  a Java 21+
#                                   JDK for Keycloak alone (Kafka keeps the `java` on PATH)
#   RAPPORT_KEYCLOAK_ADMIN_PASSWORD [admin]  the master realm's `admin`, created on the first start
#
# Layout under RAPPORT_HOME:
#   kafka/libs/       broker jars, fetched once with Maven from deploy/local/kafka/pom.xml
#   kafka/data/       KRaft metadata + topic logs (formatted once, with the SCRAM users)
#   kafka/*.properties  regenerated on every infra-up (admin.properties: the admin's client config)
#   kafka/users.sha256, kafka/acls.sha256  what the storage was formatted with, which ACL table
#                     was applied (deploy/local/kafka/acls.txt, applied again when it changes)
#   postgres/data/    cluster created once by initdb
#   keycloak/         the server distribution, fetched once with Maven from deploy/local/keycloak/pom.xml
#                     and built once for PostgreSQL; its data lives in the database `keycloak`
#   logs/             kafka.log (log4j), kafka.out (JVM stdout/stderr), postgres.log, keycloak.out
#   run/              kafka.pid, postgres.pid, keycloak.pid, pgsocket/ (unix socket dir)
#
# Prerequisites: Java 17+, a Java 21+ JDK for Keycloak, Maven (first run only), PostgreSQL server
# binaries.
# deploy/local/install-prereqs.sh installs them on Debian 12.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

RAPPORT_HOME="${RAPPORT_HOME:-$REPO_ROOT/.local}"
RAPPORT_KAFKA_PORT="${RAPPORT_KAFKA_PORT:-19092}"
RAPPORT_KAFKA_CONTROLLER_PORT="${RAPPORT_KAFKA_CONTROLLER_PORT:-19093}"
RAPPORT_PG_PORT="${RAPPORT_PG_PORT:-15432}"
RAPPORT_PG_SUPERUSER_PASSWORD="${RAPPORT_PG_SUPERUSER_PASSWORD:-postgres}"
RAPPORT_KEYCLOAK_PORT="${RAPPORT_KEYCLOAK_PORT:-18080}"
RAPPORT_KEYCLOAK_ADMIN_PASSWORD="${RAPPORT_KEYCLOAK_ADMIN_PASSWORD:-admin}"

KAFKA_POM="$SCRIPT_DIR/kafka/pom.xml"
KAFKA_DIR="$RAPPORT_HOME/kafka"
KAFKA_LIBS="$KAFKA_DIR/libs"
KAFKA_DATA="$KAFKA_DIR/data"
KAFKA_PROPS="$KAFKA_DIR/server.properties"
KAFKA_LOG4J="$KAFKA_DIR/log4j2.properties"
KAFKA_ADMIN_PROPS="$KAFKA_DIR/admin.properties"
KAFKA_USERS_STAMP="$KAFKA_DIR/users.sha256"
KAFKA_ACLS_STAMP="$KAFKA_DIR/acls.sha256"
KAFKA_ACLS="$SCRIPT_DIR/kafka/acls.txt"
# Every SCRAM principal (decision 0019): `admin`, the super user, and each one the ACL table
# allows something (each service and the ERP feeder).
mapfile -t KAFKA_PRINCIPALS < <(echo admin; awk '!/^#/ && NF { print $1 }' "$KAFKA_ACLS" | sort -u)
PG_DATA="$RAPPORT_HOME/postgres/data"
PG_SOCKET_DIR="$RAPPORT_HOME/run/pgsocket"
LOG_DIR="$RAPPORT_HOME/logs"
RUN_DIR="$RAPPORT_HOME/run"
KAFKA_PID_FILE="$RUN_DIR/kafka.pid"
PG_PID_FILE="$RUN_DIR/postgres.pid"
PG_DATABASE="rapport"
KEYCLOAK_POM="$SCRIPT_DIR/keycloak/pom.xml"
KEYCLOAK_REALM_FILE="$SCRIPT_DIR/keycloak/rapport-realm.json"
KEYCLOAK_DIR="$RAPPORT_HOME/keycloak"
KEYCLOAK_PID_FILE="$RUN_DIR/keycloak.pid"
# Its own database and role on the local PostgreSQL server.
KEYCLOAK_DATABASE="keycloak"
KEYCLOAK_DB_PASSWORD="keycloak"

KAFKA_READY_TIMEOUT=90
KAFKA_STOP_TIMEOUT=30
KEYCLOAK_READY_TIMEOUT=180
KEYCLOAK_STOP_TIMEOUT=30

log() { echo "[stack] $*" >&2; }
die() { echo "[stack] ERROR: $*" >&2; exit 1; }

# True when something accepts TCP connections on 127.0.0.1:$1. Kafka opens its client listener
# only once the broker is ready, so this doubles as the readiness check.
port_open() {
    timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# True while process $1 exists and is not a zombie. The machine's init may reap orphans late,
# and kill -0 still succeeds on a zombie.
proc_running() {
    kill -0 "$1" 2>/dev/null || return 1
    [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != "Z" ]]
}

# Reads a pid file and succeeds only if that process is alive AND its command line contains $2,
# so a recycled pid after a reboot is not mistaken for our server.
pid_alive() {
    local pid_file="$1" marker="$2" pid
    [[ -s "$pid_file" ]] || return 1
    pid="$(head -n1 "$pid_file")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    proc_running "$pid" || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$marker"
}

ensure_dirs() {
    mkdir -p "$KAFKA_DIR" "$LOG_DIR" "$RUN_DIR"
}

# --------------------------------------------------------------------------------------------
# Kafka
# --------------------------------------------------------------------------------------------

# Jars are fetched into a temp dir and moved into place only on success, so an interrupted
# download never looks complete. The stamp (hash of pom.xml) refetches when the pom changes.
kafka_fetch_jars() {
    local stamp="$KAFKA_LIBS/.pom.sha256" want
    want="$(sha256sum "$KAFKA_POM" | cut -d' ' -f1)"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        return 0
    fi
    command -v mvn >/dev/null || die "mvn not found (needed once to fetch Kafka jars); run deploy/local/install-prereqs.sh"
    log "fetching Kafka jars with Maven into $KAFKA_LIBS"
    local tmp="$KAFKA_DIR/libs.tmp"
    rm -rf "$tmp"
    # Output goes to a file: even with -B -q Maven 3.8 prints stray ANSI reset codes.
    if ! mvn -B -q -f "$KAFKA_POM" dependency:copy-dependencies -DoutputDirectory="$tmp" \
            >"$LOG_DIR/maven.log" 2>&1; then
        tail -n 30 "$LOG_DIR/maven.log" >&2
        die "maven could not fetch the Kafka jars (log: $LOG_DIR/maven.log)"
    fi
    echo "$want" >"$tmp/.pom.sha256"
    rm -rf "$KAFKA_LIBS"
    mv "$tmp" "$KAFKA_LIBS"
}

# The SCRAM password of principal $1: RAPPORT_KAFKA_<NAME>_PASSWORD, else `<name>-secret`.
# Used verbatim in the broker's JAAS line and --add-scram: keep it free of `"`, `,` and `]`.
kafka_password() {
    local variable="RAPPORT_KAFKA_${1^^}_PASSWORD"
    echo "${!variable:-$1-secret}"
}

# Regenerated every time so port overrides take effect; cluster identity lives in
# kafka/data/meta.properties, written once by the storage format step. Private to the user:
# the files hold the admin's password.
kafka_write_config() {
    local admin_jaas
    admin_jaas="org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$(kafka_password admin)\";"
    ( umask 077; cat >"$KAFKA_PROPS" <<EOF
# Generated by deploy/local/stack.sh -- edits are overwritten on the next infra-up.
node.id=1
process.roles=broker,controller
# Clients authenticate with SASL/SCRAM-SHA-512; the controller listener stays PLAINTEXT on
# 127.0.0.1, its requests come from this process's broker (principal ANONYMOUS).
listeners=SASL_PLAINTEXT://127.0.0.1:${RAPPORT_KAFKA_PORT},CONTROLLER://127.0.0.1:${RAPPORT_KAFKA_CONTROLLER_PORT}
advertised.listeners=SASL_PLAINTEXT://127.0.0.1:${RAPPORT_KAFKA_PORT}
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=SASL_PLAINTEXT
controller.listener.names=CONTROLLER
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=${admin_jaas}
# ACLs (decision 0019): what deploy/local/kafka/acls.txt allows, nothing else; the admin and
# the broker itself (ANONYMOUS on the controller listener) are super users.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin;User:ANONYMOUS
# Dynamic quorum: StorageTool --standalone refuses controller.quorum.voters, it wants the
# bootstrap servers instead.
controller.quorum.bootstrap.servers=127.0.0.1:${RAPPORT_KAFKA_CONTROLLER_PORT}
log.dirs=${KAFKA_DATA}
# Single node: every internal topic must live with one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
num.partitions=3
auto.create.topics.enable=true
# No 3 s wait for more members before the first rebalance: faster tests.
group.initial.rebalance.delay.ms=0
# Domain topics are the event log; never delete by age.
log.retention.hours=-1
EOF
    cat >"$KAFKA_ADMIN_PROPS" <<EOF
# Generated by deploy/local/stack.sh: the admin principal's client config (kafka-acls, ...).
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=${admin_jaas}
EOF
    )
    # umask covers new files only: those written before SASL were readable by all.
    chmod 600 "$KAFKA_PROPS" "$KAFKA_ADMIN_PROPS"

    cat >"$KAFKA_LOG4J" <<EOF
# Generated by deploy/local/stack.sh
status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = ${LOG_DIR}/kafka.log
appender.file.append = true
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
# Chatty at INFO and rarely useful locally.
logger.clients.name = org.apache.kafka.clients
logger.clients.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
EOF
}

kafka_java() {
    java -cp "$KAFKA_LIBS/*" -Dlog4j2.configurationFile="$KAFKA_LOG4J" "$@"
}

# The SCRAM users, as StorageTool's --add-scram options.
kafka_scram_options() {
    local name
    for name in "${KAFKA_PRINCIPALS[@]}"; do
        echo "--add-scram"
        echo "SCRAM-SHA-512=[name=$name,password=$(kafka_password "$name")]"
    done
}

# Formatting writes meta.properties, the bootstrap quorum checkpoint and the SCRAM users (KRaft
# takes them before the broker first starts: no one could sign in to add them later). It
# happens once per set of users and passwords: storage formatted with others (or before
# SASL/SCRAM) is local scratch, formatted anew, and the demo data is published again.
kafka_format_storage() {
    local want
    want="$(kafka_scram_options | sha256sum | cut -d' ' -f1)"
    if [[ -f "$KAFKA_DATA/meta.properties" ]]; then
        [[ -f "$KAFKA_USERS_STAMP" && "$(cat "$KAFKA_USERS_STAMP")" == "$want" ]] && return 0
        log "Kafka storage was formatted with other SCRAM users or passwords: formatting it anew (its topics are dropped)"
        rm -rf "$KAFKA_DATA" "$KAFKA_DIR/demo-published"
    fi
    rm -f "$KAFKA_ACLS_STAMP"
    local cluster_id scram_options
    cluster_id="$(kafka_java kafka.tools.StorageTool random-uuid)"
    log "formatting Kafka storage (cluster id $cluster_id) with SCRAM users ${KAFKA_PRINCIPALS[*]}"
    mkdir -p "$KAFKA_DATA"
    mapfile -t scram_options < <(kafka_scram_options)
    kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_PROPS" --standalone \
        "${scram_options[@]}" >/dev/null || die "kafka StorageTool format failed"
    echo "$want" >"$KAFKA_USERS_STAMP"
}

# The ACL table, applied by the admin once the broker answers, whenever it changed since.
kafka_apply_acls() {
    local want
    want="$(sha256sum "$KAFKA_ACLS" | cut -d' ' -f1)"
    [[ -f "$KAFKA_ACLS_STAMP" && "$(cat "$KAFKA_ACLS_STAMP")" == "$want" ]] && return 0
    log "applying the Kafka ACLs of $KAFKA_ACLS"
    "$SCRIPT_DIR/kafka/apply-acls.sh" "$KAFKA_ACLS" "$(kafka_bootstrap)" "$KAFKA_ADMIN_PROPS" \
        java -cp "$KAFKA_LIBS/*" -Dlog4j2.configurationFile="$KAFKA_LOG4J" \
        org.apache.kafka.tools.AclCommand || die "kafka-acls failed"
    echo "$want" >"$KAFKA_ACLS_STAMP"
}

kafka_up() {
    if pid_alive "$KAFKA_PID_FILE" kafka.Kafka; then
        log "kafka already running (pid $(cat "$KAFKA_PID_FILE"))"
        # A changed ACL table reaches a running broker too (a pull that adds a topic).
        kafka_apply_acls
        return 0
    fi
    rm -f "$KAFKA_PID_FILE"
    command -v java >/dev/null || die "java not found; run deploy/local/install-prereqs.sh"
    if port_open "$RAPPORT_KAFKA_PORT" || port_open "$RAPPORT_KAFKA_CONTROLLER_PORT"; then
        die "port $RAPPORT_KAFKA_PORT or $RAPPORT_KAFKA_CONTROLLER_PORT is already in use by a process we did not start"
    fi

    kafka_fetch_jars
    kafka_write_config
    kafka_format_storage

    log "starting kafka on 127.0.0.1:$RAPPORT_KAFKA_PORT"
    # setsid: own session, so it survives the calling shell and a Ctrl-C there.
    # The inner bash writes its own pid and then execs java, so the pid file names the JVM
    # exactly (no guessing from $! through setsid/nohup).
    setsid nohup bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$KAFKA_PID_FILE" \
        java -Xms256m -Xmx1g -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="$KAFKA_LOG4J" \
        -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_PROPS" \
        >>"$LOG_DIR/kafka.out" 2>&1 </dev/null &

    local waited=0
    until port_open "$RAPPORT_KAFKA_PORT"; do
        if (( waited > 2 )) && ! pid_alive "$KAFKA_PID_FILE" kafka.Kafka; then
            kafka_show_logs
            die "kafka exited during startup"
        fi
        if (( waited >= KAFKA_READY_TIMEOUT )); then
            kafka_show_logs
            die "kafka not accepting connections on 127.0.0.1:$RAPPORT_KAFKA_PORT after ${KAFKA_READY_TIMEOUT}s"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    log "kafka ready after ~${waited}s (pid $(cat "$KAFKA_PID_FILE"))"
    kafka_apply_acls
}

kafka_show_logs() {
    echo "----- tail $LOG_DIR/kafka.log -----" >&2
    tail -n 40 "$LOG_DIR/kafka.log" >&2 2>/dev/null || true
    echo "----- tail $LOG_DIR/kafka.out -----" >&2
    tail -n 20 "$LOG_DIR/kafka.out" >&2 2>/dev/null || true
}

kafka_down() {
    if ! pid_alive "$KAFKA_PID_FILE" kafka.Kafka; then
        [[ -e "$KAFKA_PID_FILE" ]] && log "removing stale $KAFKA_PID_FILE"
        rm -f "$KAFKA_PID_FILE"
        log "kafka not running"
        return 0
    fi
    local pid waited=0
    pid="$(cat "$KAFKA_PID_FILE")"
    log "stopping kafka (pid $pid)"
    # SIGTERM triggers Kafka's controlled shutdown, which flushes logs and avoids recovery on
    # the next start.
    kill -TERM "$pid" 2>/dev/null || true
    while proc_running "$pid"; do
        if (( waited >= KAFKA_STOP_TIMEOUT )); then
            log "kafka did not stop within ${KAFKA_STOP_TIMEOUT}s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 1
            break
        fi
        sleep 1
        waited=$((waited + 1))
    done
    rm -f "$KAFKA_PID_FILE"
    log "kafka stopped"
}

# --------------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------------

# Server binaries (initdb, pg_ctl). pg_config may come from libpq-dev and point at a version
# without server binaries, so it is only trusted when initdb is really there.
pg_bindir() {
    local dir
    if command -v pg_config >/dev/null; then
        dir="$(pg_config --bindir 2>/dev/null || true)"
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
            echo "$dir"
            return 0
        fi
    fi
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
    if [[ -n "$dir" && -x "$dir/initdb" ]]; then
        echo "$dir"
        return 0
    fi
    die "PostgreSQL server binaries (initdb, pg_ctl) not found; run deploy/local/install-prereqs.sh"
}

# Postgres refuses to run as root, so as root every server command runs as the `postgres`
# system user; as a normal user it simply runs as that user.
as_pg() {
    if [[ $EUID -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_prepare_user_and_dirs() {
    mkdir -p "$PG_DATA" "$PG_SOCKET_DIR"
    touch "$LOG_DIR/postgres.log"
    if [[ $EUID -eq 0 ]]; then
        if ! id postgres >/dev/null 2>&1; then
            log "creating system user postgres"
            useradd --system --user-group --no-create-home --home-dir /var/lib/postgresql \
                --shell /bin/bash postgres
        fi
        chown postgres:postgres "$RAPPORT_HOME/postgres" "$PG_DATA" "$PG_SOCKET_DIR" "$LOG_DIR/postgres.log"
        # initdb wants 0700 (or 0750) on the data dir.
        chmod 700 "$PG_DATA"
        # The postgres user must be able to walk from / down to RAPPORT_HOME.
        runuser -u postgres -- test -x "$PG_DATA" -a -w "$PG_SOCKET_DIR" \
            || die "user postgres cannot reach $PG_DATA; every parent directory of RAPPORT_HOME needs o+x (chmod o+x <dir>) or pick another RAPPORT_HOME"
    else
        chmod 700 "$PG_DATA"
    fi
}

# initdb runs once. Our own settings go into rapport.conf, included at the end of
# postgresql.conf (later settings win) and rewritten on each infra-up so port overrides apply.
pg_init_cluster() {
    local bindir="$1"
    if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
        log "initdb into $PG_DATA"
        local pwfile="$RAPPORT_HOME/postgres/pwfile"
        ( umask 077; printf '%s\n' "$RAPPORT_PG_SUPERUSER_PASSWORD" >"$pwfile" )
        [[ $EUID -eq 0 ]] && chown postgres:postgres "$pwfile"
        if ! as_pg "$bindir/initdb" -D "$PG_DATA" -U postgres --pwfile="$pwfile" \
                --auth=scram-sha-256 --encoding=UTF8 --no-locale >"$LOG_DIR/initdb.log" 2>&1; then
            rm -f "$pwfile"
            cat "$LOG_DIR/initdb.log" >&2
            die "initdb failed"
        fi
        rm -f "$pwfile"
        echo "include 'rapport.conf'" >>"$PG_DATA/postgresql.conf"
    fi
    cat >"$PG_DATA/rapport.conf" <<EOF
# Generated by deploy/local/stack.sh -- edits are overwritten on the next infra-up.
listen_addresses = '127.0.0.1'
port = ${RAPPORT_PG_PORT}
unix_socket_directories = '${PG_SOCKET_DIR}'
max_connections = 300
shared_buffers = 256MB
EOF
    [[ $EUID -eq 0 ]] && chown postgres:postgres "$PG_DATA/rapport.conf"
    return 0
}

pg_running() {
    local bindir="$1"
    [[ -f "$PG_DATA/PG_VERSION" ]] && as_pg "$bindir/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1
}

pg_psql() {
    local bindir="$1"; shift
    PGPASSWORD="$RAPPORT_PG_SUPERUSER_PASSWORD" "$bindir/psql" -h 127.0.0.1 -p "$RAPPORT_PG_PORT" \
        -U postgres -v ON_ERROR_STOP=1 -X -q "$@"
}

pg_up() {
    local bindir
    bindir="$(pg_bindir)"
    if pg_running "$bindir"; then
        head -n1 "$PG_DATA/postmaster.pid" >"$PG_PID_FILE"
        log "postgres already running (pid $(cat "$PG_PID_FILE"))"
    else
        pg_prepare_user_and_dirs
        pg_init_cluster "$bindir"
        log "starting postgres on 127.0.0.1:$RAPPORT_PG_PORT"
        if ! as_pg "$bindir/pg_ctl" start -D "$PG_DATA" -w -t 60 -l "$LOG_DIR/postgres.log" >/dev/null; then
            tail -n 30 "$LOG_DIR/postgres.log" >&2 || true
            die "postgres did not start (log: $LOG_DIR/postgres.log)"
        fi
        # First line of postmaster.pid is the postmaster's pid.
        head -n1 "$PG_DATA/postmaster.pid" >"$PG_PID_FILE"
        log "postgres ready (pid $(cat "$PG_PID_FILE"))"
    fi

    if [[ "$(pg_psql "$bindir" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" != "1" ]]; then
        log "creating database $PG_DATABASE"
        pg_psql "$bindir" -d postgres -c "CREATE DATABASE $PG_DATABASE"
    fi
}

pg_down() {
    local bindir
    bindir="$(pg_bindir)"
    if pg_running "$bindir"; then
        log "stopping postgres (pid $(head -n1 "$PG_DATA/postmaster.pid"))"
        as_pg "$bindir/pg_ctl" stop -D "$PG_DATA" -m fast -w >/dev/null
        log "postgres stopped"
    else
        log "postgres not running"
    fi
    rm -f "$PG_PID_FILE"
}

# --------------------------------------------------------------------------------------------
# Keycloak
# --------------------------------------------------------------------------------------------

# The JDK Keycloak runs on: Keycloak 26 needs Java 21+, while Kafka stays on the `java` on PATH.
keycloak_java_home() {
    local home="${RAPPORT_KEYCLOAK_JAVA_HOME:-}"
    if [[ -z "$home" ]]; then
        if [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
            home=/usr/lib/jvm/temurin-25-jdk-amd64
        else
            home="${JAVA_HOME:-}"
        fi
    fi
    [[ -n "$home" && -x "$home/bin/java" ]] \
        || die "no JDK for Keycloak (Java 21+): set RAPPORT_KEYCLOAK_JAVA_HOME"
    echo "$home"
}

# The unpacked distribution's directory (keycloak-<version>), fetched once per pom.xml like the
# Kafka jars: into a temp dir, moved into place only when complete.
keycloak_home() {
    local found=("$KEYCLOAK_DIR"/dist/keycloak-*/bin/kc.sh)
    [[ -x "${found[0]}" ]] && dirname "$(dirname "${found[0]}")"
    return 0
}

keycloak_fetch() {
    local stamp="$KEYCLOAK_DIR/dist/.pom.sha256" want
    want="$(sha256sum "$KEYCLOAK_POM" | cut -d' ' -f1)"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -n "$(keycloak_home)" ]]; then
        return 0
    fi
    command -v mvn >/dev/null || die "mvn not found (needed once to fetch Keycloak); run deploy/local/install-prereqs.sh"
    log "fetching Keycloak with Maven into $KEYCLOAK_DIR/dist"
    local tmp="$KEYCLOAK_DIR/dist.tmp"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    if ! mvn -B -q -f "$KEYCLOAK_POM" dependency:unpack -Dkeycloak.dir="$tmp" \
            >"$LOG_DIR/maven-keycloak.log" 2>&1; then
        tail -n 30 "$LOG_DIR/maven-keycloak.log" >&2
        die "maven could not fetch Keycloak (log: $LOG_DIR/maven-keycloak.log)"
    fi
    echo "$want" >"$tmp/.pom.sha256"
    rm -rf "$KEYCLOAK_DIR/dist" "$KEYCLOAK_DIR/built"
    mv "$tmp" "$KEYCLOAK_DIR/dist"
}

# Build-time options are baked in once (`kc.sh build`), so each start is `start --optimized`
# and skips the re-augmentation that would otherwise cost about 20 s per start.
KEYCLOAK_BUILD_OPTIONS=(--db=postgres --cache=local)

keycloak_build() {
    local home="$1" java_home="$2" stamp="$KEYCLOAK_DIR/built"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "${KEYCLOAK_BUILD_OPTIONS[*]}" ]]; then
        return 0
    fi
    log "building Keycloak for PostgreSQL (once)"
    if ! JAVA_HOME="$java_home" "$home/bin/kc.sh" build "${KEYCLOAK_BUILD_OPTIONS[@]}" \
            >"$LOG_DIR/keycloak-build.log" 2>&1; then
        tail -n 30 "$LOG_DIR/keycloak-build.log" >&2
        die "kc.sh build failed (log: $LOG_DIR/keycloak-build.log)"
    fi
    echo "${KEYCLOAK_BUILD_OPTIONS[*]}" >"$stamp"
}

# Keycloak's own role and database. The realm is imported at start only when it does not exist
# yet, so when rapport-realm.json changed since the last import the database is recreated: the
# realm file is the whole truth of the local identity provider.
keycloak_database() {
    local bindir want stamp="$KEYCLOAK_DIR/realm.sha256"
    bindir="$(pg_bindir)"
    want="$(sha256sum "$KEYCLOAK_REALM_FILE" | cut -d' ' -f1)"
    if [[ "$(pg_psql "$bindir" -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$KEYCLOAK_DATABASE'")" != "1" ]]; then
        pg_psql "$bindir" -d postgres -c "CREATE ROLE $KEYCLOAK_DATABASE LOGIN PASSWORD '$KEYCLOAK_DB_PASSWORD'"
    fi
    local exists
    exists="$(pg_psql "$bindir" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$KEYCLOAK_DATABASE'")"
    if [[ "$exists" == "1" && ( ! -f "$stamp" || "$(cat "$stamp")" != "$want" ) ]]; then
        log "realm file changed: recreating database $KEYCLOAK_DATABASE"
        pg_psql "$bindir" -d postgres -c "DROP DATABASE $KEYCLOAK_DATABASE WITH (FORCE)"
        exists=""
    fi
    if [[ "$exists" != "1" ]]; then
        log "creating database $KEYCLOAK_DATABASE"
        pg_psql "$bindir" -d postgres -c "CREATE DATABASE $KEYCLOAK_DATABASE OWNER $KEYCLOAK_DATABASE"
    fi
    echo "$want" >"$stamp"
}

keycloak_issuer() { echo "http://127.0.0.1:${RAPPORT_KEYCLOAK_PORT}/realms/rapport"; }

# Ready once the imported realm publishes its discovery document.
keycloak_ready() {
    curl -fsS -o /dev/null --max-time 2 "$(keycloak_issuer)/.well-known/openid-configuration" 2>/dev/null
}

keycloak_up() {
    if pid_alive "$KEYCLOAK_PID_FILE" kc.sh; then
        log "keycloak already running (pid $(cat "$KEYCLOAK_PID_FILE"))"
        return 0
    fi
    rm -f "$KEYCLOAK_PID_FILE"
    port_open "$RAPPORT_PG_PORT" || die "postgres does not answer on 127.0.0.1:$RAPPORT_PG_PORT (infra-up starts it)"
    port_open "$RAPPORT_KEYCLOAK_PORT" \
        && die "port $RAPPORT_KEYCLOAK_PORT is already in use by a process we did not start"
    command -v curl >/dev/null || die "curl not found; run deploy/local/install-prereqs.sh"
    local java_home home
    java_home="$(keycloak_java_home)"
    mkdir -p "$KEYCLOAK_DIR"
    keycloak_fetch
    home="$(keycloak_home)"
    [[ -n "$home" ]] || die "no Keycloak distribution under $KEYCLOAK_DIR/dist"
    keycloak_build "$home" "$java_home"
    keycloak_database
    mkdir -p "$home/data/import"
    cp "$KEYCLOAK_REALM_FILE" "$home/data/import/rapport-realm.json"

    log "starting keycloak on 127.0.0.1:$RAPPORT_KEYCLOAK_PORT"
    # As for Kafka: own session, and the pid file names kc.sh, which forwards SIGTERM to its JVM.
    JAVA_HOME="$java_home" JAVA_OPTS_KC_HEAP="-Xms256m -Xmx768m" \
    KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD="$RAPPORT_KEYCLOAK_ADMIN_PASSWORD" \
    KC_DB_URL="jdbc:postgresql://127.0.0.1:${RAPPORT_PG_PORT}/${KEYCLOAK_DATABASE}" \
    KC_DB_USERNAME="$KEYCLOAK_DATABASE" KC_DB_PASSWORD="$KEYCLOAK_DB_PASSWORD" \
    setsid nohup bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$KEYCLOAK_PID_FILE" \
        "$home/bin/kc.sh" start --optimized --import-realm \
        --http-enabled=true --http-host=127.0.0.1 --http-port="$RAPPORT_KEYCLOAK_PORT" \
        --hostname="http://127.0.0.1:${RAPPORT_KEYCLOAK_PORT}" \
        >>"$LOG_DIR/keycloak.out" 2>&1 </dev/null &

    local waited=0
    until keycloak_ready; do
        if (( waited > 2 )) && ! pid_alive "$KEYCLOAK_PID_FILE" kc.sh; then
            tail -n 40 "$LOG_DIR/keycloak.out" >&2 || true
            die "keycloak exited during startup (log: $LOG_DIR/keycloak.out)"
        fi
        if (( waited >= KEYCLOAK_READY_TIMEOUT )); then
            tail -n 40 "$LOG_DIR/keycloak.out" >&2 || true
            die "keycloak's realm not served at $(keycloak_issuer) after ${KEYCLOAK_READY_TIMEOUT}s"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    log "keycloak ready after ~${waited}s (pid $(cat "$KEYCLOAK_PID_FILE"))"
}

keycloak_down() {
    if ! pid_alive "$KEYCLOAK_PID_FILE" kc.sh; then
        [[ -e "$KEYCLOAK_PID_FILE" ]] && log "removing stale $KEYCLOAK_PID_FILE"
        rm -f "$KEYCLOAK_PID_FILE"
        log "keycloak not running"
        return 0
    fi
    local pid waited=0
    pid="$(cat "$KEYCLOAK_PID_FILE")"
    log "stopping keycloak (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    while proc_running "$pid"; do
        if (( waited >= KEYCLOAK_STOP_TIMEOUT )); then
            log "keycloak did not stop within ${KEYCLOAK_STOP_TIMEOUT}s; sending SIGKILL to its process group"
            # setsid made kc.sh a group leader: the group is kc.sh and its JVM.
            kill -KILL -- "-$pid" 2>/dev/null || true
            sleep 1
            break
        fi
        sleep 1
        waited=$((waited + 1))
    done
    rm -f "$KEYCLOAK_PID_FILE"
    log "keycloak stopped"
}

# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------

kafka_bootstrap() { echo "127.0.0.1:$RAPPORT_KAFKA_PORT"; }
# The password is used verbatim; keep it URL-safe.
database_url() { echo "postgresql://postgres:${RAPPORT_PG_SUPERUSER_PASSWORD}@127.0.0.1:${RAPPORT_PG_PORT}/${PG_DATABASE}"; }

cmd_infra_up() {
    ensure_dirs
    kafka_up
    pg_up
    keycloak_up
    echo "kafka bootstrap: $(kafka_bootstrap)"
    echo "postgres url:    $(database_url)"
    echo "oidc issuer:     $(keycloak_issuer)"
    echo "state and logs:  $RAPPORT_HOME"
}

cmd_infra_down() {
    keycloak_down
    kafka_down
    pg_down
}

cmd_keycloak_up() {
    ensure_dirs
    keycloak_up
    echo "oidc issuer:     $(keycloak_issuer)"
}

cmd_status() {
    if pid_alive "$KAFKA_PID_FILE" kafka.Kafka; then
        local ready="not yet accepting connections"
        port_open "$RAPPORT_KAFKA_PORT" && ready="accepting connections"
        echo "kafka:    running, pid $(cat "$KAFKA_PID_FILE"), $(kafka_bootstrap) $ready"
    else
        echo "kafka:    stopped"
    fi
    local bindir
    bindir="$(pg_bindir)"
    if pg_running "$bindir"; then
        echo "postgres: running, pid $(head -n1 "$PG_DATA/postmaster.pid"), $(database_url)"
    else
        echo "postgres: stopped"
    fi
    if pid_alive "$KEYCLOAK_PID_FILE" kc.sh; then
        local ready="not serving the realm yet"
        keycloak_ready && ready="serving the realm"
        echo "keycloak: running, pid $(cat "$KEYCLOAK_PID_FILE"), $(keycloak_issuer) $ready"
    else
        echo "keycloak: stopped"
    fi
}

cmd_env() {
    echo "export KAFKA_BOOTSTRAP_SERVERS=$(kafka_bootstrap)"
    local name
    for name in "${KAFKA_PRINCIPALS[@]}"; do
        echo "export RAPPORT_KAFKA_${name^^}_PASSWORD=$(kafka_password "$name")"
    done
    echo "export DATABASE_URL=$(database_url)"
    echo "export RAPPORT_OIDC_ISSUER=$(keycloak_issuer)"
}

usage() {
    sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

case "${1:-}" in
    infra-up)   cmd_infra_up ;;
    infra-down) cmd_infra_down ;;
    keycloak-up)   cmd_keycloak_up ;;
    keycloak-down) keycloak_down ;;
    status)     cmd_status ;;
    env)        cmd_env ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
esac
