#!/usr/bin/env bash
# The PostgreSQL rows of the README benchmark table, in one go with scripts/cluster.sh: contention,
# throughput (three runs) and fanout against one process (direct, and behind nginx) and three processes
# behind nginx round-robin, so the ratio of three to one comes from one run; then the failover scenario,
# which kills the process hosting its event. Prints one JSON line per run.
set -euo pipefail
cd "$(dirname "$0")/.."

# A cluster of its own, so a cluster someone already started is left alone.
export CLUSTER_STATE=${CLUSTER_STATE:-/tmp/boxoffice-bench-cluster}
export CLUSTER_PORT=${CLUSTER_PORT:-8090}
if [ -e "$CLUSTER_STATE" ]; then
  echo "$CLUSTER_STATE exists; stop that cluster first (CLUSTER_STATE=$CLUSTER_STATE scripts/cluster.sh stop)" >&2
  exit 1
fi
dotnet build -c Release -nologo -clp:ErrorsOnly src/BoxOffice.Load
trap 'scripts/cluster.sh stop >/dev/null' EXIT

load() { dotnet src/BoxOffice.Load/bin/Release/net10.0/BoxOffice.Load.dll "$@" --admin-token "$admin_token" --json; }

run() {
  local label=$1 url=$2
  echo "# $label"
  load contention --url "$url"
  for _ in 1 2 3; do load throughput --url "$url"; done
  load fanout --url "$url"
}

# cluster NAME=VALUE...: a fresh cluster with these settings; sets url and admin_token from the last lines
# that cluster.sh start prints for scripts.
cluster() {
  scripts/cluster.sh stop >/dev/null
  local started line
  started=$(env "$@" scripts/cluster.sh start)
  while IFS= read -r line; do
    case $line in
      url=*) url=${line#url=} ;;
      admin_token=*) admin_token=${line#admin_token=} ;;
      pids=*) read -ra pids <<<"${line#pids=}" ;;
    esac
  done < <(tail -n 4 <<<"$started")
}

cluster CLUSTER_NODES=1
run "1 process, direct" "http://127.0.0.1:$(cat "$CLUSTER_STATE/node1.port")"
run "1 process behind nginx" "$url"
cluster CLUSTER_NODES=3
run "3 processes behind nginx, round-robin" "$url"
echo "# 3 processes: SIGKILL of the process hosting the event, mid-load"
load failover --url "http://127.0.0.1:$(cat "$CLUSTER_STATE/node1.port")" "http://127.0.0.1:$(cat "$CLUSTER_STATE/node2.port")" \
  "http://127.0.0.1:$(cat "$CLUSTER_STATE/node3.port")" --kill-pid "${pids[0]}" --connections 48 --seats 2000
