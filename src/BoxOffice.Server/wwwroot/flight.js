import { requestJson } from "/api.js";
import { LiveFeed } from "/live-feed.js";
import { showSeatMap } from "/seat-map.js";
import { Venue } from "/venue.js";

const Window = 1;
const Aisle = 2;

/**
 * The tutorial's address, /?flightId=ID: the same seat map, fed by the tutorial's own routes, which are the
 * only ones that serve its flights. /seats creates the flight on first use; /ws sends the whole list on each change.
 */
export async function showFlight(flightId) {
  document.getElementById("event-view").hidden = false;
  const query = `flightId=${encodeURIComponent(flightId)}`;
  const seats = await requestJson(`/seats?${query}`);
  const venue = new Venue(cabin(flightId, seats));
  showSeatMap(venue, {
    book: async ([{ seat, name }]) => {
      const answer = await requestJson(`/book-seat?${query}`, { method: "POST", body: { seatNumber: seat, name } });
      return { text: answer.message };
    },
    // The tutorial's seats come in its own order; the snapshot follows the venue's.
    feed: handlers => new LiveFeed(`/ws?${query}`, handlers, list => {
      const occupied = new Map(list.map(seat => [seat.seatNumber, seat.occupant !== null]));
      return { type: "snapshot", version: null, seats: venue.labels.map(label => (occupied.get(label) ? "b" : "a")).join("") };
    }),
  });
}

// The tutorial's seats carry only a label, a row number and a letter ("12C"), so the cabin is drawn
// from the labels: letters across, with the aisle down the middle.
function cabin(flightId, seats) {
  const letters = [...new Set(seats.map(seat => seat.seatNumber.replace(/^\d+/, "")))].sort();
  const aisle = Math.ceil(letters.length / 2);
  const rows = new Map();
  for (const { seatNumber } of seats) {
    const row = seatNumber.match(/^\d+/)?.[0] ?? "";
    const column = letters.indexOf(seatNumber.slice(row.length));
    if (!rows.has(row)) rows.set(row, []);
    rows.get(row).push({ label: seatNumber, column });
  }
  const ordered = [...rows.entries()].sort(([a], [b]) => Number(a) - Number(b));
  return {
    id: flightId,
    title: `Flight ${flightId}`,
    currency: "EUR",
    prices: { standard: 0 },
    categories: ["standard"],
    sections: ["Cabin"],
    rows: ordered.map(([name, row]) => {
      row.sort((a, b) => a.column - b.column);
      return {
        section: 0,
        name,
        y: Number(name) - 1,
        labels: row.map(seat => seat.label),
        x: row.map(({ column }) => (column < aisle ? column : column + 1)),
        categories: row.map(() => 0),
        flags: row.map(({ column }) => (column === 0 || column === letters.length - 1 ? Window : column === aisle - 1 || column === aisle ? Aisle : 0)),
      };
    }),
  };
}
