// The order page, /orders/{orderId}#token=...: a capability link. It follows the order by polling until
// the order can no longer change, and shows the tickets as they are issued.
import { formatPrice, requestJson } from "/api.js";
import { FinalStatuses, HoldCountdown, OrderStatusText, orderPageLink, rememberOrderLink } from "/orders.js";

const PollMs = 1000;
const LongestRetryMs = 10000;

const orderId = decodeURIComponent(location.pathname.split("/").pop());
const token = new URLSearchParams(location.hash.slice(1)).get("token");
const countdown = new HoldCountdown(document.getElementById("order-countdown"), left => `Seats held for ${left}`);
const problem = document.getElementById("order-problem");
let shownTickets = 0;
let countingTo = null;
let failures = 0;

// Following a link that differs only in its fragment does not load the page again, and the token is in the fragment.
addEventListener("hashchange", () => location.reload());

if (token) {
  poll();
} else {
  showPageError("This order link is incomplete: it needs the #token=… part that came with it.");
}

async function poll() {
  let order;
  try {
    order = await requestJson(`/api/orders/${encodeURIComponent(orderId)}`, { headers: { "X-Manage-Token": token } });
  } catch (error) {
    if (error.status === 404) {
      showPageError("No order matches this link. Check that you have all of it, including the part after #.");
      return;
    }
    // The order carries on without this page (tickets are issued on the server), so a dropped
    // connection or a restarting server only delays what the page shows.
    problem.textContent = `${error.message} Trying again…`;
    failures++;
    setTimeout(poll, Math.min(LongestRetryMs, PollMs * 2 ** failures));
    return;
  }
  failures = 0;
  problem.textContent = "";
  show(order);
  if (!FinalStatuses.has(order.status)) setTimeout(poll, PollMs);
}

function show(order) {
  const section = document.getElementById("order");
  if (section.hidden) showOnce(order);
  section.hidden = false;

  // Writing the same text again could make a screen reader repeat it every second.
  const progress = document.getElementById("order-progress");
  const text = `Status: ${OrderStatusText[order.status] ?? order.status} — ${order.progress.text}`;
  if (progress.textContent !== text) progress.textContent = text;

  const awaiting = order.status === "awaiting_payment";
  document.getElementById("order-hold").hidden = !awaiting;
  if (awaiting && countingTo !== order.expiresAt) {
    countingTo = order.expiresAt;
    document.getElementById("order-pay").href = order.paymentUrl;
    rememberOrderLink(order.paymentUrl, orderPageLink(orderId, token));
    countdown.start(order.expiresAt);
  } else if (!awaiting) {
    countdown.stop();
  }

  if (order.tickets.length > shownTickets) {
    document.getElementById("tickets").append(...order.tickets.slice(shownTickets).map(ticketItem));
    shownTickets = order.tickets.length;
    document.getElementById("tickets-section").hidden = false;
  }
}

// The order's seats, amount and event never change; only its status and tickets do.
function showOnce(order) {
  document.getElementById("order-id").textContent = order.orderId;
  document.getElementById("order-amount").textContent = formatPrice(order.amount, order.currency);
  document.getElementById("order-event").href = `/events/${encodeURIComponent(order.eventId)}`;
  document.getElementById("order-seats").replaceChildren(...order.seats.map(seat => {
    const item = document.createElement("li");
    item.textContent = `Seat ${seat.seat} · ${seat.name}`;
    return item;
  }));
}

function ticketItem(ticket) {
  const qr = document.createElement("img");
  qr.className = "ticket-qr";
  qr.alt = `QR code for the ticket of seat ${ticket.seat}`;
  qr.src = svgDataUrl(ticket.qr);

  const seat = document.createElement("h3");
  seat.textContent = `Seat ${ticket.seat}`;
  const name = document.createElement("p");
  name.className = "ticket-name";
  name.textContent = ticket.name;
  const code = document.createElement("code");
  code.textContent = ticket.code;
  const codeLine = document.createElement("p");
  codeLine.append("Code ", code);
  const details = document.createElement("div");
  details.append(seat, name, codeLine);

  const item = document.createElement("li");
  item.className = "ticket";
  item.append(qr, details);
  return item;
}

// An SVG drawn through an img is only a picture: no script or link in it can run, which would not
// hold for the same SVG put into the page as markup.
function svgDataUrl(svg) {
  let binary = "";
  for (const byte of new TextEncoder().encode(svg)) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

function showPageError(message) {
  document.getElementById("order").hidden = true;
  const pageError = document.getElementById("page-error");
  pageError.textContent = message;
  pageError.hidden = false;
}
