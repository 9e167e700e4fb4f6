import { requestJson } from "/api.js";
import { LiveFeed } from "/live-feed.js";
import { showSeatMap } from "/seat-map.js";

/**
 * The tutorial's address, /?flightId=ID: the same seat map, fed by the tutorial's own routes, which are the
 * only ones that serve its flights. /seats creates the flight on first use; /ws sends the whole list on each change.
 */
export async function showFlight(flightId) {
  document.getElementById("event-view").hidden = false;
  const query = `flightId=${encodeURIComponent(flightId)}`;
  const seats = await requestJson(`/seats?${query}`);
  const flight = { id: flightId, title: `Flight ${flightId}`, currency: "EUR", prices: { standard: 0 }, seats: cabin(seats) };
  showSeatMap(flight, {
    book: async (seatNumber, name) => {
      const answer = await requestJson(`/book-seat?${query}`, { method: "POST", body: { seatNumber, name } });
      return { text: answer.message };
    },
    feed: handlers => new LiveFeed(`/ws?${query}`, handlers, list => ({
      type: "snapshot",
      version: null,
      seats: list.map(seat => (seat.occupant === null ? "a" : "b")).join(""),
    })),
  });
}

// The tutorial's seats carry only a label, a row number and a letter ("12C"), so the cabin is drawn
// from the labels: letters across, with the aisle down the middle.
function cabin(seats) {
  const letters = [...new Set(seats.map(seat => seat.seatNumber.replace(/^\d+/, "")))].sort();
  const aisle = Math.ceil(letters.length / 2);
  return seats.map(({ seatNumber, occupant }) => {
    const row = seatNumber.match(/^\d+/)?.[0] ?? "";
    const column = letters.indexOf(seatNumber.slice(row.length));
    const flags = column === 0 || column === letters.length - 1 ? ["window"] : column === aisle - 1 || column === aisle ? ["aisle"] : [];
    return {
      label: seatNumber,
      section: "Cabin",
      row,
      category: "standard",
      flags,
      x: column < aisle ? column : column + 1,
      y: Number(row) - 1,
      status: occupant === null ? "available" : "booked",
    };
  });
}
