#!/usr/bin/env bash
# Runs every load scenario once against a fresh Release server on a throwaway SQLite file, in one go,
# so the ratios to `ceiling` come from the same run. Prints one JSON line per scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

port=${BENCH_PORT:-5099}
url="http://127.0.0.1:$port"
data=$(mktemp -d /tmp/boxoffice-bench.XXXXXX)
token=$(random_token)
secret=$(random_token)
dotnet build -c Release -nologo -clp:ErrorsOnly src/BoxOffice.Server
dotnet build -c Release -nologo -clp:ErrorsOnly src/BoxOffice.Load

# A failed run keeps its folder, so the server log an error names is still there.
clean_up() {
  local status=$?
  stop_process "${SERVER_PID:-}" "$SERVER_DLL"
  if [ "$status" -eq 0 ]; then rm -rf "$data"; else echo "kept $data (server.log, bench.db)" >&2; fi
}
trap clean_up EXIT
start_server "$data" "$port" "$data/server.log" Admin__Token="$token" Limits__Enabled=false \
  Payments__WebhookSecret="$secret" Payments__AllowTestMode=true Lab__Enabled=true Logging__LogLevel__Default=Warning \
  ConnectionStrings__BoxOffice="Data Source=$data/bench.db"
wait_for_health "$url" "$SERVER_PID" "$data/server.log"

load() { BOXOFFICE_WEBHOOK_SECRET="$secret" dotnet src/BoxOffice.Load/bin/Release/net10.0/BoxOffice.Load.dll "$@" --url "$url" --admin-token "$token" --json; }
load ceiling
load throughput
load reads
load tutorial
load contention
load hotseat --users 1000
load fanout --clients 1000 --bookings 200
load checkout --connections 64
load stadium
load lab
load ceiling
