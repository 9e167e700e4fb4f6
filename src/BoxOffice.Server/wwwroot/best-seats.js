import { formatPrice } from "/api.js";

const MaxBestSeats = 10;

/**
 * "Find the best seats": a quantity, a category and the wheelchair choice go to the best-available preview;
 * the seats it finds are highlighted on the map and listed with their price, and nothing is held until the
 * buyer chooses them. A failure says why and, when the seats exist apart, offers them apart.
 */
export class BestSeats {
  #venue;
  #preview;
  #onSuggest;
  #onConfirm;
  #found = [];
  #live = false;
  #form = document.getElementById("best-form");
  #count = document.getElementById("best-count");
  #category = document.getElementById("best-category");
  #wheelchair = document.getElementById("best-wheelchair");
  #submit = document.getElementById("best-submit");
  #result = document.getElementById("best-result");
  #error = document.getElementById("best-error");
  #apart = document.getElementById("best-apart");

  constructor(venue, preview, { onSuggest, onConfirm }) {
    this.#venue = venue;
    this.#preview = preview;
    this.#onSuggest = onSuggest;
    this.#onConfirm = onConfirm;
    document.getElementById("best-seats").hidden = false;
    this.#count.replaceChildren(...Array.from({ length: MaxBestSeats }, (_, index) => new Option(String(index + 1), String(index + 1))));
    this.#count.value = "2";
    this.#category.append(...venue.categories.map(category => new Option(`${category} · ${formatPrice(venue.prices[category] ?? 0, venue.currency)}`, category)));
    document.getElementById("best-category-field").hidden = venue.categories.length < 2;
    document.getElementById("best-wheelchair-field").hidden = !venue.hasAccessible;
    this.#wheelchair.addEventListener("change", () => {
      // A wheelchair space comes with one companion seat beside it.
      if (this.#wheelchair.checked) this.#count.value = "2";
      this.#count.disabled = this.#wheelchair.checked;
    });
    this.#form.addEventListener("submit", submit => {
      submit.preventDefault();
      this.#find(true);
    });
    this.#apart.addEventListener("click", () => this.#find(false));
    document.getElementById("best-confirm").addEventListener("click", () => {
      const seats = this.#found;
      this.#clear();
      this.#onConfirm(seats);
    });
    document.getElementById("best-clear").addEventListener("click", () => this.#clear());
  }

  /** Nothing is offered from a map that may be stale: the form waits for the live feed. */
  setLive(live) {
    this.#live = live;
    this.#submit.disabled = !live;
    document.getElementById("best-confirm").disabled = !live;
  }

  async #find(together) {
    if (!this.#live) return;
    this.#clear();
    const count = Number(this.#count.value);
    const query = { count: String(count), together: String(together) };
    if (this.#category.value) query.category = this.#category.value;
    if (this.#wheelchair.checked) query.wheelchair = "true";
    this.#submit.disabled = true;
    try {
      const { seats } = await this.#preview(query);
      this.#found = seats;
      const indexes = seats.map(label => this.#venue.indexOf(label));
      const total = indexes.reduce((sum, seat) => sum + this.#venue.priceOf(seat), 0);
      const where = indexes.map(seat => this.#venue.place(seat)).join("; ");
      document.getElementById("best-text").textContent = `${where}. Total ${formatPrice(total, this.#venue.currency)}.`;
      this.#result.hidden = false;
      this.#onSuggest(seats);
    } catch (error) {
      this.#error.textContent = error.message;
      if (error.body?.availableApart) {
        this.#apart.textContent = `Find ${count} seats apart`;
        this.#apart.hidden = false;
      }
    } finally {
      this.#submit.disabled = !this.#live;
    }
  }

  #clear() {
    this.#found = [];
    this.#result.hidden = true;
    this.#apart.hidden = true;
    this.#error.textContent = "";
    this.#onSuggest([]);
  }
}

/** Which seats stand out on the map: wheelchair spaces only, and a price range. The others are dimmed. */
export class SeatFilters {
  constructor(venue, onChange) {
    const accessible = document.getElementById("filter-accessible");
    const lowest = document.getElementById("filter-min");
    const highest = document.getElementById("filter-max");
    const prices = [...new Set(venue.categories.map(category => venue.prices[category] ?? 0))].sort((a, b) => a - b);
    for (const select of [lowest, highest]) {
      select.replaceChildren(...prices.map(price => new Option(formatPrice(price, venue.currency), String(price))));
    }
    highest.value = String(prices.at(-1));
    document.getElementById("filter-accessible-field").hidden = !venue.hasAccessible;
    document.getElementById("filter-price-field").hidden = prices.length < 2;
    document.getElementById("filters").hidden = !venue.hasAccessible && prices.length < 2;
    const apply = () => {
      const [min, max] = [Number(lowest.value), Number(highest.value)];
      const accessibleOnly = accessible.checked;
      onChange(seat => (!accessibleOnly || venue.isAccessible(seat)) && venue.priceOf(seat) >= min && venue.priceOf(seat) <= max);
    };
    for (const input of [accessible, lowest, highest]) input.addEventListener("change", apply);
  }
}
