#!/usr/bin/env bash
# A throwaway BoxOffice cluster on this machine: a PostgreSQL cluster, three BoxOffice processes (Release)
# on 127.0.0.1, and nginx round-robining in front of them. Any process serves any event.
#
#   scripts/cluster.sh start    build, start everything, print the address, the admin token and a load command
#   scripts/cluster.sh status   what is running
#   scripts/cluster.sh stop     stop exactly what start started, and remove its state folder
#
# Environment: CLUSTER_PORT (nginx, default 8080), CLUSTER_NODES (default 3),
# CLUSTER_STATE (PIDs, logs and the database; default /tmp/boxoffice-cluster),
# CLUSTER_SERVER_ARGS: extra --Key=Value arguments for every server process, separated by spaces.
#
# The last four lines of `start` are for scripts, in this order:
#   url=http://127.0.0.1:<nginx port>
#   admin_token=<token>
#   webhook_secret=<secret>
#   pids=<server pid> <server pid> ...
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

PORT=${CLUSTER_PORT:-8080}
NODES=${CLUSTER_NODES:-3}
STATE=${CLUSTER_STATE:-/tmp/boxoffice-cluster}
read -ra SERVER_ARGS <<<"${CLUSTER_SERVER_ARGS:-}"

# pid_in FILE: the PID a file of the state folder holds, or nothing.
pid_in() { cat "$1" 2>/dev/null || true; }

# stop_pid_file FILE EXPECT NAME: stops the process FILE names while it still runs EXPECT.
stop_pid_file() {
  local pid
  pid=$(pid_in "$1")
  process_runs "$pid" "$2" || return 0
  stop_process "$pid" "$2"
  echo "    stopped $3 (pid $pid)"
}

stop_processes() {
  stop_pid_file "$STATE/nginx.pid" "$STATE/nginx.conf" nginx
  local pid_file
  for pid_file in "$STATE"/node*.pid; do
    [ -f "$pid_file" ] || continue
    stop_pid_file "$pid_file" "$SERVER_DLL" "$(basename "$pid_file" .pid)"
  done
  if [ -f "$STATE/pg/data/postmaster.pid" ]; then stop_postgres "$STATE/pg" && echo "    stopped PostgreSQL"; fi
}

stop() {
  [ -d "$STATE" ] || { echo "no cluster state in $STATE"; return 0; }
  echo "==> stopping the cluster in $STATE"
  stop_processes
  rm -rf "$STATE"
}

# report NAME PID_FILE EXPECT: one status line for one process of the cluster.
report() {
  local pid
  pid=$(pid_in "$2")
  if process_runs "$pid" "$3"; then echo "$1: running (pid $pid)"; else echo "$1: stopped"; fi
}

status() {
  [ -d "$STATE" ] || { echo "not running (no $STATE)"; return 0; }
  cat "$STATE/cluster.env" 2>/dev/null || echo "start did not finish; its logs are in $STATE"
  report nginx "$STATE/nginx.pid" "$STATE/nginx.conf"
  local pid_file
  for pid_file in "$STATE"/node*.pid; do
    [ -f "$pid_file" ] || continue
    report "$(basename "$pid_file" .pid)" "$pid_file" "$SERVER_DLL"
  done
}

# A failed start stops whatever already started, but leaves the state folder: the error names a log in it.
stop_after_failed_start() {
  echo "start failed; stopping what started (logs stay in $STATE; '$0 stop' removes them)" >&2
  stop_processes >&2
}

start() {
  if [ -d "$STATE" ]; then
    echo "$STATE exists: a cluster is running or was not stopped; run '$0 stop' first" >&2
    exit 1
  fi
  port_is_free "$PORT" || { echo "port $PORT is taken; set CLUSTER_PORT" >&2; exit 1; }
  ensure_nginx
  ensure_postgres

  echo "==> building the server (Release)"
  dotnet build src/BoxOffice.Server -c Release -nologo -clp:ErrorsOnly >/dev/null

  mkdir -p "$STATE/pg"
  trap 'if [ $? -ne 0 ]; then stop_after_failed_start; fi' EXIT

  echo "==> starting PostgreSQL"
  start_postgres "$STATE/pg" shared_preload_libraries=pg_stat_statements
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres boxoffice
  # Where the database's time goes: SELECT calls, total_exec_time, query FROM pg_stat_statements ORDER BY 2 DESC.
  "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d boxoffice -qc 'CREATE EXTENSION pg_stat_statements'
  local connection="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=boxoffice"

  local token secret
  token=$(random_token)
  secret=$(random_token)
  echo "==> starting $NODES BoxOffice processes"
  local node node_port=5080 upstreams="" pids=()
  for node in $(seq "$NODES"); do
    node_port=$(free_port $((node_port + 1)))
    start_server "$STATE" "$node_port" "$STATE/node$node.log" \
      Storage__Provider=Postgres ConnectionStrings__BoxOffice="$connection" Admin__Token="$token" \
      Payments__WebhookSecret="$secret" Limits__Enabled=false Payments__AllowTestMode=true -- "${SERVER_ARGS[@]}"
    echo "$SERVER_PID" >"$STATE/node$node.pid"
    echo "$node_port" >"$STATE/node$node.port"
    pids+=("$SERVER_PID")
    upstreams+="    server 127.0.0.1:$node_port;"$'\n'
  done
  for node in $(seq "$NODES"); do
    node_port=$(cat "$STATE/node$node.port")
    wait_for_health "http://127.0.0.1:$node_port" "${pids[node - 1]}" "$STATE/node$node.log"
    echo "    node$node on http://127.0.0.1:$node_port (pid ${pids[node - 1]})"
  done

  echo "==> starting nginx on 127.0.0.1:$PORT"
  cat >"$STATE/nginx.conf" <<EOF
worker_processes 1;
pid $STATE/nginx.pid;
error_log $STATE/nginx-error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  upstream boxoffice {
$upstreams    keepalive 128;
  }
  # WebSockets need Upgrade passed on; every other request keeps its upstream connection alive.
  map \$http_upgrade \$connection_upgrade { default upgrade; '' ''; }
  server {
    listen 127.0.0.1:$PORT;
    location / {
      proxy_pass http://boxoffice;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$host;
      proxy_read_timeout 1h;
    }
  }
}
EOF
  nginx -p "$STATE/" -c "$STATE/nginx.conf" -e "$STATE/nginx-error.log"
  wait_until 10 0.1 "nginx did not answer http://127.0.0.1:$PORT/health" "$STATE/nginx-error.log" \
    answers_health "http://127.0.0.1:$PORT"
  trap - EXIT

  cat >"$STATE/cluster.env" <<EOF
BOXOFFICE_URL=http://127.0.0.1:$PORT
BOXOFFICE_ADMIN_TOKEN=$token
BOXOFFICE_WEBHOOK_SECRET=$secret
BOXOFFICE_POSTGRES="$connection"
EOF
  cat <<EOF

BoxOffice cluster is up ($NODES processes behind nginx, round-robin). State, PIDs and logs: $STATE
  URL:            http://127.0.0.1:$PORT   (try http://127.0.0.1:$PORT/?flightId=1234)
  admin token:    $token
  webhook secret: $secret
  PostgreSQL:     $connection
  load:           dotnet run -c Release --project src/BoxOffice.Load -- contention --url http://127.0.0.1:$PORT --admin-token $token
  stop:           $0 stop

url=http://127.0.0.1:$PORT
admin_token=$token
webhook_secret=$secret
pids=${pids[*]}
EOF
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
