/**
 * The dialog that books one seat for a named person, and the receipt it leaves in the page.
 * book(label, name) does the booking and resolves to the receipt: { text, manageToken? }.
 */
export class BookingDialog {
  #bookSeat;
  #onBooked;
  #seat = null;
  #dialog = document.getElementById("book-dialog");
  #form = document.getElementById("book-form");
  #name = document.getElementById("book-name");
  #error = document.getElementById("book-error");
  #submit = document.getElementById("book-submit");

  constructor(book, onBooked) {
    this.#bookSeat = book;
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
      const receipt = await this.#bookSeat(this.#seat.label, name);
      this.#dialog.close();
      showReceipt(receipt);
      this.#onBooked(this.#seat.label);
    } catch (error) {
      this.#error.textContent = error.message;
    } finally {
      this.#submit.disabled = false;
    }
  }
}

// The tutorial's bookings have no manage token: its passengers change seats by booking again.
function showReceipt({ text, manageToken }) {
  document.getElementById("status").textContent = text;
  document.getElementById("receipt-token").textContent = manageToken ?? "";
  document.getElementById("receipt").hidden = manageToken === undefined;
}
