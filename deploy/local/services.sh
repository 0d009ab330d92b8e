#!/usr/bin/env bash
# Rapport's services on the local stack (deploy/local/stack.sh must be up): migrations, API and
# worker processes in the background, demo data through Kafka, then demo activity through the
# services' APIs.
#
# Usage:
#   deploy/local/services.sh up       migrate, start every service, publish demo data once, wait
#                                     for the accounts, add the demo's weeks of activity once
#   deploy/local/services.sh down     stop the processes it started, by process id
#   deploy/local/services.sh status
#   deploy/local/services.sh rebuild-reports [--check-only]
#                                     rebuild the reporting read models by replay (progress bar)
#
# Environment overrides (defaults in brackets): RAPPORT_HOME [<repo>/.local],
# ACCOUNTS_API_PORT [8101], ACCOUNTS_WORKER_PORT [8111], RAPPORT_DEMO_CUSTOMERS [300],
# COMPLAINTS_API_PORT [8103], COMPLAINTS_WORKER_PORT [8113], ENGAGEMENT_API_PORT [8102],
# ENGAGEMENT_WORKER_PORT [8112], REPORTING_API_PORT [8104], REPORTING_WORKER_PORT [8114],
# FRONT_DOOR_PORT [8080].
#
# The front door (nginx, deploy/local/nginx/) routes every service's path prefix on one port,
# so all pages share one origin and one navigation; it runs in the foreground under its pid.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
RAPPORT_HOME="${RAPPORT_HOME:-$REPO_ROOT/.local}"
RUN_DIR="$RAPPORT_HOME/run"
LOG_DIR="$RAPPORT_HOME/logs"
PYTHON="$REPO_ROOT/.venv/bin/python"
export ACCOUNTS_API_PORT="${ACCOUNTS_API_PORT:-8101}"
export ACCOUNTS_WORKER_PORT="${ACCOUNTS_WORKER_PORT:-8111}"
export COMPLAINTS_API_PORT="${COMPLAINTS_API_PORT:-8103}"
export COMPLAINTS_WORKER_PORT="${COMPLAINTS_WORKER_PORT:-8113}"
export ENGAGEMENT_API_PORT="${ENGAGEMENT_API_PORT:-8102}"
export ENGAGEMENT_WORKER_PORT="${ENGAGEMENT_WORKER_PORT:-8112}"
export REPORTING_API_PORT="${REPORTING_API_PORT:-8104}"
export REPORTING_WORKER_PORT="${REPORTING_WORKER_PORT:-8114}"
export FRONT_DOOR_PORT="${FRONT_DOOR_PORT:-8080}"
NGINX_HOME="$RAPPORT_HOME/nginx"
DEMO_CUSTOMERS="${RAPPORT_DEMO_CUSTOMERS:-300}"

# name|module|port: every long-running process of every service.
PROCESSES=(
  "accounts-api|accounts.entrypoints.api|$ACCOUNTS_API_PORT"
  "accounts-worker|accounts.entrypoints.worker|$ACCOUNTS_WORKER_PORT"
  "complaints-api|complaints.entrypoints.api|$COMPLAINTS_API_PORT"
  "complaints-worker|complaints.entrypoints.worker|$COMPLAINTS_WORKER_PORT"
  "engagement-api|engagement.entrypoints.api|$ENGAGEMENT_API_PORT"
  "engagement-worker|engagement.entrypoints.worker|$ENGAGEMENT_WORKER_PORT"
  "reporting-api|reporting.entrypoints.api|$REPORTING_API_PORT"
  "reporting-worker|reporting.entrypoints.worker|$REPORTING_WORKER_PORT"
)

log() { echo "[services] $*" >&2; }
die() { echo "[services] ERROR: $*" >&2; exit 1; }

