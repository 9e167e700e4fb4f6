// Creating and editing an event: the fields of POST /api/events and PATCH /api/events/{id}, a layout from a
// template or custom JSON drawn live as it changes (POST /api/console/layout-preview, so the server's own parser
// judges it), a price per category the layout has, and each validation error shown under its field.
import { requestJson } from "/api.js";
import { SeatMap } from "/seat-map.js";
import { staffRequest, showErrors } from "/staff-session.js";
import { Venue } from "/venue.js";

const PreviewDelayMs = 300;
// The layout view's flag bit for a seat blocked in the layout.
const BlockedFlag = 8;
const Times = ["startsAt", "doorsAt", "endsAt", "salesOpenAt", "salesCloseAt"];
const Texts = ["venue", "description", "timeZone"];
const LayoutInputs = ["form-template", "form-sections", "form-rows", "form-seats", "form-custom"];

const element = id => document.getElementById(id);

export class EventForm {
  #showView;
  #onSaved;
  #editing = null;
  #categories = [];
  #previewTimer = 0;
  #previews = 0;

  constructor({ showView, onSaved, onBack }) {
    this.#showView = showView;
    this.#onSaved = onSaved;
    element("event-form").addEventListener("submit", submit => this.#submit(submit));
    element("form-back").addEventListener("click", () => onBack(this.#editing?.id));
    for (const id of LayoutInputs) element(id).addEventListener("input", () => this.#previewSoon());
    element("form-template").addEventListener("change", () => this.#previewSoon());
  }

  create() {
    this.#editing = null;
    element("event-form").reset();
    element("form-title").textContent = "Create an event";
    element("form-submit").textContent = "Create event";
    element("field-id").hidden = element("field-status").hidden = false;
    element("form-template").value = "cinema";
    element("form-template").options[0].hidden = true;
    element("form-timezone").value = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.#open({});
  }

  edit(event) {
    this.#editing = event;
    element("event-form").reset();
    element("form-title").textContent = `Edit ${event.title}`;
    element("form-submit").textContent = "Save changes";
    element("field-id").hidden = element("field-status").hidden = true;
    element("form-template").options[0].hidden = false;
    element("form-template").value = "keep";
    element("form-title-input").value = event.title;
    for (const text of Texts) element(`form-${text.toLowerCase()}`).value = event[text] ?? "";
    for (const time of Times) element(`form-${time}`).value = wallTime(event[time], event.timeZone);
    element("form-listed").checked = event.listed;
    element("form-currency").value = event.currency;
    this.#open(event.prices);
  }

  #open(prices) {
    for (const error of element("event-form").querySelectorAll(".form-error")) error.textContent = "";
    this.#showPrices(Object.keys(prices), prices);
    this.#showView("form-view");
    this.#preview();
  }

  #previewSoon() {
    clearTimeout(this.#previewTimer);
    this.#previewTimer = setTimeout(() => this.#preview(), PreviewDelayMs);
  }

  /** Draws the layout the form describes; a slower answer to an older layout is dropped. */
  async #preview() {
    const preview = ++this.#previews;
    const state = element("preview-state");
    const error = element("error-layout");
    const template = element("form-template").value;
    for (const [field, shown] of [["sections", template === "stadium"], ["rows", template === "cinema" || template === "stadium"],
      ["seats", template === "cinema" || template === "stadium"], ["custom", template === "custom"]]) {
      element(`layout-${field}-field`).hidden = !shown;
    }
    let view;
    try {
      const layout = this.#layout();
      state.textContent = "Drawing…";
      view = layout === null
        ? await requestJson(`/api/events/${encodeURIComponent(this.#editing.id)}/layout`)
        : await staffRequest("/api/console/layout-preview", { method: "POST", body: layout });
    } catch (failure) {
      if (preview !== this.#previews) return;
      error.textContent = failure.message;
      state.textContent = "No preview: the layout has a problem.";
      element("form-map-slot").replaceChildren();
      return;
    }
    if (preview !== this.#previews) return;
    error.textContent = "";
    this.#showPrices(view.categories, this.#prices());
    const venue = new Venue({ ...view, prices: this.#prices(), currency: element("form-currency").value.toUpperCase() });
    state.textContent = `${venue.count.toLocaleString()} seats in ${venue.sections.length.toLocaleString()} sections.`;
    const map = drawMap(element("form-map-slot"), venue);
    map.applySnapshot(Array.from(venue.flags, flags => flags & BlockedFlag ? "x" : "a").join(""));
  }

  /** The layout document the form describes, or null to keep the event's layout; custom JSON that is not JSON throws. */
  #layout() {
    const number = id => Number(element(id).value);
    switch (element("form-template").value) {
      case "keep": return null;
      case "a320": return { template: "a320" };
      case "cinema": return { template: "cinema", rows: number("form-rows"), seatsPerRow: number("form-seats") };
      case "stadium": return { template: "stadium", sections: number("form-sections"), rows: number("form-rows"), seatsPerRow: number("form-seats") };
      default:
        try {
          return JSON.parse(element("form-custom").value);
        } catch (failure) {
          throw new Error(`The layout is not JSON: ${failure.message}`);
        }
    }
  }

  /** A price input per category, in major units of the currency, keeping what was typed for categories that stay. */
  #showPrices(categories, prices) {
    this.#categories = categories;
    const digits = fractionDigits(element("form-currency").value);
    element("form-prices").replaceChildren(...categories.map((category, index) => {
      const field = document.createElement("div");
      const label = document.createElement("label");
      label.htmlFor = `form-price-${index}`;
      label.textContent = `Price: ${category}`;
      const input = document.createElement("input");
      input.id = label.htmlFor;
      input.type = "number";
      input.min = "0";
      input.step = String(10 ** -digits);
      input.value = String((prices[category] ?? 0) / 10 ** digits);
      input.dataset.category = category;
      const error = document.createElement("p");
      error.className = "form-error";
      error.id = `error-price-${index}`;
      input.setAttribute("aria-describedby", error.id);
      field.append(label, input, error);
      return field;
    }));
  }

  /** The prices as typed, in minor units by category. */
  #prices() {
    const digits = fractionDigits(element("form-currency").value);
    return Object.fromEntries([...element("form-prices").querySelectorAll("input")]
      .map(input => [input.dataset.category, Math.round(Number(input.value) * 10 ** digits)]));
  }

  async #submit(submit) {
    submit.preventDefault();
    const formError = element("form-error");
    for (const error of element("event-form").querySelectorAll(".form-error")) error.textContent = "";
    const zone = element("form-timezone").value.trim();
    const body = {
      title: element("form-title-input").value,
      listed: element("form-listed").checked,
      currency: element("form-currency").value.trim(),
      // Without a layout drawn there are no price fields, and the server then prices every category at 0.
      prices: this.#categories.length > 0 ? this.#prices() : undefined,
      venue: element("form-venue").value.trim(),
      description: element("form-description").value.trim(),
      timeZone: zone || undefined,
    };
    for (const time of Times) body[time] = withOffset(element(`form-${time}`).value, zone);
    try {
      body.layout = this.#layout() ?? undefined;
    } catch (failure) {
      element("error-layout").textContent = failure.message;
      return;
    }
    const id = this.#editing?.id ?? element("form-id").value.trim();
    try {
      if (this.#editing) {
        await staffRequest(`/api/events/${encodeURIComponent(id)}`, { method: "PATCH", body });
      } else {
        await staffRequest("/api/events", { method: "POST", body: { ...body, id, status: element("form-status").value } });
      }
    } catch (failure) {
      showErrors(failure, key => this.#errorFor(key), formError);
      return;
    }
    this.#onSaved(id);
  }

  #errorFor(key) {
    if (key.startsWith("prices.")) {
      const index = this.#categories.indexOf(key.slice("prices.".length));
      return index < 0 ? null : element(`error-price-${index}`);
    }
    return element(`error-${key}`);
  }
}

/**
 * A fresh copy of the map's markup in the slot, and a seat map on it that only shows. Any other slot is emptied:
 * the seat map finds its parts by id, so only one map may be on the page.
 */
export function drawMap(slot, venue) {
  for (const other of document.querySelectorAll(".map-slot")) other.replaceChildren();
  slot.replaceChildren(document.getElementById("map-template").content.cloneNode(true));
  return new SeatMap(venue, () => {});
}

/** "12 Jun 2031, 20:00 (Europe/Paris)" in the event's own zone; empty when there is no time. */
export function formatTime(iso, zone) {
  if (!iso) return "";
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: zone ?? undefined });
  return zone ? `${format.format(new Date(iso))} (${zone})` : format.format(new Date(iso));
}

/** The wall-clock time of an instant in a zone, as a datetime-local input takes it. */
function wallTime(iso, zone) {
  if (!iso) return "";
  const format = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone ?? undefined, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  });
  const part = Object.fromEntries(format.formatToParts(new Date(iso)).map(({ type, value }) => [type, value]));
  return `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}`;
}

/**
 * A datetime-local value read as a wall-clock time in the zone, with the zone's offset at that time, as the API
 * wants it ("2031-06-01T20:00:00+02:00"). The offset is looked up twice, for times near a change of offset.
 * A zone the browser does not know gets "Z", and the server then says what is wrong with the zone.
 */
function withOffset(local, zone) {
  if (!local) return undefined;
  const asUtc = Date.parse(`${local}Z`);
  let offset;
  try {
    offset = offsetMinutes(zone, asUtc);
    offset = offsetMinutes(zone, asUtc - offset * 60_000);
  } catch {
    return `${local}:00Z`;
  }
  const sign = offset < 0 ? "-" : "+";
  const pad = value => String(Math.floor(Math.abs(value))).padStart(2, "0");
  return `${local}:00${sign}${pad(Math.abs(offset) / 60)}:${pad(Math.abs(offset) % 60)}`;
}

function offsetMinutes(zone, instant) {
  const name = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
    .formatToParts(instant).find(part => part.type === "timeZoneName").value;
  const match = name.match(/^GMT([+-])(\d{2}):(\d{2})$/);
  return match ? (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}

function fractionDigits(currency) {
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
  } catch {
    return 2;
  }
}
