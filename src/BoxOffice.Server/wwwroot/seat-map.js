import { formatPrice, requestJson } from "/api.js";
import { BookingDialog } from "/booking.js";
import { CheckoutPanel } from "/checkout.js";
import { LiveFeed } from "/live-feed.js";

const StatusByCode = { a: "available", h: "held", b: "booked", x: "blocked" };
const MinPitchPx = 12;
const MaxPitchPx = 40;
// Seats narrower than this show no text: their label is in the tooltip and the accessible name.
const LabelledPitchPx = 24;
// Text in every seat of a stadium costs layout time and cannot be read at that scale anyway.
const MaxLabelledSeats = 5000;
const CategoryColours = 6;
const LiveStateText = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…" };

export async function showEvent(eventId) {
  document.getElementById("event-view").hidden = false;
  const path = `/api/events/${encodeURIComponent(eventId)}`;
  const event = await requestJson(path);
  showSeatMap(event, {
    book: async (seat, name) => {
      const booking = await requestJson(`${path}/bookings`, { method: "POST", body: { seats: [{ seat, name }] } });
      const seats = booking.seats.map(booked => `seat ${booked.seat} for ${booked.name}`).join(", ");
      return { text: `Booked ${seats}. Reference ${booking.reference}.`, manageToken: booking.manageToken };
    },
    feed: handlers => new LiveFeed(`${path}/live`, handlers),
  });
}

/**
 * Shows an event's seat map, kept live by feed(handlers). On a free event a seat opens the booking dialog,
 * and book(label, name) books it, resolving to the receipt { text, manageToken? }.
 */
export function showSeatMap(event, { book, feed }) {
  document.title = `${event.title} · BoxOffice`;
  document.getElementById("event-title").textContent = event.title;

  // Paid events refuse direct bookings: their seats are chosen on the map and bought through checkout.
  let map;
  if (Object.values(event.prices).some(price => price > 0)) {
    const checkout = new CheckoutPanel(event, {
      onSelect: (label, selected) => map.setSelected(label, selected),
      onHeld: labels => map.markHeld(labels),
    });
    map = new SeatMap(event, seat => checkout.toggle(seat), { selectable: true, onChosenUnavailable: labels => checkout.unavailable(labels) });
  } else {
    const dialog = new BookingDialog(book, label => map.markBooked([label]));
    map = new SeatMap(event, seat => dialog.open(seat));
  }
  showCategories(map.categories, event);

  const liveState = document.getElementById("live-state");
  feed({
    onSnapshot: seats => map.applySnapshot(seats),
    onChanges: changes => map.applyChanges(changes),
    onState: state => {
      liveState.dataset.state = state;
      liveState.textContent = LiveStateText[state];
    },
  }).start();
}

/**
 * Draws every seat as a button at its layout position and keeps statuses, accessible names and
 * counts in step. Positions are in seat units, scaled by one CSS variable, so resizing touches no seat.
 * A selectable map makes each seat a toggle button (aria-pressed) for choosing several before checkout.
 */
class SeatMap {
  categories = [];
  #event;
  #seats;
  #buttons;
  #statuses;
  #indexByLabel = new Map();
  #counts = { available: 0, held: 0, booked: 0, blocked: 0 };
  #container = document.getElementById("seat-map");
  #canvas = document.getElementById("seat-canvas");
  #countsText = document.getElementById("event-counts");
  #columns = 0;
  #selectable;
  #onChosenUnavailable;
  #selected = new Set();

