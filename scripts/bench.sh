#!/usr/bin/env bash
# Runs every load scenario once against a fresh Release server on a throwaway SQLite file, in one go,
# so the ratios to `ceiling` come from the same run. Prints one JSON line per scenario.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${BENCH_PORT:-5099}
data=$(mktemp -d /tmp/boxoffice-bench.XXXXXX)
token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
# The load tool references the server, so this builds both.
dotnet build -c Release -nologo -clp:ErrorsOnly src/BoxOffice.Load

secret=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
(cd "$data" && exec env Admin__Token="$token" Limits__Enabled=false Payments__WebhookSecret="$secret" Payments__AllowTestMode=true Lab__Enabled=true Logging__LogLevel__Default=Warning \
  ConnectionStrings__BoxOffice="Data Source=$data/bench.db" \
  dotnet "$OLDPWD/src/BoxOffice.Server/bin/Release/net10.0/BoxOffice.Server.dll" --urls "http://127.0.0.1:$port") &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.2; done

load() { BOXOFFICE_WEBHOOK_SECRET="$secret" dotnet src/BoxOffice.Load/bin/Release/net10.0/BoxOffice.Load.dll "$@" --url "http://127.0.0.1:$port" --admin-token "$token" --json; }
load ceiling
load throughput
load reads
load contention
load hotseat --users 1000
load fanout --clients 1000 --bookings 200
load checkout --connections 64
load stadium
load lab
load ceiling
