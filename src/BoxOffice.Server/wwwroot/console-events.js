// The console's events: the list with each event's sales (GET /api/console/events, read again every few seconds,
// as a socket per event would not scale to a long list), and one opened event whose seats follow the live feed.
// Box-office staff and admins read each event's log; admins also create, edit, publish, close, cancel and delete.
import { formatPrice, requestJson } from "/api.js";
import { drawMap, EventForm, formatTime } from "/event-form.js";
import { LiveFeed } from "/live-feed.js";
import { LiveStateText } from "/seat-map.js";
import { staffRequest } from "/staff-session.js";
import { Status, Venue } from "/venue.js";

const PollMs = 5000;
const StatusText = { draft: "Draft", on_sale: "On sale", closed: "Closed", cancelled: "Cancelled" };
const SalesParts = ["available", "held", "booked", "blocked"];

export class EventsConsole {
  #canEdit;
  #showView;
  #form;
  #events = new Map();
  #opened = null;
  #feed = null;
  #logNext = null;

  constructor({ canEdit, showView }) {
    this.#canEdit = canEdit;
    this.#showView = showView;
    this.#form = new EventForm({ showView, onSaved: id => this.open(id), onBack: id => id ? this.open(id) : this.showList() });
    document.getElementById("create-event").hidden = !canEdit;
    document.getElementById("create-event").addEventListener("click", () => this.#form.create());
    document.getElementById("back-to-events").addEventListener("click", () => this.showList());
    document.getElementById("event-actions").hidden = !canEdit;
    document.getElementById("event-edit").addEventListener("click", () => this.#form.edit(this.#events.get(this.#opened).event));
    document.getElementById("event-publish").addEventListener("click", () => this.#move("on_sale"));
    document.getElementById("event-close").addEventListener("click", () => this.#move("closed"));
    document.getElementById("event-cancel").addEventListener("click", () => this.#cancel());
    document.getElementById("event-delete").addEventListener("click", () => this.#delete());
    document.getElementById("log-more").addEventListener("click", () => this.#readLog(this.#opened, this.#logNext));
    setInterval(() => {
      if (!document.hidden) this.#refresh().catch(() => {});
    }, PollMs);
  }

  async showList() {
    this.#leave();
    this.#showView("events-view");
    await this.#refresh();
  }

  async open(id) {
    this.#leave();
    this.#opened = id;
    await this.#refresh();
    if (!this.#events.has(id)) return this.showList();
    this.#showView("event-view");
    document.getElementById("event-action-error").textContent = "";
    document.getElementById("event-public-link").href = `/events/${encodeURIComponent(id)}`;
    this.#showOpened();
    document.getElementById("event-log").replaceChildren();
    await Promise.all([this.#follow(id), this.#readLog(id, null)]);
  }

  /**
   * Appends a page of the event's log (GET /api/events/{id}/log), oldest first. The last page's position is
   * kept even when it is short, so "Later entries" picks up what happened since.
   */
  async #readLog(id, after) {
    const query = new URLSearchParams({ limit: "100" });
    if (after) query.set("after", after);
    const page = await requestJson(`/api/events/${encodeURIComponent(id)}/log?${query}`);
    if (this.#opened !== id) return;
    const log = document.getElementById("event-log");
    for (const entry of page.entries) {
      const row = document.createElement("tr");
      for (const text of [new Date(entry.at).toLocaleString(), entry.actor, entry.action, entry.details]) {
        const cell = document.createElement("td");
        cell.textContent = text;
        row.append(cell);
      }
      log.append(row);
    }
    this.#logNext = page.next ?? page.entries.at(-1)?.seq ?? after;
  }

  async #refresh() {
    const events = await requestJson("/api/console/events");
    this.#events = new Map(events.map(e => [e.event.id, e]));
    document.getElementById("events-empty").hidden = events.length > 0;
    const list = document.getElementById("console-events");
    // Rows are updated in place when the same events are listed, so the focus stays where it was.
    if ([...list.children].map(item => item.dataset.id).join("\n") !== events.map(e => e.event.id).join("\n")) {
      list.replaceChildren(...events.map(e => this.#eventItem(e.event.id)));
    }
    for (const item of list.children) this.#fillItem(item, this.#events.get(item.dataset.id));
    if (this.#opened && this.#events.has(this.#opened)) this.#showOpened();
  }

  #eventItem(id) {
    const item = document.createElement("li");
    item.className = "event-card";
    item.dataset.id = id;
    const open = document.createElement("button");
    open.type = "button";
    open.className = "link-button";
    open.addEventListener("click", () => this.open(id));
    const heading = document.createElement("h2");
    heading.append(open);
    const meta = document.createElement("p");
    meta.className = "muted";
    const sales = document.createElement("div");
    sales.className = "sales";
    item.append(heading, meta, sales);
    return item;
  }

  #fillItem(item, { event, counts, revenue }) {
    const [heading, meta, sales] = item.children;
    heading.firstChild.textContent = event.title;
    meta.textContent = [StatusText[event.status], event.listed ? "" : "unlisted", event.venue, formatTime(event.startsAt, event.timeZone)]
      .filter(Boolean).join(" · ");
    showSales(sales, counts, revenue, event.currency);
  }

  // The list's read brings the opened event's facts and revenue; its seats come from the live feed.
  #showOpened() {
    const { event } = this.#events.get(this.#opened);
    document.getElementById("event-title").textContent = event.title;
    document.getElementById("event-status").textContent = StatusText[event.status];
    const facts = [
      ["Id", event.id],
      ["Listed", event.listed ? "Yes" : "No"],
      ["Venue", event.venue],
      ["Starts", formatTime(event.startsAt, event.timeZone)],
      ["Doors", formatTime(event.doorsAt, event.timeZone)],
      ["Ends", formatTime(event.endsAt, event.timeZone)],
      ["Sales open", formatTime(event.salesOpenAt, event.timeZone) || "At once"],
      ["Sales close", formatTime(event.salesCloseAt, event.timeZone) || "When closed here"],
      ["Prices", Object.entries(event.prices).map(([category, price]) => `${category} ${formatPrice(price, event.currency)}`).join(", ")],
    ].filter(([, value]) => value);
    document.getElementById("event-facts").replaceChildren(...facts.flatMap(([name, value]) => {
      const term = document.createElement("dt");
      term.textContent = name;
      const detail = document.createElement("dd");
      detail.textContent = value;
      return [term, detail];
    }));
    const moves = { "event-publish": ["draft", "closed"], "event-close": ["on_sale"], "event-cancel": ["draft", "on_sale", "closed"], "event-edit": ["draft", "on_sale", "closed"] };
    for (const [button, from] of Object.entries(moves)) document.getElementById(button).hidden = !from.includes(event.status);
    document.getElementById("event-sales").dataset.revenue = this.#events.get(this.#opened).revenue;
  }

  /** Draws the opened event's map and keeps it, and its sales bar, live over the event's feed. */
  async #follow(id) {
    const path = `/api/events/${encodeURIComponent(id)}`;
    const venue = new Venue(await requestJson(`${path}/layout`));
    if (this.#opened !== id) return;
    const map = drawMap(document.getElementById("event-map-slot"), venue);
    const sales = document.getElementById("event-sales");
    map.onCounts.push(counts => {
      if (counts[Status.unknown] > 0) return;
      const byName = Object.fromEntries(SalesParts.map(part => [part, counts[Status[part]]]));
      showSales(sales, byName, Number(sales.dataset.revenue), venue.currency);
    });
    const liveState = document.getElementById("live-state");
    this.#feed = new LiveFeed(`${path}/live`, {
      onSnapshot: seats => map.applySnapshot(seats),
      onChanges: changes => map.applyChanges(changes),
      onState: state => {
        liveState.dataset.state = state;
        liveState.textContent = LiveStateText[state];
        map.setLive(state === "live");
      },
    });
    this.#feed.start();
  }

  #leave() {
    this.#feed?.stop();
    this.#feed = null;
    this.#opened = null;
    document.getElementById("event-sales").replaceChildren();
    document.getElementById("event-map-slot").replaceChildren();
  }

  async #move(status) {
    const id = this.#opened;
    try {
      await staffRequest(`/api/events/${encodeURIComponent(id)}`, { method: "PATCH", body: { status } });
    } catch (failure) {
      document.getElementById("event-action-error").textContent = failure.message;
      return;
    }
    await this.open(id);
  }

  async #cancel() {
    if (await confirm("Cancel this event?", "Its bookings and orders are cancelled, paid orders are marked for refund, and it can never go on sale again.", "Cancel the event")) {
      await this.#move("cancelled");
    }
  }

  async #delete() {
    if (!await confirm("Delete this event?", "It goes for good. An event that has sold anything cannot be deleted: cancel it instead.", "Delete the event")) return;
    try {
      await staffRequest(`/api/events/${encodeURIComponent(this.#opened)}`, { method: "DELETE" });
    } catch (failure) {
      document.getElementById("event-action-error").textContent = failure.message;
      return;
    }
    await this.showList();
  }
}

/** A stacked bar of the seats by status, in proportion, with the same numbers in words beside it. */
function showSales(container, counts, revenue, currency) {
  const total = SalesParts.reduce((sum, part) => sum + counts[part], 0);
  const bar = document.createElement("div");
  bar.className = "sales-bar";
  bar.setAttribute("aria-hidden", "true");
  for (const part of SalesParts) {
    const segment = document.createElement("span");
    segment.dataset.status = part;
    segment.style.flexGrow = String(total === 0 ? 0 : counts[part] / total);
    bar.append(segment);
  }
  const text = document.createElement("p");
  text.className = "sales-text";
  const words = SalesParts.map(part => `${counts[part].toLocaleString()} ${part}`);
  // formatPrice calls 0 "Free", which is a price, not takings.
  text.textContent = `${words.join(" · ")} · revenue ${revenue === 0 ? "none yet" : formatPrice(revenue, currency)}`;
  container.replaceChildren(bar, text);
}

function confirm(title, text, action) {
  const dialog = document.getElementById("confirm-dialog");
  document.getElementById("confirm-title").textContent = title;
  document.getElementById("confirm-text").textContent = text;
  document.getElementById("confirm-yes").textContent = action;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise(resolve => dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true }));
}
