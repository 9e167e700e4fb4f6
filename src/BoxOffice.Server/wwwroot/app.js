import { formatPrice, requestJson } from "/api.js";
import { showFlight } from "/flight.js";
import { showEvent } from "/seat-map.js";

route().catch(error => {
  document.getElementById("events-view").hidden = true;
  document.getElementById("event-view").hidden = true;
  const pageError = document.getElementById("page-error");
  pageError.textContent = error.message;
  pageError.hidden = false;
});

// One page serves three addresses: "/", "/events/{id}", and the tutorial's "/?flightId=ID".
async function route() {
  const eventPath = location.pathname.match(/^\/events\/([^/]+)\/?$/);
  const flightId = new URLSearchParams(location.search).get("flightId");
  if (eventPath) {
    await showEvent(decodeURIComponent(eventPath[1]));
  } else if (flightId !== null) {
    await showFlight(flightId);
  } else {
    await showEventList();
  }
}

async function showEventList() {
  document.getElementById("events-view").hidden = false;
  const events = await requestJson("/api/events");
  document.getElementById("events-empty").hidden = events.length > 0;
  document.getElementById("event-list").replaceChildren(...events.map(eventCard));
}

function eventCard(event) {
  const link = document.createElement("a");
  link.href = `/events/${encodeURIComponent(event.id)}`;
  link.textContent = event.title;
  const heading = document.createElement("h2");
  heading.append(link);

  const availability = document.createElement("p");
  availability.className = "availability";
  availability.textContent = availabilityText(event);

  const prices = document.createElement("p");
  prices.className = "prices";
  prices.textContent = priceRange(Object.values(event.prices), event.currency);

  const card = document.createElement("li");
  card.className = "event-card";
  card.append(heading, availability, prices);
  return card;
}

function priceRange(prices, currency) {
  if (prices.length === 0) return "";
  const lowest = Math.min(...prices);
  const highest = Math.max(...prices);
  if (lowest === highest) return formatPrice(lowest, currency);
  return `${formatPrice(lowest, currency)} to ${formatPrice(highest, currency)}`;
}

/** "Sold out" only when no seat can come back: held seats wait for payment and may be released. */
function availabilityText(event) {
  if (event.available > 0) return `${event.available.toLocaleString()} of ${event.seatCount.toLocaleString()} seats available`;
  return event.held > 0 ? `${event.held.toLocaleString()} held, none available yet` : "Sold out";
}
