// What the seat page, the payment page and the order page share about an order.

export const OrderStatusText = {
  awaiting_payment: "Awaiting payment",
  paid: "Paid",
  ticketed: "Ticketed",
  cancelled: "Cancelled",
  expired: "Expired",
};

/** Statuses after which an order never changes again, so there is nothing left to wait for. */
export const FinalStatuses = new Set(["ticketed", "cancelled", "expired"]);

const OrderLinkKey = "boxoffice-order-link:";

/** The order page is a capability link: the manage token rides in the fragment, which browsers never send to the server. */
export function orderPageLink(orderId, manageToken) {
  return `/orders/${encodeURIComponent(orderId)}#token=${encodeURIComponent(manageToken)}`;
}

// The payment page finds its way back to the order through this tab's storage rather than its own
// address, so a payment link that is shared or logged never carries the token that shows the tickets.
export function rememberOrderLink(paymentUrl, orderLink) {
  const paymentId = decodeURIComponent(new URL(paymentUrl, location.href).pathname.split("/").pop());
  sessionStorage.setItem(OrderLinkKey + paymentId, orderLink);
}

export function rememberedOrderLink(paymentId) {
  const link = sessionStorage.getItem(OrderLinkKey + paymentId);
  return link?.startsWith("/orders/") ? link : null;
}

/**
 * Shows the time left on a hold as m:ss, once a second. The server's clock is the one that counts:
 * when this reaches zero the pages ask the server again rather than declaring the hold over themselves.
 */
export class HoldCountdown {
  #element;
  #describe;
  #timer = null;

  /** describe turns the time left, as "9:58", into the element's text. */
  constructor(element, describe) {
    this.#element = element;
    this.#describe = describe;
  }

  start(expiresAt, onElapsed) {
    this.stop();
    const deadline = Date.parse(expiresAt);
    const tick = () => {
      const left = deadline - Date.now();
      this.#element.textContent = this.#describe(formatRemaining(left));
      if (left <= 0) {
        this.stop();
        onElapsed?.();
      }
    };
    tick();
    if (this.#timer === null && deadline > Date.now()) this.#timer = setInterval(tick, 1000);
  }

  stop() {
    clearInterval(this.#timer);
    this.#timer = null;
  }
}

function formatRemaining(milliseconds) {
  const seconds = Math.max(0, Math.ceil(milliseconds / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** A random Idempotency-Key; getRandomValues, unlike randomUUID, also works on a plain-http address that is not localhost. */
export function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, byte => byte.toString(16).padStart(2, "0")).join("");
}
