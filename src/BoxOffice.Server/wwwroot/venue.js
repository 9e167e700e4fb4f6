import { formatPrice } from "/api.js";

export const Status = { unknown: 0, available: 1, held: 2, booked: 3, blocked: 4 };
export const StatusNames = ["loading", "available", "held", "booked", "blocked"];
export const StatusByCode = { a: Status.available, h: Status.held, b: Status.booked, x: Status.blocked };
const Flag = { window: 1, aisle: 2, accessible: 4 };
// A venue this much wider than tall (a stadium's stands side by side) is drawn with its sections wrapped into lines.
const WrapAspect = 3;
const SectionGap = 3;

/**
 * The seats of an event's layout (GET /api/events/{id}/layout) in flat typed arrays, so a stadium of 100,000
 * seats costs a few megabytes and no object per seat. Seats keep the server's order, which is the order of the
 * live snapshot. wx and wy are where a seat is drawn: its layout position, with sections rearranged when the
 * venue is a long strip.
 */
export class Venue {
  constructor(layout) {
    this.id = layout.id;
    this.title = layout.title;
    this.currency = layout.currency;
    this.prices = layout.prices;
    this.categories = layout.categories;
    const count = layout.rows.reduce((sum, row) => sum + row.labels.length, 0);
    this.count = count;
    this.labels = new Array(count);
    this.rowOf = new Uint32Array(count);
    this.category = new Uint8Array(count);
    this.flags = new Uint8Array(count);
    this.x = new Int32Array(count);
    this.wx = new Float32Array(count);
    this.wy = new Float32Array(count);
    this.rows = [];
    this.sections = layout.sections.map(name => ({ name, rows: [], first: Infinity, end: 0, minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity }));

    let seat = 0;
    for (const row of layout.rows) {
      const section = this.sections[row.section];
      const entry = { section: row.section, name: row.name, y: row.y, first: seat, end: seat + row.labels.length };
      section.rows.push(this.rows.length);
      section.first = Math.min(section.first, seat);
      section.end = Math.max(section.end, entry.end);
      section.minY = Math.min(section.minY, row.y);
      section.maxY = Math.max(section.maxY, row.y);
      for (let i = 0; i < row.labels.length; i++, seat++) {
        this.labels[seat] = row.labels[i];
        this.rowOf[seat] = this.rows.length;
        this.category[seat] = row.categories[i];
        this.flags[seat] = row.flags[i];
        this.x[seat] = row.x[i];
        section.minX = Math.min(section.minX, row.x[i]);
        section.maxX = Math.max(section.maxX, row.x[i]);
      }
      this.rows.push(entry);
    }
    this.#arrange();
    this.hasAccessible = this.flags.some(flags => flags & Flag.accessible);
  }

  /** The seat with this label, or undefined; the index is built on first use, as only live deltas need it. */
  indexOf(label) {
    this.byLabel ??= new Map(this.labels.map((name, index) => [name, index]));
    return this.byLabel.get(label);
  }

  priceOf(seat) {
    return this.prices[this.categories[this.category[seat]]] ?? 0;
  }

  isAccessible(seat) {
    return (this.flags[seat] & Flag.accessible) !== 0;
  }

  sectionOf(seat) {
    return this.rows[this.rowOf[seat]].section;
  }

  /** The price of a section's seats, "€45" or "€30 to €45", for its label on the map. */
  sectionPrice(sectionIndex) {
    const section = this.sections[sectionIndex];
    const prices = new Set();
    for (let seat = section.first; seat < section.end; seat++) prices.add(this.priceOf(seat));
    const sorted = [...prices].sort((a, b) => a - b);
    if (sorted.length === 1) return formatPrice(sorted[0], this.currency);
    return `${formatPrice(sorted[0], this.currency)} to ${formatPrice(sorted.at(-1), this.currency)}`;
  }

  /** "Section S2, row 14, seat 7": where a seat is, in words. */
  place(seat) {
    const row = this.rows[this.rowOf[seat]];
    const section = this.sections[row.section].name;
    const number = seatNumber(this.labels[seat], section, row.name);
    return this.sections.length > 1 ? `Section ${section}, row ${row.name}, seat ${number}` : `Row ${row.name}, seat ${number}`;
  }