# The stack's addresses and SCRAM passwords; each service signs in to Kafka as its own
# principal (decision 0019), the demo data as the ERP's (RAPPORT_KAFKA_ERP_PASSWORD).
load_infra_env() {
  eval "$("$SCRIPT_DIR/stack.sh" env)"
  ADMIN_URL="$DATABASE_URL"
  local server="${ADMIN_URL#*@}"
  export ACCOUNTS_DATABASE_URL="postgresql://accounts:${ACCOUNTS_DB_PASSWORD:-accounts}@${server}"
  export ACCOUNTS_KAFKA_BOOTSTRAP_SERVERS="$KAFKA_BOOTSTRAP_SERVERS"
  export ACCOUNTS_KAFKA_USERNAME=accounts ACCOUNTS_KAFKA_PASSWORD="$RAPPORT_KAFKA_ACCOUNTS_PASSWORD"
  export COMPLAINTS_DATABASE_URL="postgresql://complaints:${COMPLAINTS_DB_PASSWORD:-complaints}@${server}"
  export COMPLAINTS_KAFKA_BOOTSTRAP_SERVERS="$KAFKA_BOOTSTRAP_SERVERS"
  export COMPLAINTS_KAFKA_USERNAME=complaints COMPLAINTS_KAFKA_PASSWORD="$RAPPORT_KAFKA_COMPLAINTS_PASSWORD"
  export ENGAGEMENT_DATABASE_URL="postgresql://engagement:${ENGAGEMENT_DB_PASSWORD:-engagement}@${server}"
  export ENGAGEMENT_KAFKA_BOOTSTRAP_SERVERS="$KAFKA_BOOTSTRAP_SERVERS"
  export ENGAGEMENT_KAFKA_USERNAME=engagement ENGAGEMENT_KAFKA_PASSWORD="$RAPPORT_KAFKA_ENGAGEMENT_PASSWORD"
  export REPORTING_DATABASE_URL="postgresql://reporting:${REPORTING_DB_PASSWORD:-reporting}@${server}"
  export REPORTING_KAFKA_BOOTSTRAP_SERVERS="$KAFKA_BOOTSTRAP_SERVERS"
  export REPORTING_KAFKA_USERNAME=reporting REPORTING_KAFKA_PASSWORD="$RAPPORT_KAFKA_REPORTING_PASSWORD"
  # Engagement's pages ask accounts' API for the contact names of care touches.
  export ENGAGEMENT_ACCOUNTS_API_URL="http://127.0.0.1:$ACCOUNTS_API_PORT"
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

# render_template TEMPLATE OUTPUT NAME...: replaces ${NAME} by its environment value, only for
# the names given, so nginx's own $variables stay (what envsubst with a list does).
render_template() {
  "$PYTHON" - "$@" <<'PY'
import os, sys
template, output, *names = sys.argv[1:]
text = open(template).read()
for name in names:
    text = text.replace("${" + name + "}", os.environ[name])
open(output, "w").write(text)
PY
}

# Renders deploy/local/nginx/*.template into $NGINX_HOME.
render_front_door() {
  mkdir -p "$NGINX_HOME"
  export NGINX_HOME NGINX_LOG_DIR="$LOG_DIR"
  export ACCOUNTS_UPSTREAM="127.0.0.1:$ACCOUNTS_API_PORT"
  export COMPLAINTS_UPSTREAM="127.0.0.1:$COMPLAINTS_API_PORT"
  export ENGAGEMENT_UPSTREAM="127.0.0.1:$ENGAGEMENT_API_PORT"
  export REPORTING_UPSTREAM="127.0.0.1:$REPORTING_API_PORT"
  # The identity provider's origin: sign-out continues there (the pages' form-action).
  export OIDC_ORIGIN="${RAPPORT_OIDC_ORIGIN:-http://127.0.0.1:${RAPPORT_KEYCLOAK_PORT:-18080}}"
  render_template "$SCRIPT_DIR/nginx/rapport.conf.template" "$NGINX_HOME/rapport.conf" \
    FRONT_DOOR_PORT OIDC_ORIGIN ACCOUNTS_UPSTREAM COMPLAINTS_UPSTREAM ENGAGEMENT_UPSTREAM \
    REPORTING_UPSTREAM
  render_template "$SCRIPT_DIR/nginx/nginx.conf.template" "$NGINX_HOME/nginx.conf" \
    NGINX_HOME NGINX_LOG_DIR
}

start_front_door() {
  if alive front-door; then
    log "front-door already running (pid $(cat "$RUN_DIR/front-door.pid"))"
    return 0
  fi
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] \
    || die "nginx not found; run deploy/local/install-prereqs.sh"
  render_front_door
  local nginx_bin
  nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
  local flags=(-p "$NGINX_HOME" -c "$NGINX_HOME/nginx.conf" -e "$LOG_DIR/front-door-error.log")
  "$nginx_bin" -t -q "${flags[@]}" || die "the front door's nginx configuration is invalid"
  setsid nohup "$nginx_bin" "${flags[@]}" >>"$LOG_DIR/front-door.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/front-door.pid"
  log "started front-door (pid $!, port $FRONT_DOOR_PORT)"
}

