#!/usr/bin/env bash
# Rapport's services on the local stack (deploy/local/stack.sh must be up): migrations, API and
# worker processes in the background, demo data through Kafka.
#
# Usage:
#   deploy/local/services.sh up       migrate, start every service, publish demo data once, wait
#   deploy/local/services.sh down     stop the processes it started, by process id
#   deploy/local/services.sh status
#
# Environment overrides (defaults in brackets): RAPPORT_HOME [<repo>/.local],
# ACCOUNTS_API_PORT [8101], ACCOUNTS_WORKER_PORT [8111], RAPPORT_DEMO_CUSTOMERS [300].
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
RAPPORT_HOME="${RAPPORT_HOME:-$REPO_ROOT/.local}"
RUN_DIR="$RAPPORT_HOME/run"
LOG_DIR="$RAPPORT_HOME/logs"
PYTHON="$REPO_ROOT/.venv/bin/python"
export ACCOUNTS_API_PORT="${ACCOUNTS_API_PORT:-8101}"
export ACCOUNTS_WORKER_PORT="${ACCOUNTS_WORKER_PORT:-8111}"
DEMO_CUSTOMERS="${RAPPORT_DEMO_CUSTOMERS:-300}"

# name|module|port: every long-running process of every service.
PROCESSES=(
  "accounts-api|accounts.entrypoints.api|$ACCOUNTS_API_PORT"
  "accounts-worker|accounts.entrypoints.worker|$ACCOUNTS_WORKER_PORT"
)

log() { echo "[services] $*" >&2; }
die() { echo "[services] ERROR: $*" >&2; exit 1; }

load_infra_env() {
  eval "$("$SCRIPT_DIR/stack.sh" env)"
  ADMIN_URL="$DATABASE_URL"
  local server="${ADMIN_URL#*@}"
  export ACCOUNTS_DATABASE_URL="postgresql://accounts:${ACCOUNTS_DB_PASSWORD:-accounts}@${server}"
  export ACCOUNTS_KAFKA_BOOTSTRAP_SERVERS="$KAFKA_BOOTSTRAP_SERVERS"
}

alive() {
  local pid_file="$RUN_DIR/$1.pid"
  [[ -s "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

wait_ready() {
  local name="$1" port="$2"
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then return 0; fi
    alive "$name" || die "$name exited; see $LOG_DIR/$name.log: $(tail -n 20 "$LOG_DIR/$name.log")"
    sleep 0.5
  done
  die "$name not ready on port $port after 60 s; see $LOG_DIR/$name.log"
}

start_process() {
  local name="$1" module="$2" port="$3"
  if alive "$name"; then
    log "$name already running (pid $(cat "$RUN_DIR/$name.pid"))"
    return 0
  fi
  setsid nohup "$PYTHON" -m "$module" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
  log "started $name (pid $!, port $port)"
}

publish_demo_data() {
  local marker="$RAPPORT_HOME/kafka/demo-published"
  if [[ -f "$marker" ]]; then
    log "demo data already published"
    return 0
  fi
  log "publishing demo data ($DEMO_CUSTOMERS customers and a year of orders) through Kafka"
  "$PYTHON" -m demo --customers "$DEMO_CUSTOMERS" --bootstrap-servers "$KAFKA_BOOTSTRAP_SERVERS"
  touch "$marker"
}

wait_for_accounts() {
  local expected="$1" total=0
  for _ in $(seq 1 240); do
    total="$(curl -fsS "http://127.0.0.1:$ACCOUNTS_API_PORT/api/v1/accounts?page_size=1" \
      | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["total"])' 2>/dev/null || echo 0)"
    if (( total >= expected )); then
      log "$total accounts classified"
      return 0
    fi
    sleep 0.5
  done
  die "only $total of $expected demo accounts arrived after 120 s; see $LOG_DIR/accounts-worker.log"
}

cmd_up() {
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  [[ -x "$PYTHON" ]] || die "no virtualenv; run 'make install' first"
  load_infra_env
  "$PYTHON" -m accounts.entrypoints.migrate --admin-url "$ADMIN_URL"
  for entry in "${PROCESSES[@]}"; do
    IFS='|' read -r name module port <<<"$entry"
    start_process "$name" "$module" "$port"
  done
  for entry in "${PROCESSES[@]}"; do
    IFS='|' read -r name module port <<<"$entry"
    wait_ready "$name" "$port"
  done
  publish_demo_data
  wait_for_accounts "$DEMO_CUSTOMERS"
  cat <<URLS

Rapport is up.
  Accounts pages     http://127.0.0.1:$ACCOUNTS_API_PORT/accounts/
  Accounts API docs  http://127.0.0.1:$ACCOUNTS_API_PORT/api/docs
  Accounts metrics   http://127.0.0.1:$ACCOUNTS_API_PORT/metrics  (worker: http://127.0.0.1:$ACCOUNTS_WORKER_PORT/metrics)
  Kafka              $KAFKA_BOOTSTRAP_SERVERS
  PostgreSQL         $ADMIN_URL
Logs in $LOG_DIR. Stop with 'make down'.
URLS
}

cmd_down() {
  for entry in "${PROCESSES[@]}"; do
    IFS='|' read -r name _ _ <<<"$entry"
    local pid_file="$RUN_DIR/$name.pid"
    if alive "$name"; then
      local pid
      pid="$(cat "$pid_file")"
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -KILL "$pid" 2>/dev/null || true
      log "stopped $name (pid $pid)"
    fi
    rm -f "$pid_file"
  done
}

cmd_status() {
  for entry in "${PROCESSES[@]}"; do
    IFS='|' read -r name _ port <<<"$entry"
    if alive "$name"; then echo "$name: running (pid $(cat "$RUN_DIR/$name.pid"), port $port)"
    else echo "$name: stopped"; fi
  done
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
