#!/usr/bin/env bash
# A throwaway BoxOffice cluster on this machine: a PostgreSQL cluster, three BoxOffice processes (Release)
# on 127.0.0.1, and nginx round-robining in front of them.
#
#   scripts/cluster.sh start    build, start everything, print the address, the admin token and a load command
#   scripts/cluster.sh status   what is running
#   scripts/cluster.sh stop     stop exactly what start started, and remove its state folder
#
# Environment: CLUSTER_PORT (nginx, default 8080), CLUSTER_NODES (default 3),
# CLUSTER_STATE (PIDs, logs and the database; default /tmp/boxoffice-cluster),
# CLUSTER_BALANCE: round-robin (default) or event, which sends every request for one event to the same
# process (nginx consistent hash on the event id) so processes stop racing each other for its commits.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${CLUSTER_PORT:-8080}
NODES=${CLUSTER_NODES:-3}
BALANCE=${CLUSTER_BALANCE:-round-robin}
STATE=${CLUSTER_STATE:-/tmp/boxoffice-cluster}
PG_BIN=/usr/lib/postgresql/15/bin
SERVER_DLL=$PWD/src/BoxOffice.Server/bin/Release/net10.0/BoxOffice.Server.dll

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# initdb and postgres refuse to run as root, so a root run hands the cluster to the postgres user.
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port_from() { local port=$1; until port_is_free "$port"; do port=$((port + 1)); done; echo "$port"; }

# A PID from the state folder counts only while it still runs the program we started, so a stop after a
# reboot (or after the PID was reused) never signals a stranger.
running() {
  local pid_file=$1 expect=$2 pid
  [ -f "$pid_file" ] || return 1
  pid=$(cat "$pid_file")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$expect"
}

stop_pid() {
  local pid_file=$1 expect=$2 name=$3 pid
  if running "$pid_file" "$expect"; then
    pid=$(cat "$pid_file")
    kill -TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
    echo "    stopped $name (pid $pid)"
  fi
}

