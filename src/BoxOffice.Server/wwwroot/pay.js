// The fake payment gateway's page, /pay/{paymentId}#key=...: what is being paid for, and Pay or Decline.
// The key is the link's capability; it stays in the fragment, so it never reaches the server's logs, and
// travels in the X-Payment-Key header. The server applies the first decision and answers with what the order became.
import { formatPrice, requestJson } from "/api.js";
import { HoldCountdown, OrderStatusText, rememberedOrderLink } from "/orders.js";

const paymentId = decodeURIComponent(location.pathname.split("/").pop());
const key = new URLSearchParams(location.hash.slice(1)).get("key");
const keyHeader = { "X-Payment-Key": key };
const countdown = new HoldCountdown(document.getElementById("pay-countdown"), left => `(${left} left)`);
const actions = document.getElementById("pay-actions");
const result = document.getElementById("pay-result");
let decided = false;

document.getElementById("pay-pay").addEventListener("click", () => decide("paid"));
document.getElementById("pay-decline").addEventListener("click", () => decide("failed"));

// Following a link that differs only in its fragment does not load the page again, and the key is in the fragment.
addEventListener("hashchange", () => location.reload());

if (key) {
  refresh().catch(error => showPageError(error.status === 404 ? "No payment matches this link. Check that you have all of it, including the part after #." : error.message));
} else {
  showPageError("This payment link is incomplete: it needs the #key=… part that came with it.");
}

function showPageError(message) {
  document.getElementById("payment").hidden = true;
  const pageError = document.getElementById("page-error");
  pageError.textContent = message;
  pageError.hidden = false;
}

async function refresh() {
  const payment = await requestJson(`/api/payments/${encodeURIComponent(paymentId)}`, { headers: keyHeader });
  document.getElementById("payment").hidden = false;
  document.getElementById("pay-event").textContent = payment.eventTitle;
  document.getElementById("pay-seats").textContent = payment.seats.join(", ");
  document.getElementById("pay-amount").textContent = formatPrice(payment.amount, payment.currency);
  document.getElementById("pay-status").textContent = OrderStatusText[payment.status] ?? payment.status;
  document.getElementById("pay-expiry").textContent = new Date(payment.expiresAt).toLocaleTimeString();
  document.getElementById("pay-back").href = `/events/${encodeURIComponent(payment.eventId)}`;

  // A gateway does not know about seat holds: it takes a late payment too, and BoxOffice refunds it.
  const payable = !decided && (payment.status === "awaiting_payment" || payment.status === "expired");
  actions.hidden = !payable;
  document.getElementById("pay-late").hidden = !payable || payment.status !== "expired";
  if (payment.status === "awaiting_payment") {
    countdown.start(payment.expiresAt, () => refresh().catch(error => (result.textContent = error.message)));
  } else {
    countdown.stop();
    document.getElementById("pay-countdown").textContent = "";
  }
}

async function decide(outcome) {
  for (const button of actions.querySelectorAll("button")) button.disabled = true;
  result.textContent = outcome === "paid" ? "Paying…" : "Declining…";
  try {
    const answer = await requestJson(`/api/payments/${encodeURIComponent(paymentId)}/decision`, { method: "POST", body: { outcome }, headers: keyHeader });
    decided = true;
    const orderLink = rememberedOrderLink(paymentId);
    result.textContent = describe(answer, orderLink !== null);
    if (answer.status === "paid" && orderLink !== null) {
      location.assign(orderLink);
      return;
    }
    showWayBack(orderLink);
  } catch (error) {
    result.textContent = error.message;
  } finally {
    for (const button of actions.querySelectorAll("button")) button.disabled = false;
  }
  await refresh().catch(() => {});
}

function describe(answer, orderLinkKnown) {
  if (answer.refundDue) return "The order had already ended, so this payment will be refunded. The seats stay released.";
  switch (answer.status) {
    case "paid":
      return orderLinkKnown
        ? "Payment accepted. Opening your order…"
        : "Payment accepted. Your tickets are being issued: open your order with the link from the page where you checked out.";
    case "cancelled":
      return "Payment declined. The seats are released.";
    case "expired":
      return "The seat hold had already ended: nothing was charged, and the seats are released.";
    default:
      return `The order is now ${(OrderStatusText[answer.status] ?? answer.status).toLowerCase()}.`;
  }
}

function showWayBack(orderLink) {
  const order = document.getElementById("pay-order");
  if (orderLink !== null) order.href = orderLink;
  order.hidden = orderLink === null;
  document.getElementById("pay-next").hidden = false;
}
