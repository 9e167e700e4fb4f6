import { requestJson } from "/api.js";

/** The dialog that books one seat for a named person, and the receipt it leaves in the page. */
export class BookingDialog {
  #eventId;
  #onBooked;
  #seat = null;
  #dialog = document.getElementById("book-dialog");
  #form = document.getElementById("book-form");
  #name = document.getElementById("book-name");
  #error = document.getElementById("book-error");
  #submit = document.getElementById("book-submit");

  constructor(eventId, onBooked) {
    this.#eventId = eventId;
    this.#onBooked = onBooked;
    this.#form.addEventListener("submit", event => {
      event.preventDefault();
      this.#book();
    });
    document.getElementById("book-cancel").addEventListener("click", () => this.#dialog.close());
  }

  /** Opens the dialog for one seat, given as { label, details } in plain text. */
  open(seat) {
    this.#seat = seat;
    document.getElementById("book-title").textContent = `Book seat ${seat.label}`;
    document.getElementById("book-seat-details").textContent = seat.details;
    this.#error.textContent = "";
    this.#submit.disabled = false;
    this.#dialog.showModal();
    this.#name.focus();
    this.#name.select();
  }

  async #book() {
    const name = this.#name.value.trim();
    if (name === "") {
      this.#error.textContent = "Enter the name of the person who will sit here.";
      this.#name.focus();
      return;
    }
    this.#error.textContent = "";
    this.#submit.disabled = true;
    try {
      const booking = await requestJson(`/api/events/${encodeURIComponent(this.#eventId)}/bookings`, {
        method: "POST",
        body: { seats: [{ seat: this.#seat.label, name }] },
      });
      this.#dialog.close();
      showReceipt(booking);
      this.#onBooked(booking);
    } catch (error) {
      this.#error.textContent = error.message;
    } finally {
      this.#submit.disabled = false;
    }
  }
}

function showReceipt(booking) {
  const seats = booking.seats.map(seat => `seat ${seat.seat} for ${seat.name}`).join(", ");
  document.getElementById("status").textContent = `Booked ${seats}. Reference ${booking.reference}.`;
  document.getElementById("receipt-token").textContent = booking.manageToken;
  document.getElementById("receipt").hidden = false;
}