stop_front_door() {
  if alive front-door; then
    local pid
    pid="$(cat "$RUN_DIR/front-door.pid")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
    log "stopped front-door (pid $pid)"
  fi
  rm -f "$RUN_DIR/front-door.pid"
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

# The demo admin's access token (the feeder client's password grant, as the demo activity gets
# its users'): accounts answers only a signed-in user, and the admin sees every account.
admin_token() {
  local issuer="${RAPPORT_OIDC_ISSUER:-http://127.0.0.1:${RAPPORT_KEYCLOAK_PORT:-18080}/realms/rapport}"
  curl -fsS -d grant_type=password -d client_id=rapport-feeder \
    -d "client_secret=${RAPPORT_FEEDER_SECRET:-rapport-feeder-secret}" -d username=adm-01 \
    -d "password=${RAPPORT_DEMO_PASSWORD:-rapport-demo}" "$issuer/protocol/openid-connect/token" \
    | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

wait_for_accounts() {
  local expected="$1" total=0 token
  for _ in $(seq 1 240); do
    token="$(admin_token 2>/dev/null || true)"
    total="$(curl -fsS -H "Authorization: Bearer $token" \
      "http://127.0.0.1:$ACCOUNTS_API_PORT/api/v1/accounts?page_size=1" \
      | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["total"])' 2>/dev/null || echo 0)"
    if (( total >= expected )); then
      log "$total accounts classified"
      return 0
    fi
    sleep 0.5
  done
  die "only $total of $expected demo accounts arrived after 120 s; see $LOG_DIR/accounts-worker.log"
}

# After the accounts: teams, a VIP, targets, visits, feedback and complaint tickets, through
# the services' APIs (tools/demo/src/demo/activity/). Its marker lives with the database it
# fills, so a fresh database gets the activity again.
add_demo_activity() {
  local marker="$RAPPORT_HOME/postgres/demo-activity-added"
  if [[ -f "$marker" ]]; then
    log "demo activity already added"
    return 0
  fi
  log "adding demo activity (teams, targets, visits, feedback, complaint tickets) through the APIs"
  "$PYTHON" -m demo.activity --expect-accounts "$DEMO_CUSTOMERS" \
    --accounts-url "http://127.0.0.1:$ACCOUNTS_API_PORT" \
    --engagement-url "http://127.0.0.1:$ENGAGEMENT_API_PORT" \
    --complaints-url "http://127.0.0.1:$COMPLAINTS_API_PORT" \
    || die "the demo activity step failed (see above); rerun 'make up' to retry it"
  touch "$marker"
}

cmd_up() {
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  [[ -x "$PYTHON" ]] || die "no virtualenv; run 'make install' first"
  load_infra_env
  "$PYTHON" -m accounts.entrypoints.migrate --admin-url "$ADMIN_URL"
  "$PYTHON" -m complaints.entrypoints.migrate --admin-url "$ADMIN_URL"
  "$PYTHON" -m engagement.entrypoints.migrate --admin-url "$ADMIN_URL"
  "$PYTHON" -m reporting.entrypoints.migrate --admin-url "$ADMIN_URL"
  for entry in "${PROCESSES[@]}"; do
    IFS='|' read -r name module port <<<"$entry"
    start_process "$name" "$module" "$port"
  done
  for entry in "${PROCESSES[@]}"; do
    IFS='|' read -r name module port <<<"$entry"
    wait_ready "$name" "$port"
  done
  start_front_door
  wait_ready front-door "$FRONT_DOOR_PORT"
  publish_demo_data
  wait_for_accounts "$DEMO_CUSTOMERS"
  add_demo_activity
  cat <<URLS

Rapport is up.
  Front door         http://127.0.0.1:$FRONT_DOOR_PORT/  (every page, one site)
  Accounts pages     http://127.0.0.1:$ACCOUNTS_API_PORT/accounts/
  Accounts API docs  http://127.0.0.1:$ACCOUNTS_API_PORT/api/docs
  Accounts metrics   http://127.0.0.1:$ACCOUNTS_API_PORT/metrics  (worker: http://127.0.0.1:$ACCOUNTS_WORKER_PORT/metrics)
  Complaints queue   http://127.0.0.1:$FRONT_DOOR_PORT/complaints/  (SLA board: /complaints/board)
  Complaints API     http://127.0.0.1:$COMPLAINTS_API_PORT/api/docs
  Complaints metrics http://127.0.0.1:$COMPLAINTS_API_PORT/metrics  (worker: http://127.0.0.1:$COMPLAINTS_WORKER_PORT/metrics)
  Engagement boards  http://127.0.0.1:$FRONT_DOOR_PORT/engagement/
  Engagement API     http://127.0.0.1:$ENGAGEMENT_API_PORT/api/docs
  Engagement metrics http://127.0.0.1:$ENGAGEMENT_API_PORT/metrics  (worker: http://127.0.0.1:$ENGAGEMENT_WORKER_PORT/metrics)
  Reporting          http://127.0.0.1:$FRONT_DOOR_PORT/reporting/
  Reporting API      http://127.0.0.1:$REPORTING_API_PORT/api/docs
  Reporting metrics  http://127.0.0.1:$REPORTING_API_PORT/metrics  (worker: http://127.0.0.1:$REPORTING_WORKER_PORT/metrics)
  Kafka              $KAFKA_BOOTSTRAP_SERVERS
  PostgreSQL         $ADMIN_URL
Logs in $LOG_DIR. Stop with 'make down'.
URLS
}

cmd_down() {
  stop_front_door
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
  if alive front-door; then echo "front-door: running (pid $(cat "$RUN_DIR/front-door.pid"), port $FRONT_DOOR_PORT)"
  else echo "front-door: stopped"; fi
  for entry in "${PROCESSES[@]}"; do
    IFS='|' read -r name _ port <<<"$entry"
    if alive "$name"; then echo "$name: running (pid $(cat "$RUN_DIR/$name.pid"), port $port)"
    else echo "$name: stopped"; fi
  done
}

# Replay the domain topics from offset 0 into a fresh reporting schema, prove it equal to the
# live one (a checksum per table) and swap it in; the services keep running.
cmd_rebuild_reports() {
  load_infra_env
  "$PYTHON" -m reporting.entrypoints.rebuild "$@"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  rebuild-reports) shift; cmd_rebuild_reports "$@" ;;
  *) echo "usage: $0 up|down|status|rebuild-reports [--check-only]" >&2; exit 2 ;;
esac
