import { formatPrice, requestJson } from "/api.js";
import { BestSeats, SeatFilters } from "/best-seats.js";
import { BookingDialog } from "/booking.js";
import { CheckoutPanel } from "/checkout.js";
import { LiveFeed } from "/live-feed.js";
import { SeatCanvas } from "/seat-canvas.js";
import { Status, StatusByCode, StatusNames, Venue } from "/venue.js";

// Up to this many seats every seat is a button; past it the venue is drawn on a canvas and only the section
// in view has buttons, because a page of 100,000 buttons takes seconds to open and to click.
const MaxButtons = 3000;
const MinPitchPx = 24;
const MaxPitchPx = 40;
// Below this many pixels a seat is too small to aim at: a click or focus there first zooms into its section,
// to at least the 24 px that WCAG 2.2 asks of a target.
const ComfortablePitchPx = 16;
const TargetPitchPx = 24;
const CategoryColours = 6;
export const LiveStateText = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…" };

export async function showEvent(eventId) {
  document.getElementById("event-view").hidden = false;
  const path = `/api/events/${encodeURIComponent(eventId)}`;
  const venue = new Venue(await requestJson(`${path}/layout`));
  showSeatMap(venue, {
    book: async seats => {
      const booking = await requestJson(`${path}/bookings`, { method: "POST", body: { seats } });
      const booked = booking.seats.map(seat => `seat ${seat.seat} for ${seat.name}`).join(", ");
      return { text: `Booked ${booked}. Reference ${booking.reference}.`, manageToken: booking.manageToken };
    },
    feed: handlers => new LiveFeed(`${path}/live`, handlers),
    bestAvailable: query => requestJson(`${path}/best-available?${new URLSearchParams(query)}`),
  });
}

/**
 * Shows a venue's seat map, kept live by feed(handlers). On a free event a seat opens the booking dialog, and
 * book([{ seat, name }]) books, resolving to the receipt { text, manageToken? }. bestAvailable(query), when
 * given, previews the best seats for the best-seats form.
 */
export function showSeatMap(venue, { book, feed, bestAvailable }) {
  document.title = `${venue.title} · BoxOffice`;
  document.getElementById("event-title").textContent = venue.title;

  // Paid events refuse direct bookings: their seats are chosen on the map and bought through checkout.
  let map, choose;
  if (Object.values(venue.prices).some(price => price > 0)) {
    const checkout = new CheckoutPanel(venue, {
      onSelect: (label, selected) => map.setSelected(label, selected),
      onHeld: labels => map.markHeld(labels),
    });
    choose = seats => checkout.add(seats);
    map = new SeatMap(venue, seat => checkout.toggle(seat), { selectable: true, onChosenUnavailable: labels => checkout.unavailable(labels) });
    map.onLive.push(live => checkout.setLive(live));
  } else {
    const dialog = new BookingDialog(book, labels => map.markBooked(labels));
    choose = seats => dialog.open(seats, map.focusedButton());
    map = new SeatMap(venue, seat => dialog.open([seat], map.focusedButton()));
    map.onLive.push(live => dialog.setLive(live));
  }
  if (bestAvailable) {
    const best = new BestSeats(venue, bestAvailable, { onSuggest: labels => map.suggest(labels), onConfirm: seats => choose(seats.map(label => map.describe(venue.indexOf(label)))) });
    map.onLive.push(live => best.setLive(live));
  }
  new SeatFilters(venue, filter => map.setFilter(filter));
  showCategories(venue);

  const liveState = document.getElementById("live-state");
  feed({
    onSnapshot: seats => {
      map.applySnapshot(seats);
      // The benchmark (scripts/seatmap-bench.cs) times the page up to here: the map drawn with every seat's status.
      if (performance.getEntriesByName("seat-map-interactive").length === 0) performance.mark("seat-map-interactive");
    },
    onChanges: changes => map.applyChanges(changes),
    onState: state => {
      liveState.dataset.state = state;
      liveState.textContent = LiveStateText[state];
      map.setLive(state === "live");
    },
  }).start();
}