stop() {
  [ -d "$STATE" ] || { echo "no cluster state in $STATE"; return 0; }
  echo "==> stopping the cluster in $STATE"
  stop_pid "$STATE/nginx.pid" "$STATE/nginx.conf" nginx
  for pid_file in "$STATE"/node*.pid; do
    [ -f "$pid_file" ] || continue
    stop_pid "$pid_file" "$SERVER_DLL" "$(basename "$pid_file" .pid)"
  done
  if [ -f "$STATE/pg/data/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl -D $STATE/pg/data -m fast -w stop" >/dev/null && echo "    stopped PostgreSQL"
  fi
  rm -rf "$STATE"
}

status() {
  [ -d "$STATE" ] || { echo "not running (no $STATE)"; return 0; }
  cat "$STATE/cluster.env"
  running "$STATE/nginx.pid" "$STATE/nginx.conf" && echo "nginx: running (pid $(cat "$STATE/nginx.pid"))" || echo "nginx: stopped"
  for pid_file in "$STATE"/node*.pid; do
    [ -f "$pid_file" ] || continue
    running "$pid_file" "$SERVER_DLL" && echo "$(basename "$pid_file" .pid): running (pid $(cat "$pid_file"))" || echo "$(basename "$pid_file" .pid): stopped"
  done
}

start() {
  if [ -d "$STATE" ]; then
    echo "$STATE exists: a cluster is running or was not stopped; run '$0 stop' first" >&2
    exit 1
  fi
  port_is_free "$PORT" || { echo "port $PORT is taken; set CLUSTER_PORT" >&2; exit 1; }
  local balance
  case "$BALANCE" in
    round-robin) balance="" ;;
    event) balance="    hash \$boxoffice_event consistent;"$'\n' ;;
    *) echo "CLUSTER_BALANCE must be round-robin or event" >&2; exit 1 ;;
  esac
  if ! command -v nginx >/dev/null 2>&1; then
    echo "==> installing Debian nginx"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  fi

  echo "==> building the server (Release)"
  dotnet build src/BoxOffice.Server -c Release -nologo -clp:ErrorsOnly >/dev/null

  mkdir -p "$STATE/pg"
  # From here on a failure stops whatever already started.
  trap 'echo "start failed; stopping what started" >&2; stop' ERR

  echo "==> starting PostgreSQL"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$STATE/pg"
  local pg_port
  pg_port=$(free_port_from 25432)
  as_pg "$PG_BIN/initdb -D $STATE/pg/data --auth=trust -U postgres --no-sync" >/dev/null
  as_pg "$PG_BIN/pg_ctl -D $STATE/pg/data -l $STATE/pg/postgres.log -w -o \"-p $pg_port -k $STATE/pg -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_preload_libraries=pg_stat_statements\" start" >/dev/null
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres boxoffice
  # Where the database's time goes: SELECT calls, total_exec_time, query FROM pg_stat_statements ORDER BY 2 DESC.
  "$PG_BIN/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d boxoffice -qc 'CREATE EXTENSION pg_stat_statements'
  local connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=boxoffice"

  local token
  token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  echo "==> starting $NODES BoxOffice processes"
  local node node_port upstreams="" node_port_from=5081
  for node in $(seq "$NODES"); do
    node_port=$(free_port_from "$node_port_from")
    node_port_from=$((node_port + 1))
    (cd "$STATE" && exec env Storage__Provider=Postgres ConnectionStrings__BoxOffice="$connection" Admin__Token="$token" Limits__Enabled=false Payments__AllowTestMode=true \
      dotnet "$SERVER_DLL" --urls "http://127.0.0.1:$node_port" >"$STATE/node$node.log" 2>&1) &
    echo $! >"$STATE/node$node.pid"
    echo "$node_port" >"$STATE/node$node.port"
    upstreams+="    server 127.0.0.1:$node_port;"$'\n'
  done
  for node in $(seq "$NODES"); do
    node_port=$(cat "$STATE/node$node.port")
    for _ in $(seq 300); do
      curl -sf "http://127.0.0.1:$node_port/health" >/dev/null && break
      running "$STATE/node$node.pid" "$SERVER_DLL" || { cat "$STATE/node$node.log" >&2; false; }
      sleep 0.1
    done
    curl -sf "http://127.0.0.1:$node_port/health" >/dev/null
    echo "    node$node on http://127.0.0.1:$node_port (pid $(cat "$STATE/node$node.pid"))"
  done

  echo "==> starting nginx on 127.0.0.1:$PORT ($BALANCE)"
  cat >"$STATE/nginx.conf" <<EOF
worker_processes 1;
pid $STATE/nginx.pid;
error_log $STATE/nginx-error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  upstream boxoffice {
$balance$upstreams    keepalive 128;
  }
  # The event a request is about: /api/events/{id}/..., or the tutorial routes' ?flightId=.
  map \$uri \$boxoffice_event {
    ~^/api/events/(?<event>[^/]+) \$event;
    default \$arg_flightId;
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
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$PORT/health" >/dev/null
  trap - ERR

  cat >"$STATE/cluster.env" <<EOF
BOXOFFICE_URL=http://127.0.0.1:$PORT
BOXOFFICE_ADMIN_TOKEN=$token
BOXOFFICE_POSTGRES="$connection"
EOF
  cat <<EOF

BoxOffice cluster is up ($NODES processes behind nginx, $BALANCE). State, PIDs and logs: $STATE
  URL:          http://127.0.0.1:$PORT   (try http://127.0.0.1:$PORT/?flightId=1234)
  admin token:  $token
  PostgreSQL:   $connection
  load:         dotnet run -c Release --project src/BoxOffice.Load -- contention --url http://127.0.0.1:$PORT --admin-token $token
  stop:         $0 stop
EOF
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
