#!/usr/bin/env bash
# The PostgreSQL rows of the README benchmark table, in one go with scripts/cluster.sh: contention,
# throughput (three runs) and fanout against one process (direct, and behind nginx), three processes
# behind nginx round-robin, and three behind nginx routing by event. Prints one JSON line per run.
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

load() { dotnet src/BoxOffice.Load/bin/Release/net10.0/BoxOffice.Load.dll "$@" --admin-token "$BOXOFFICE_ADMIN_TOKEN" --json; }

run() {
  local label=$1 url=$2
  echo "# $label"
  load contention --url "$url"
  for _ in 1 2 3; do load throughput --url "$url"; done
  load fanout --url "$url"
}

cluster() {
  scripts/cluster.sh stop >/dev/null
  env "$@" scripts/cluster.sh start >/dev/null
  # shellcheck disable=SC1091
  source "$CLUSTER_STATE/cluster.env"
}

cluster CLUSTER_NODES=1
run "1 process, direct" "http://127.0.0.1:$(cat "$CLUSTER_STATE/node1.port")"
run "1 process behind nginx" "$BOXOFFICE_URL"
cluster CLUSTER_NODES=3 CLUSTER_BALANCE=round-robin
run "3 processes behind nginx, round-robin" "$BOXOFFICE_URL"
cluster CLUSTER_NODES=3 CLUSTER_BALANCE=event
run "3 processes behind nginx, by event" "$BOXOFFICE_URL"
