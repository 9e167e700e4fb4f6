import { formatPrice, requestJson } from "/api.js";
import { HoldCountdown, newIdempotencyKey, orderPageLink, rememberOrderLink } from "/orders.js";

// The server's limit per order; checked here too so the buyer hears it on the 21st click, not at checkout.
const MaxSeatsPerOrder = 20;

/**
 * Checkout for a paid event: the seats chosen on the map with their prices, a name for each, the
 * buyer's email, and then the hold that POST /api/orders returns, with its countdown and payment link.
 */
export class CheckoutPanel {
  #event;
  #onSelect;
  #onHeld;
  #chosen = [];
  #items = new Map();
  #attempt = null;
  #takenWhileSending = null;
  #live = false;
  #countdown;
  #panel = document.getElementById("checkout");
  #form = document.getElementById("checkout-form");
  #list = document.getElementById("checkout-seats");
  #email = document.getElementById("checkout-email");
  #error = document.getElementById("checkout-error");
  #submit = document.getElementById("checkout-submit");

  /** onSelect(label, selected) marks a seat on the map; onHeld(labels) shows the order's seats as held. */
  constructor(event, { onSelect, onHeld }) {
    this.#event = event;
    this.#onSelect = onSelect;
    this.#onHeld = onHeld;
    this.#countdown = new HoldCountdown(document.getElementById("hold-countdown"), left => `Seats held for ${left}`);
    this.#panel.hidden = false;
    document.getElementById("legend-selected").hidden = false;
    this.#form.addEventListener("submit", submit => {
      submit.preventDefault();
      this.#checkout();
    });
    this.#showChosen();
  }

  /** Seats confirmed from the best-seats preview: chosen, each once. */
  add(seats) {
    for (const seat of seats) {
      if (!this.#chosen.some(chosen => chosen.label === seat.label)) this.toggle(seat);
    }
    this.#list.querySelector("input")?.focus();
  }

  /** Nobody buys from a stale map: checkout waits while the live feed re-syncs. */
  setLive(live) {
    this.#live = live;
    this.#submit.disabled = !live;
    document.getElementById("checkout-waiting").hidden = live;
  }

  /** A click on an available seat: choose it, or un-choose it if it was chosen. */
  toggle(seat) {
    this.#error.textContent = "";
    if (this.#chosen.some(chosen => chosen.label === seat.label)) {
      this.#drop([seat.label]);
      return;
    }
    if (this.#chosen.length >= MaxSeatsPerOrder) {
      this.#error.textContent = `One order can hold at most ${MaxSeatsPerOrder} seats.`;
      return;
    }
    this.#chosen.push(seat);
    this.#chosen.sort((a, b) => a.index - b.index);
    this.#onSelect(seat.label, true);
    this.#showChosen();
  }

  /**
   * Chosen seats that the live feed says are held or booked. While an order is on its way that may be
   * this very order, so they are judged when its answer comes; otherwise someone else was quicker.
   */
  unavailable(labels) {
    if (this.#takenWhileSending !== null) {
      for (const label of labels) this.#takenWhileSending.add(label);
      return;
    }
    this.#drop(labels);
    const seats = labels.length === 1 ? `Seat ${labels[0]} was` : `Seats ${labels.join(", ")} were`;
    this.#error.textContent = `${seats} just taken by someone else.`;
  }

  #drop(labels) {
    this.#chosen = this.#chosen.filter(seat => !labels.includes(seat.label));
    for (const label of labels) this.#onSelect(label, false);
    this.#showChosen();
  }

  // Items are kept per seat, so a name typed for one seat survives choosing or dropping another.
  #showChosen() {
    for (const label of this.#items.keys()) {
      if (!this.#chosen.some(seat => seat.label === label)) this.#items.delete(label);
    }
    const items = this.#chosen.map((seat, position) => {
      if (!this.#items.has(seat.label)) this.#items.set(seat.label, this.#item(seat));
      const item = this.#items.get(seat.label);
      // Only the first name is offered the browser's own name: the others are usually somebody else.
      item.querySelector("input").autocomplete = position === 0 ? "name" : "off";
      return item;
    });
    this.#list.replaceChildren(...items);
    const total = this.#chosen.reduce((sum, seat) => sum + seat.price, 0);
    document.getElementById("checkout-total").textContent = formatPrice(total, this.#event.currency);
    document.getElementById("checkout-empty").hidden = this.#chosen.length > 0;
    this.#form.hidden = this.#chosen.length === 0;
  }

  #item(seat) {
    const title = document.createElement("strong");
    title.textContent = `Seat ${seat.label}`;
    const price = document.createElement("span");
    price.textContent = formatPrice(seat.price, this.#event.currency);
    const category = document.createElement("span");
    category.className = "muted";
    category.textContent = seat.category;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link-button";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove seat ${seat.label}`);
    remove.addEventListener("click", () => this.#drop([seat.label]));
    const head = document.createElement("div");
    head.className = "checkout-seat";
    head.append(title, price, category, remove);

    const input = document.createElement("input");
    input.type = "text";
    input.maxLength = 100;
    input.required = true;
    const label = document.createElement("label");
    label.append(`Name for seat ${seat.label}`, input);

    const item = document.createElement("li");
    item.append(head, label);
    return item;
  }

  async #checkout() {
    const seats = this.#chosen.map(seat => ({ seat: seat.label, name: this.#items.get(seat.label).querySelector("input").value.trim() }));
    const unnamed = seats.find(seat => seat.name === "");
    if (unnamed) {
      this.#error.textContent = `Enter the name of the person who will sit in seat ${unnamed.seat}.`;
      this.#items.get(unnamed.seat).querySelector("input").focus();
      return;
    }
    const email = this.#email.value.trim();
    if (email === "") {
      this.#error.textContent = "Enter an email address for the tickets.";
      this.#email.focus();
      return;
    }

    const body = { eventId: this.#event.id, seats, email };
    // A retry of a submission whose answer never arrived keeps its key: if the server did create that
    // order, it returns it instead of holding the seats a second time. Any other submission is a new order.
    const fingerprint = JSON.stringify(body);
    if (this.#attempt?.fingerprint !== fingerprint) this.#attempt = { key: newIdempotencyKey(), fingerprint };

    this.#error.textContent = "";
    this.#submit.disabled = true;
    this.#takenWhileSending = new Set();
    try {
      const order = await requestJson("/api/orders", { method: "POST", body, headers: { "Idempotency-Key": this.#attempt.key } });
      this.#attempt = null;
      this.#showHold(order);
    } catch (error) {
      // With no answer, seats that turned held may be this order's: they stay chosen, so that
      // Checkout again sends the same request with the same key and gets that order back.
      const outcomeUnknown = error.status === 0 || error.status >= 500;
      if (!outcomeUnknown) {
        this.#attempt = null;
        this.#drop([...this.#takenWhileSending]);
      }
      this.#error.textContent = error.message;
    } finally {
      this.#takenWhileSending = null;
      this.#submit.disabled = !this.#live;
    }
  }

  #showHold(order) {
    const labels = order.seats.map(seat => seat.seat);
    // Seats chosen while the order was on its way are not in it, and stay chosen.
    this.#chosen = this.#chosen.filter(seat => !labels.includes(seat.label));
    this.#showChosen();
    this.#onHeld(labels);

    const link = orderPageLink(order.orderId, order.manageToken);
    rememberOrderLink(order.paymentUrl, link);
    const seats = order.seats.map(seat => `seat ${seat.seat} for ${seat.name}`).join(", ");
    document.getElementById("status").textContent =
      `Held ${seats}. Pay ${formatPrice(order.amount, order.currency)} before ${new Date(order.expiresAt).toLocaleTimeString()} to keep them.`;
    const pay = document.getElementById("hold-pay");
    pay.href = order.paymentUrl;
    pay.hidden = false;
    document.getElementById("hold-order").href = link;
    document.getElementById("hold").hidden = false;
    this.#countdown.start(order.expiresAt, () => {
      // The order page tells what became of it; here the payment link is simply no longer worth offering.
      document.getElementById("hold-countdown").textContent = "The hold has ended.";
      pay.hidden = true;
    });
  }
}
