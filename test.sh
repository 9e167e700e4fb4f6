#!/usr/bin/env bash
# The one test command: provisions what the tests need (Debian chromium, a throwaway PostgreSQL),
# runs every test project, and stops PostgreSQL whatever happens.
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v chromium >/dev/null 2>&1; then
  echo "==> installing Debian chromium for the browser tests"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

echo "==> starting a throwaway PostgreSQL"
PG_BIN=/usr/lib/postgresql/15/bin
PG_DIR=$(mktemp -d /tmp/boxoffice-pg.XXXXXX)
RESULTS_DIR=$(mktemp -d /tmp/boxoffice-results.XXXXXX)
# initdb and postgres refuse to run as root, so a root run hands the cluster to the postgres user.
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"

stop_postgres() {
  as_pg "$PG_BIN/pg_ctl -D $PG_DIR/data -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$PG_DIR" "$RESULTS_DIR"
}
trap stop_postgres EXIT

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PG_PORT=$((20000 + RANDOM % 20000))
until port_is_free "$PG_PORT"; do PG_PORT=$((PG_PORT + 1)); done

as_pg "$PG_BIN/initdb -D $PG_DIR/data --auth=trust -U postgres --no-sync" >/dev/null
as_pg "$PG_BIN/pg_ctl -D $PG_DIR/data -l $PG_DIR/postgres.log -w -o \"-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300\" start" >/dev/null
export BOXOFFICE_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
echo "    PostgreSQL on 127.0.0.1:$PG_PORT"

echo "==> building"
dotnet build BoxOffice.slnx -c Release -nologo -clp:ErrorsOnly

echo "==> testing"
status=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$RESULTS_DIR" || status=1
done

# One summary line over every project, read from the TRX counters.
passed=0; failed=0
for trx in "$RESULTS_DIR"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  passed=$((passed + $(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")))
  failed=$((failed + $(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")))
done
echo "$passed passed, $failed failed"
exit $status
