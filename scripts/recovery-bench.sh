#!/usr/bin/env bash
# Measures recovery after SIGKILL: a paid order is caught between "paid" and "ticketed", the server is
# killed, and the script times how long the restarted server takes to answer and to finish the order.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

port=${BENCH_PORT:-5098}
data=$(mktemp -d /tmp/boxoffice-recovery.XXXXXX)
url="http://127.0.0.1:$port"
log=$data/server.log
dotnet build -c Release -nologo -clp:ErrorsOnly src/BoxOffice.Server >/dev/null
ms() { date +%s%3N; }

start_recovery_server() {
  start_server "$data" "$port" "$log" Admin__Token=bench-admin-token-of-32-characters Limits__Enabled=false \
    Payments__AllowTestMode=true Checkout__TicketStepMs="$1" Logging__LogLevel__Default=Warning \
    ConnectionStrings__BoxOffice="Data Source=$data/recovery.db"
}
# A failed run keeps its folder, so the server log an error names is still there.
clean_up() {
  local status=$?
  if process_runs "${SERVER_PID:-}" "$SERVER_DLL"; then kill -KILL "$SERVER_PID"; fi
  if [ "$status" -eq 0 ]; then rm -rf "$data"; else echo "kept $data (server.log, recovery.db)" >&2; fi
}
trap clean_up EXIT

# Tickets take 5 s each in the first run, so the kill lands while the order is paid but not ticketed.
start_recovery_server 5000
wait_for_health "$url" "$SERVER_PID" "$log"
curl -sf -X POST "$url/api/events" -H 'Authorization: Bearer bench-admin-token-of-32-characters' -H 'Content-Type: application/json' \
  -d '{"id":"recovery","title":"Recovery","layout":{"template":"cinema","rows":2,"seatsPerRow":4},"prices":{"standard":1000}}' >/dev/null
order=$(curl -sf -X POST "$url/api/orders" -H 'Idempotency-Key: recovery-1' -H 'Content-Type: application/json' \
  -d '{"eventId":"recovery","seats":[{"seat":"A1","name":"Ada"},{"seat":"A2","name":"Bob"}],"email":"ada@example.com"}')
order_id=$(sed -E 's/.*"orderId":"([^"]+)".*/\1/' <<<"$order")
token=$(sed -E 's/.*"manageToken":"([^"]+)".*/\1/' <<<"$order")
payment=$(sed -E 's/.*"paymentUrl":"[^"]*\/pay\/([^"#]+)#key=([^"]+)".*/\1/' <<<"$order")
key=$(sed -E 's/.*"paymentUrl":"[^"]*\/pay\/([^"#]+)#key=([^"]+)".*/\2/' <<<"$order")
curl -sf -X POST "$url/api/payments/$payment/decision" -H "X-Payment-Key: $key" -H 'Content-Type: application/json' \
  -d '{"outcome":"paid"}' >/dev/null

kill -KILL "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
killed=$(ms)
start_recovery_server 0
# Polled every 20 ms: the figures are in milliseconds.
wait_for_health "$url" "$SERVER_PID" "$log" 0.02
answering=$(ms)
order_is_ticketed() { [[ $(curl -sf --max-time 2 "$url/api/orders/$order_id" -H "X-Manage-Token: $token") == *'"status":"ticketed"'* ]]; }
wait_until 30 0.02 "the order was not ticketed after the restart" "$log" order_is_ticketed
resumed=$(ms)
echo "{\"scenario\":\"recovery\",\"answering after restart ms\":$((answering - killed)),\"order ticketed after answering ms\":$((resumed - answering))}"
