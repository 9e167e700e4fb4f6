const FirstRetryMs = 500;
const LongestRetryMs = 15000;

/**
 * Follows a live WebSocket such as /api/events/{id}/live: a snapshot, then deltas in version order. A gap
 * in the versions, or a close by either side (the server says why in the close reason), ends in a
 * reconnect, and the fresh snapshot re-syncs the map. decode turns another protocol's messages into
 * these (the tutorial's /ws sends only whole seat lists).
 */
export class LiveFeed {
  #url;
  #decode;
  #onSnapshot;
  #onChanges;
  #onState;
  #socket = null;
  #version = null;
  #failures = 0;
  #stopped = false;

  constructor(path, { onSnapshot, onChanges, onState }, decode = message => message) {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    this.#url = `${scheme}//${location.host}${path}`;
    this.#decode = decode;
    this.#onSnapshot = onSnapshot;
    this.#onChanges = onChanges;
    this.#onState = onState;
  }

  start() {
    this.#onState("connecting");
    this.#connect();
  }

  /** Closes the socket for good: a page that stops showing the event stops following it. */
  stop() {
    this.#stopped = true;
    this.#socket?.close();
  }

  #connect() {
    this.#socket = new WebSocket(this.#url);
    this.#socket.addEventListener("message", message => this.#receive(this.#decode(JSON.parse(message.data))));
    this.#socket.addEventListener("close", () => this.#reconnectLater());
  }

  #receive(message) {
    if (message.type === "snapshot") {
      this.#version = message.version;
      this.#failures = 0;
      this.#onSnapshot(message.seats);
      this.#onState("live");
    } else if (message.type === "delta") {
      // Applying a delta on top of another version would leave seats wrong without anyone noticing.
      if (message.fromVersion !== this.#version) {
        this.#socket.close();
        return;
      }
      this.#version = message.toVersion;
      this.#onChanges(message.changes);
    }
  }

  #reconnectLater() {
    if (this.#stopped) return;
    this.#onState("reconnecting");
    // The server closes sockets that sit idle; a page nobody is looking at reconnects only when it is
    // looked at again, and its fresh snapshot then re-syncs the map.
    if (document.hidden) {
      document.addEventListener("visibilitychange", () => this.#reconnectLater(), { once: true });
      return;
    }
    // Jittered exponential backoff, so a restarted server is not met by every page at the same instant.
    const ceiling = Math.min(LongestRetryMs, FirstRetryMs * 2 ** this.#failures);
    this.#failures++;
    setTimeout(() => this.#connect(), ceiling / 2 + Math.random() * ceiling / 2);
  }
}