  /** The seat's accessible name: "Row 12, seat 7, standard, €45, wheelchair space, available". */
  describe(seat, statusName) {
    const price = this.priceOf(seat);
    const parts = [this.place(seat), this.categories[this.category[seat]], price === 0 ? "free" : formatPrice(price, this.currency)];
    if (this.flags[seat] & Flag.accessible) parts.push("wheelchair space");
    if (this.flags[seat] & Flag.window) parts.push("window");
    if (this.flags[seat] & Flag.aisle) parts.push("aisle");
    parts.push(statusName);
    return parts.join(", ");
  }

  /** The seat in the row above (-1) or below (+1) that is nearest across, within the seat's section. */
  verticalNeighbour(seat, direction) {
    const rowIndex = this.rowOf[seat];
    const rows = this.sections[this.rows[rowIndex].section].rows;
    const target = this.rows[rows[rows.indexOf(rowIndex) + direction]];
    if (!target) return seat;
    let best = target.first;
    for (let other = target.first; other < target.end; other++) {
      if (Math.abs(this.x[other] - this.x[seat]) < Math.abs(this.x[best] - this.x[seat])) best = other;
    }
    return best;
  }

  // Sections keep their own shape. A strip of stands side by side is wrapped into lines about as wide as a
  // screen is, so the overview shows every section at a size one can point at.
  #arrange() {
    const spans = this.sections.map(s => ({ width: s.maxX - s.minX + 1, height: s.maxY - s.minY + 1 }));
    const width = Math.max(...this.sections.map(s => s.maxX)) - Math.min(...this.sections.map(s => s.minX)) + 1;
    const height = Math.max(...this.sections.map(s => s.maxY)) - Math.min(...this.sections.map(s => s.minY)) + 1;
    const wrap = this.sections.length > 1 && width > height * WrapAspect;
    const area = spans.reduce((sum, s) => sum + (s.width + SectionGap) * (s.height + SectionGap), 0);
    const lineWidth = Math.max(...spans.map(s => s.width), Math.sqrt(area * 1.6));
    let cursorX = 0, cursorY = 0, lineHeight = 0;
    this.sections.forEach((section, index) => {
      if (wrap) {
        if (cursorX > 0 && cursorX + spans[index].width > lineWidth) {
          cursorX = 0;
          cursorY += lineHeight + SectionGap;
          lineHeight = 0;
        }
        section.dx = cursorX - section.minX;
        section.dy = cursorY - section.minY;
        cursorX += spans[index].width + SectionGap;
        lineHeight = Math.max(lineHeight, spans[index].height);
      } else {
        section.dx = 0;
        section.dy = 0;
      }
      for (const rowIndex of section.rows) {
        const row = this.rows[rowIndex];
        for (let seat = row.first; seat < row.end; seat++) {
          this.wx[seat] = this.x[seat] + section.dx;
          this.wy[seat] = row.y + section.dy;
        }
      }
      section.box = { left: section.minX + section.dx, top: section.minY + section.dy, right: section.maxX + section.dx + 1, bottom: section.maxY + section.dy + 1 };
    });
    this.box = {
      left: Math.min(...this.sections.map(s => s.box.left)),
      top: Math.min(...this.sections.map(s => s.box.top)),
      right: Math.max(...this.sections.map(s => s.box.right)),
      bottom: Math.max(...this.sections.map(s => s.box.bottom)),
    };
  }
}

/** The seat's own number within its row: "7" for S2-14-7 in row 14 of S2, "C" for 3C in row 3. */
export function seatNumber(label, section, row) {
  return stripPrefix(stripPrefix(label, section), row) || label;
}

// "12" in row "1" is seat 12, not seat 2: a prefix counts only where a separator or a change from digits to letters follows it.
function stripPrefix(text, prefix) {
  if (!text.startsWith(prefix) || text.length === prefix.length) return text;
  const rest = text.slice(prefix.length);
  const separated = /^[-_.]/.test(rest);
  const digitsMeet = /\d$/.test(prefix) && /^\d/.test(rest);
  const lettersMeet = /[A-Za-z]$/.test(prefix) && /^[A-Za-z]/.test(rest);
  if (!separated && (digitsMeet || lettersMeet)) return text;
  return rest.replace(/^[-_.]+/, "");
}
