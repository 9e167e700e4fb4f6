#!/usr/bin/env bash
# Measures recovery after SIGKILL: a paid order is caught between "paid" and "ticketed", the server is
# killed, and the script times how long the restarted server takes to answer and to finish the order.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${BENCH_PORT:-5098}
data=$(mktemp -d /tmp/boxoffice-recovery.XXXXXX)
url="http://127.0.0.1:$port"
dotnet build -c Release -nologo -clp:ErrorsOnly src/BoxOffice.Server >/dev/null
ms() { date +%s%3N; }

start_server() {
  (cd "$data" && exec env Admin__Token=bench-admin-token-of-32-characters Limits__Enabled=false Payments__AllowTestMode=true Checkout__TicketStepMs="$1" \
    Logging__LogLevel__Default=Warning ConnectionStrings__BoxOffice="Data Source=$data/recovery.db" \
    dotnet "$OLDPWD/src/BoxOffice.Server/bin/Release/net10.0/BoxOffice.Server.dll" --urls "$url") &
  server=$!
}
trap 'kill -9 $server 2>/dev/null || true; rm -rf "$data"' EXIT

# Tickets take 5 s each in the first run, so the kill lands while the order is paid but not ticketed.
start_server 5000
until curl -sf "$url/health" >/dev/null; do sleep 0.1; done
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

kill -9 "$server"; wait "$server" 2>/dev/null || true
killed=$(ms)
start_server 0
until curl -sf "$url/health" >/dev/null; do sleep 0.02; done
answering=$(ms)
until curl -sf "$url/api/orders/$order_id" -H "X-Manage-Token: $token" | grep -q '"status":"ticketed"'; do sleep 0.02; done
resumed=$(ms)
echo "{\"scenario\":\"recovery\",\"answering after restart ms\":$((answering - killed)),\"order ticketed after answering ms\":$((resumed - answering))}"