/**
 * The seats as buttons with a roving focus: the map is one Tab stop, arrow keys, Home, End, Page Up and
 * Page Down move within it, and Enter chooses. A venue of up to MaxButtons seats has a button per seat; a
 * larger one is drawn on a SeatCanvas, with buttons over the seats of the section in view. Each button's
 * name tells row, seat, category, price, features and status.
 */
export class SeatMap {
  onLive = [];
  /** Told the seats by status (indexed by Status) whenever they change; the console draws its sales bar from them. */
  onCounts = [];
  #venue;
  #statuses;
  #onChoose;
  #selectable;
  #onChosenUnavailable;
  #selected = new Set();
  #suggested = new Set();
  #filter = () => true;
  #counts = [0, 0, 0, 0, 0];
  #buttons = new Map();
  #focus = 0;
  #section = -1;
  #canvas = null;
  #colours;
  #frame = document.getElementById("seat-map");
  #plane = document.getElementById("seat-plane");
  #countsText = document.getElementById("event-counts");
  #announcer = document.getElementById("seat-announcer");

  constructor(venue, onChoose, { selectable = false, onChosenUnavailable } = {}) {
    this.#venue = venue;
    this.#statuses = new Uint8Array(venue.count);
    this.#counts[Status.unknown] = venue.count;
    this.#onChoose = onChoose;
    this.#selectable = selectable;
    this.#onChosenUnavailable = onChosenUnavailable;
    this.#colours = readColours();
    document.getElementById("legend-accessible").hidden = !venue.hasAccessible;
    if (venue.count > MaxButtons) this.#drawLarge();
    else this.#drawSmall();
    this.#plane.addEventListener("keydown", key => this.#key(key));
    this.#frame.addEventListener("click", click => this.#click(click));
    // Tooltips are made when the pointer first arrives: most seats are never pointed at.
    this.#plane.addEventListener("pointerover", over => {
      const button = over.target.closest("button.seat");
      if (button && !button.title) button.title = button.getAttribute("aria-label");
    });
    this.#showCounts();
  }

  /** The button of the seat that holds the map's focus, for dialogs to return to. */
  focusedButton() {
    return this.#buttons.get(this.#focus) ?? null;
  }

  describe(seat) {
    const venue = this.#venue;
    return {
      label: venue.labels[seat],
      details: venue.describe(seat, StatusNames[this.#statuses[seat]]),
      index: seat,
      category: venue.categories[venue.category[seat]],
      price: venue.priceOf(seat),
    };
  }

  applySnapshot(codes) {
    // A snapshot of another layout means the event changed shape: only a fresh page can draw it.
    if (codes.length !== this.#venue.count) {
      location.reload();
      return;
    }
    const taken = [];
    for (let seat = 0; seat < codes.length; seat++) this.#setStatus(seat, StatusByCode[codes[seat]], taken, false);
    this.#canvas?.redraw();
    this.#showCounts();
    this.#reportTaken(taken);
  }

  applyChanges(changes) {
    const taken = [];
    for (const change of changes) {
      const seat = this.#venue.indexOf(change.seat);
      if (seat === undefined) {
        location.reload();
        return;
      }
      this.#setStatus(seat, Status[change.status], taken, true);
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
    const seat = this.#venue.indexOf(label);
    if (seat === undefined || selected === this.#selected.has(seat)) return;
    if (selected) this.#selected.add(seat);
    else this.#selected.delete(seat);
    this.#render(seat);
  }

  /** Highlights the seats a best-available preview found and brings them into view; an empty list clears them. */
  suggest(labels) {
    const previous = [...this.#suggested];
    this.#suggested = new Set(labels.map(label => this.#venue.indexOf(label)));
    for (const seat of [...previous, ...this.#suggested]) this.#render(seat);
    const [first] = this.#suggested;
    if (first === undefined) return;
    if (this.#canvas) {
      this.#showSection(this.#venue.sectionOf(first));
      this.#canvas.centre(this.#venue.wx[first], this.#venue.wy[first], Math.max(TargetPitchPx, this.#canvas.view.scale));
    }
    this.#rove(first);
    this.#buttons.get(first)?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  /** Dims the seats that do not pass: they stay on the map, and stay reachable. */
  setFilter(passes) {
    this.#filter = passes;
    for (const seat of this.#buttons.keys()) this.#render(seat);
    this.#canvas?.redraw();
  }

  setLive(live) {
    this.#frame.dataset.live = String(live);
    for (const listener of this.onLive) listener(live);
  }

  #drawSmall() {
    const venue = this.#venue;
    const { box } = venue;
    // One spare column on the left for row names and one spare row on top for section names.
    const columns = box.right - box.left + 1, rows = box.bottom - box.top + 1;
    this.#plane.style.setProperty("--left", box.left - 1);
    this.#plane.style.setProperty("--top", box.top - 1);
    this.#plane.style.setProperty("--columns", columns);
    this.#plane.style.setProperty("--rows", rows);
    const fit = () => {
      const pitch = Math.max(MinPitchPx, Math.min(MaxPitchPx, Math.floor(this.#frame.clientWidth / columns)));
      this.#plane.style.setProperty("--pitch", `${pitch}px`);
    };
    new ResizeObserver(fit).observe(this.#frame);
    fit();
    const fragment = document.createDocumentFragment();
    for (const row of venue.rows) fragment.append(drawnText("row-label", row.name, venue.wx[row.first] - 1, venue.wy[row.first]));
    venue.sections.forEach((section, index) => {
      fragment.append(drawnText("section-label", `${section.name} · ${venue.sectionPrice(index)}`, section.box.left, section.box.top - 1));
    });
    this.#plane.replaceChildren(fragment);
    this.#makeButtons(0, venue.count);
  }

  #drawLarge() {
    this.#frame.classList.add("large");
    const toolbar = document.getElementById("map-toolbar");
    toolbar.hidden = false;
    this.#canvas = new SeatCanvas(this.#frame, this.#venue, {
      paint: (context, seat, x, y, size) => this.#paint(context, seat, x, y, size),
      labelOf: section => `${this.#venue.sections[section].name} · ${this.#venue.sectionPrice(section)}`,
      onView: ({ scale, left, top }) => {
        this.#plane.style.setProperty("--pitch", `${scale}px`);
        this.#plane.style.setProperty("--left", left);
        this.#plane.style.setProperty("--top", top);
        document.getElementById("map-overview").disabled = this.#canvas?.overview ?? true;
      },
    });
    document.getElementById("map-overview").addEventListener("click", () => this.#canvas.fit(this.#venue.box));
    document.getElementById("map-zoom-in").addEventListener("click", () => this.#canvas.zoom(2));
    document.getElementById("map-zoom-out").addEventListener("click", () => this.#canvas.zoom(0.5));
    // A seat that takes the focus while too small to see brings its section into view.
    this.#plane.addEventListener("focusin", focus => {
      const seat = Number(focus.target.dataset?.seat);
      if (Number.isNaN(seat)) return;
      if (this.#canvas.view.scale < ComfortablePitchPx) this.#canvas.centre(this.#venue.wx[seat], this.#venue.wy[seat], TargetPitchPx);
      else this.#canvas.reveal(seat);
    });
    this.#showSection(0);
  }

  /** Gives the seats of one section buttons, over the canvas; the other sections are only drawn. */
  #showSection(section) {
    if (section === this.#section) return;
    this.#section = section;
    const { first, end } = this.#venue.sections[section];
    this.#buttons.clear();
    this.#plane.replaceChildren();
    this.#makeButtons(first, end);
  }

  #makeButtons(first, end) {
    const venue = this.#venue;
    const fragment = document.createDocumentFragment();
    for (let seat = first; seat < end; seat++) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = `seat category-${venue.category[seat] % CategoryColours}`;
      if (venue.isAccessible(seat)) button.classList.add("accessible");
      button.style.cssText = `--wx:${venue.wx[seat]};--wy:${venue.wy[seat]}`;
      button.dataset.seat = seat;
      button.tabIndex = -1;
      this.#buttons.set(seat, button);
      this.#render(seat);
      fragment.append(button);
    }
    this.#plane.append(fragment);
    if (!this.#buttons.has(this.#focus)) this.#focus = first;
    this.#buttons.get(this.#focus).tabIndex = 0;
  }

  #key(key) {
    const seat = Number(key.target.dataset?.seat);
    if (Number.isNaN(seat)) return;
    const venue = this.#venue;
    const row = venue.rows[venue.rowOf[seat]];
    const section = venue.sectionOf(seat);
    const next = {
      ArrowLeft: () => Math.max(row.first, seat - 1),
      ArrowRight: () => Math.min(row.end - 1, seat + 1),
      ArrowUp: () => venue.verticalNeighbour(seat, -1),
      ArrowDown: () => venue.verticalNeighbour(seat, 1),
      Home: () => row.first,
      End: () => row.end - 1,
      PageUp: () => venue.sections[Math.max(0, section - 1)].first,
      PageDown: () => venue.sections[Math.min(venue.sections.length - 1, section + 1)].first,
    }[key.key];
    if (!next) return;
    key.preventDefault();
    this.#rove(next(), true);
  }

  /** Moves the map's one Tab stop to a seat, and the focus with it when asked. */
  #rove(seat, focus = false) {
    if (this.#canvas) {
      this.#showSection(this.#venue.sectionOf(seat));
      this.#canvas.reveal(seat);
    }
    const previous = this.#buttons.get(this.#focus);
    if (previous) previous.tabIndex = -1;
    this.#focus = seat;
    const button = this.#buttons.get(seat);
    button.tabIndex = 0;
    if (focus) button.focus();
  }

  #click(click) {
    if (this.#canvas?.dragged) return;
    const button = click.target.closest("button.seat");
    let seat = button ? Number(button.dataset.seat) : -1;
    if (!button && this.#canvas) {
      const frame = this.#frame.getBoundingClientRect();
      const [x, y] = [click.clientX - frame.left, click.clientY - frame.top];
      const section = this.#canvas.sectionAt(x, y);
      if (section < 0) return;
      // Seats too small to aim at: the first click brings their section close.
      if (this.#canvas.view.scale < ComfortablePitchPx) {
        this.#showSection(section);
        const point = this.#canvas.worldAt(x, y);
        this.#canvas.centre(point.x, point.y, TargetPitchPx);
        return;
      }
      seat = this.#canvas.seatAt(x, y);
    }
    if (seat < 0) return;
    this.#rove(seat, true);
    if (this.#statuses[seat] === Status.available) this.#onChoose(this.describe(seat));
  }

  // A chosen seat that turns unavailable is collected in taken. The map does not un-choose it: only
  // the checkout knows whether the hold is someone else's or its own order's, still on its way back.
  #setStatus(seat, status, taken, repaint) {
    const previous = this.#statuses[seat];
    if (previous === status) return;
    this.#counts[previous]--;
    this.#counts[status]++;
    this.#statuses[seat] = status;
    if (status !== Status.available && this.#selected.has(seat)) taken.push(this.#venue.labels[seat]);
    const button = this.#buttons.get(seat);
    if (button) this.#render(seat);
    else if (repaint) this.#canvas?.repaint(seat);
    if (button && button === document.activeElement && previous !== Status.unknown) {
      this.#announcer.textContent = `${this.#venue.place(seat)} is now ${StatusNames[status]}.`;
    }
  }

  #reportTaken(taken) {
    if (taken.length > 0) this.#onChosenUnavailable?.(taken);
  }

  #render(seat) {
    this.#canvas?.repaint(seat);
    const button = this.#buttons.get(seat);
    if (!button) return;
    const status = StatusNames[this.#statuses[seat]];
    button.dataset.status = status;
    // Taken seats stay focusable, so the focus never falls out of the map when a seat is booked under it.
    button.setAttribute("aria-disabled", String(this.#statuses[seat] !== Status.available));
    button.setAttribute("aria-label", this.#venue.describe(seat, status));
    button.classList.toggle("suggested", this.#suggested.has(seat));
    button.classList.toggle("dimmed", !this.#filter(seat));
    if (this.#selectable) button.setAttribute("aria-pressed", String(this.#selected.has(seat)));
    if (button.title) button.title = button.getAttribute("aria-label");
  }

  // Statuses differ in shape as well as colour: held seats are hollow, booked ones small, blocked ones crossed.
  #paint(context, seat, x, y, size) {
    const status = this.#statuses[seat];
    const colours = this.#colours;
    const side = Math.max(1, size * 0.85);
    context.globalAlpha = this.#filter(seat) ? 1 : 0.2;
    if (status === Status.available) {
      context.fillStyle = colours.categories[this.#venue.category[seat] % CategoryColours];
      context.fillRect(x, y, side, side);
      if (this.#venue.isAccessible(seat) && size >= 6) {
        context.fillStyle = "#fff";
        context.fillRect(x + side * 0.3, y + side * 0.3, side * 0.4, side * 0.4);
      }
    } else if (status === Status.held) {
      context.fillStyle = colours.held;
      context.fillRect(x, y, side, side);
      if (size >= 6) context.clearRect(x + side * 0.25, y + side * 0.25, side * 0.5, side * 0.5);
    } else if (status === Status.booked) {
      context.fillStyle = colours.booked;
      context.fillRect(x + side * 0.15, y + side * 0.15, side * 0.7, side * 0.7);
    } else {
      context.fillStyle = status === Status.blocked ? colours.blocked : colours.line;
      context.fillRect(x, y, side, side);
    }
    context.globalAlpha = 1;
    const ring = this.#selected.has(seat) ? colours.ink : this.#suggested.has(seat) ? colours.accent : null;
    if (ring) {
      context.strokeStyle = ring;
      context.lineWidth = Math.max(1.5, size * 0.15);
      context.strokeRect(x, y, side, side);
    }
  }

  #showCounts() {
    const total = this.#venue.count.toLocaleString();
    this.#countsText.textContent = this.#counts[Status.unknown] === this.#venue.count
      ? `${total} seats`
      : `${this.#counts[Status.available].toLocaleString()} of ${total} seats available`;
    for (const listener of this.onCounts) listener(this.#counts);
  }
}

function readColours() {
  const style = getComputedStyle(document.documentElement);
  const read = name => style.getPropertyValue(name).trim();
  return {
    categories: Array.from({ length: CategoryColours }, (_, index) => read(`--category-${index}`)),
    held: read("--held"),
    booked: read("--booked"),
    blocked: read("--blocked"),
    line: read("--line"),
    ink: read("--ink"),
    accent: read("--accent"),
  };
}

// Row and section names are drawn for the eye; each seat's own name already says where it is.
function drawnText(className, text, wx, wy) {
  const element = document.createElement("span");
  element.className = className;
  element.style.cssText = `--wx:${wx};--wy:${wy}`;
  element.textContent = text;
  element.setAttribute("aria-hidden", "true");
  return element;
}

function showCategories(venue) {
  const items = venue.categories.map((category, index) => {
    const swatch = document.createElement("span");
    swatch.className = `swatch category-${index % CategoryColours}`;
    swatch.dataset.status = "available";
    const price = venue.prices[category];
    const item = document.createElement("li");
    item.append(swatch, price === undefined ? category : `${category} · ${formatPrice(price, venue.currency)}`);
    return item;
  });
  document.getElementById("legend-categories").replaceChildren(...items);
}
