#!/usr/bin/env bash
# The one test command: provisions what the tests need (Debian chromium, a throwaway PostgreSQL),
# runs every test project, and stops PostgreSQL whatever happens.
set -euo pipefail
cd "$(dirname "$0")"

# shellcheck source=scripts/lib.sh
source scripts/lib.sh

ensure_chromium

echo "==> installing axe-core for the accessibility scan"
npm ci --prefix tests/BoxOffice.EndToEndTests --no-audit --no-fund --silent

echo "==> starting a throwaway PostgreSQL"
PG_DIR=$(mktemp -d /tmp/boxoffice-pg.XXXXXX)
RESULTS_DIR=$(mktemp -d /tmp/boxoffice-results.XXXXXX)
postgres_started=false
# A PostgreSQL that failed to start keeps its folder, so the log the error names is still there.
clean_up() {
  stop_postgres "$PG_DIR" || true
  rm -rf "$RESULTS_DIR"
  if [ "$postgres_started" = true ]; then rm -rf "$PG_DIR"; fi
}
trap clean_up EXIT
start_postgres "$PG_DIR"
postgres_started=true
export BOXOFFICE_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
echo "    PostgreSQL $(basename "$(dirname "$PG_BIN")") on 127.0.0.1:$PG_PORT"

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