  constructor(event, onChoose, { selectable = false, onChosenUnavailable } = {}) {
    this.#event = event;
    this.#seats = event.seats;
    this.#statuses = event.seats.map(seat => seat.status);
    this.#selectable = selectable;
    this.#onChosenUnavailable = onChosenUnavailable;
    this.#draw();
    this.#showCounts();
    new ResizeObserver(() => this.#fit()).observe(this.#container);
    this.#canvas.addEventListener("click", click => {
      const button = click.target.closest("button.seat");
      if (button) onChoose(this.#describe(Number(button.dataset.index)));
    });
    // Tooltips for 100,000 seats would be built for nobody: each is made when the pointer first arrives.
    this.#canvas.addEventListener("pointerover", over => {
      const button = over.target.closest("button.seat");
      if (button && !button.title) button.title = this.#describe(Number(button.dataset.index)).details;
    });
  }

  applySnapshot(codes) {
    // A snapshot of another layout means the event changed shape: only a fresh page can draw it.
    if (codes.length !== this.#seats.length) {
      location.reload();
      return;
    }
    const taken = [];
    for (let index = 0; index < codes.length; index++) this.#setStatus(index, StatusByCode[codes[index]], taken);
    this.#showCounts();
    this.#reportTaken(taken);
  }

  applyChanges(changes) {
    const taken = [];
    for (const change of changes) {
      const index = this.#indexByLabel.get(change.seat);
      if (index === undefined) {
        location.reload();
        return;
      }
      this.#setStatus(index, change.status, taken);
    }
    this.#showCounts();
    this.#reportTaken(taken);
  }

  /** The booking's own answer, shown at once rather than when the live feed catches up (or if it is down). */
  markBooked(labels) {
    this.applyChanges(labels.map(seat => ({ seat, status: "booked" })));
  }

  /** The order's own answer: its seats are held, whatever the live feed has said so far. */
  markHeld(labels) {
    for (const label of labels) this.setSelected(label, false);
    this.applyChanges(labels.map(seat => ({ seat, status: "held" })));
  }

  setSelected(label, selected) {
    const index = this.#indexByLabel.get(label);
    if (index === undefined || selected === this.#selected.has(index)) return;
    if (selected) this.#selected.add(index);
    else this.#selected.delete(index);
    this.#render(index);
  }

  #draw() {
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (const seat of this.#seats) {
      minX = Math.min(minX, seat.x);
      maxX = Math.max(maxX, seat.x);
      minY = Math.min(minY, seat.y);
      maxY = Math.max(maxY, seat.y);
    }
    // One spare column on the left for row names and one spare row on top for section names.
    const left = 1 - minX;
    const top = 1 - minY;
    this.#columns = maxX - minX + 2;
    this.#canvas.style.setProperty("--columns", this.#columns);
    this.#canvas.style.setProperty("--rows", maxY - minY + 2);

    const labelled = this.#seats.length <= MaxLabelledSeats;
    const categoryIndex = new Map();
    const fragment = document.createDocumentFragment();
    let row = null;
    this.#buttons = this.#seats.map((seat, index) => {
      if (seat.section !== row?.section || seat.row !== row.name || seat.y !== row.y) {
        row = { section: seat.section, name: seat.row, y: seat.y, x: seat.x, element: positioned("div", "seat-row", seat.x + left, seat.y + top) };
        fragment.append(row.element, drawnText("row-label", seat.row, seat.x + left - 1, seat.y + top));
      }
      row.element.style.setProperty("--span", seat.x - row.x + 1);
      if (!categoryIndex.has(seat.category)) categoryIndex.set(seat.category, categoryIndex.size);
      this.#indexByLabel.set(seat.label, index);
      this.#counts[seat.status]++;
      const button = document.createElement("button");
      button.type = "button";
      button.className = `seat category-${categoryIndex.get(seat.category) % CategoryColours}`;
      if (seat.flags.includes("accessible")) button.classList.add("accessible");
      button.style.cssText = `--x:${seat.x - row.x}`;
      button.dataset.index = index;
      if (labelled) button.textContent = shortLabel(seat);
      row.element.append(button);
      return button;
    });
    this.#buttons.forEach((_, index) => this.#render(index));
    this.categories = [...categoryIndex.keys()];
    document.getElementById("legend-accessible").hidden = !this.#seats.some(seat => seat.flags.includes("accessible"));
    for (const label of this.#sectionLabels(left, top)) fragment.append(label);
    this.#canvas.replaceChildren(fragment);
    this.#fit();
  }

  // Seats come in layout order, so each section is one contiguous run.
  #sectionLabels(left, top) {
    const sections = [];
    for (const seat of this.#seats) {
      if (seat.section !== sections.at(-1)?.name) sections.push({ name: seat.section, x: seat.x, y: seat.y });
      const section = sections.at(-1);
      section.x = Math.min(section.x, seat.x);
    }
    return sections.map(({ name, x, y }) => drawnText("section-label", name, x + left, y + top - 1));
  }

  #fit() {
    const width = this.#container.clientWidth;
    const pitch = Math.max(MinPitchPx, Math.min(MaxPitchPx, Math.floor(width / this.#columns)));
    this.#canvas.style.setProperty("--pitch", `${pitch}px`);
    this.#canvas.classList.toggle("compact", pitch < LabelledPitchPx);
  }

  // A chosen seat that turns unavailable is collected in taken. The map does not un-choose it: only
  // the checkout knows whether the hold is someone else's or its own order's, still on its way back.
  #setStatus(index, status, taken) {
    const previous = this.#statuses[index];
    if (previous === status) return;
    this.#counts[previous]--;
    this.#counts[status]++;
    this.#statuses[index] = status;
    if (status !== "available" && this.#selected.has(index)) taken.push(this.#seats[index].label);
    this.#render(index);
  }

  #reportTaken(taken) {
    if (taken.length > 0) this.#onChosenUnavailable?.(taken);
  }

  #render(index) {
    const button = this.#buttons[index];
    const status = this.#statuses[index];
    button.dataset.status = status;
    button.disabled = status !== "available";
    button.setAttribute("aria-label", `Seat ${this.#seats[index].label}, ${status}`);
    if (this.#selectable) button.setAttribute("aria-pressed", String(this.#selected.has(index)));
  }

  #showCounts() {
    this.#countsText.textContent = `${this.#counts.available.toLocaleString()} of ${this.#seats.length.toLocaleString()} seats available`;
  }

  #describe(index) {
    const seat = this.#seats[index];
    const parts = [`Seat ${seat.label}`, `${seat.section}, row ${seat.row}`, seat.category, ...seat.flags];
    const price = this.#event.prices[seat.category];
    if (price !== undefined) parts.push(formatPrice(price, this.#event.currency));
    return { label: seat.label, details: parts.join(" · "), index, category: seat.category, price: price ?? 0 };
  }
}

// Row names are drawn beside each row, so a seat shows only what its row name does not say: "C" for 3C in row 3.
function shortLabel(seat) {
  if (!seat.label.startsWith(seat.row)) return seat.label;
  return seat.label.slice(seat.row.length).replace(/^[-_.]+/, "") || seat.label;
}

function positioned(tagName, className, x, y) {
  const element = document.createElement(tagName);
  element.className = className;
  element.style.cssText = `--x:${x};--y:${y}`;
  return element;
}

// Row and section names are drawn for the eye; each seat's own name already says where it is.
function drawnText(className, text, x, y) {
  const element = positioned("span", className, x, y);
  element.textContent = text;
  element.setAttribute("aria-hidden", "true");
  return element;
}

function showCategories(categories, event) {
  const items = categories.map((category, index) => {
    const swatch = document.createElement("span");
    swatch.className = `swatch category-${index % CategoryColours}`;
    swatch.dataset.status = "available";
    const price = event.prices[category];
    const item = document.createElement("li");
    item.append(swatch, price === undefined ? category : `${category} · ${formatPrice(price, event.currency)}`);
    return item;
  });
  document.getElementById("legend-categories").replaceChildren(...items);
}
