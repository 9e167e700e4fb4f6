/**
 * The dialog that books seats, each for a named person, and the receipt it leaves in the page.
 * book([{ seat, name }]) does the booking and resolves to the receipt: { text, manageToken? }.
 */
export class BookingDialog {
  #book;
  #onBooked;
  #seats = [];
  #returnTo = null;
  #live = false;
  #dialog = document.getElementById("book-dialog");
  #form = document.getElementById("book-form");
  #names = document.getElementById("book-names");
  #error = document.getElementById("book-error");
  #submit = document.getElementById("book-submit");

  constructor(book, onBooked) {
    this.#book = book;
    this.#onBooked = onBooked;
    this.#form.addEventListener("submit", event => {
      event.preventDefault();
      this.#bookSeats();
    });
    document.getElementById("book-cancel").addEventListener("click", () => this.#dialog.close());
    // However the dialog closes (Cancel, Escape, a booking), the focus goes back to the seat it was opened from.
    this.#dialog.addEventListener("close", () => this.#returnTo?.focus());
  }

  /** Opens the dialog for seats given as { label, details } in plain text; returnTo gets the focus back after. */
  open(seats, returnTo) {
    this.#seats = seats;
    this.#returnTo = returnTo;
    document.getElementById("book-title").textContent = seats.length === 1 ? `Book seat ${seats[0].label}` : `Book ${seats.length} seats`;
    this.#names.replaceChildren(...seats.map(seat => nameField(seat, seats.length === 1)));
    this.#error.textContent = "";
    this.#showLive();
    this.#dialog.showModal();
    const first = this.#names.querySelector("input");
    first.focus();
    first.select();
  }

  /** A booking waits while the live feed re-syncs: the seats shown may already be gone. */
  setLive(live) {
    this.#live = live;
    this.#showLive();
  }

  #showLive() {
    this.#submit.disabled = !this.#live;
    document.getElementById("book-waiting").hidden = this.#live;
  }

  async #bookSeats() {
    const inputs = [...this.#names.querySelectorAll("input")];
    const unnamed = inputs.find(input => input.value.trim() === "");
    if (unnamed) {
      this.#error.textContent = "Enter the name of the person who will sit in each seat.";
      unnamed.focus();
      return;
    }
    this.#error.textContent = "";
    this.#submit.disabled = true;
    try {
      const receipt = await this.#book(this.#seats.map((seat, index) => ({ seat: seat.label, name: inputs[index].value.trim() })));
      this.#onBooked(this.#seats.map(seat => seat.label));
      this.#dialog.close();
      showReceipt(receipt);
    } catch (error) {
      this.#error.textContent = error.message;
    } finally {
      this.#submit.disabled = !this.#live;
    }
  }
}

function nameField(seat, only) {
  const details = document.createElement("p");
  details.className = "seat-details";
  details.textContent = seat.details;
  const input = document.createElement("input");
  input.type = "text";
  input.autocomplete = only ? "name" : "off";
  input.maxLength = 100;
  input.required = true;
  const label = document.createElement("label");
  label.append(only ? "Name" : `Name for seat ${seat.label}`, input);
  const field = document.createElement("div");
  field.append(details, label);
  return field;
}

// The tutorial's bookings have no manage token: its passengers change seats by booking again.
function showReceipt({ text, manageToken }) {
  document.getElementById("status").textContent = text;
  document.getElementById("receipt-token").textContent = manageToken ?? "";
  document.getElementById("receipt").hidden = manageToken === undefined;
}
