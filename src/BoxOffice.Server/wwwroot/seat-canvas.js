const MaxScale = 64;
const DragThresholdPx = 5;
const WheelZoomRate = 0.002;
// From this many pixels per seat the gap between sections has room for their names.
const LabelAboveScale = 8;

/**
 * A large venue drawn on one canvas: every seat a square, zoomed with the wheel, a pinch or the zoom buttons,
 * and panned by dragging. A view change repaints the canvas in one animation frame; a seat that changes is
 * repainted alone. paint(context, seat, x, y, size) draws one seat; onView(view) hears every view change.
 */
export class SeatCanvas {
  #venue;
  #frame;
  #canvas;
  #context;
  #paint;
  #labelOf;
  #onView;
  #width = 0;
  #height = 0;
  #pending = false;
  #pointers = new Map();
  #gesture = null;
  view = { scale: 1, left: 0, top: 0 };
  /** True from a drag or pinch until the click that ends it, so that click chooses nothing. */
  dragged = false;

  constructor(frame, venue, { paint, labelOf, onView }) {
    this.#venue = venue;
    this.#frame = frame;
    this.#paint = paint;
    this.#labelOf = labelOf;
    this.#onView = onView;
    this.#canvas = document.createElement("canvas");
    this.#canvas.className = "seat-canvas-image";
    this.#canvas.setAttribute("aria-hidden", "true");
    this.#context = this.#canvas.getContext("2d");
    frame.prepend(this.#canvas);
    new ResizeObserver(() => this.#resize()).observe(frame);
    this.#resize();
    this.fit(venue.box);
    frame.addEventListener("wheel", wheel => this.#wheel(wheel), { passive: false });
    frame.addEventListener("pointerdown", down => this.#down(down));
    frame.addEventListener("pointermove", move => this.#move(move));
    for (const type of ["pointerup", "pointercancel"]) frame.addEventListener(type, up => this.#up(up));
  }

  get overview() {
    return this.view.scale <= this.#fitScale(this.#venue.box) * 1.01;
  }

  /** Shows a box of world units whole, centred, or as much of it as fits at minScale pixels per seat. */
  fit(box, minScale = 0) {
    const scale = Math.max(minScale, this.#fitScale(box));
    this.#setView(scale, (box.left + box.right) / 2 - this.#width / 2 / scale, (box.top + box.bottom) / 2 - this.#height / 2 / scale);
  }

  /** Zooms to a scale with a point of the world at the centre of the frame. */
  centre(wx, wy, scale) {
    this.#setView(scale, wx - this.#width / 2 / scale, wy - this.#height / 2 / scale);
  }

  /** The world point under a point of the frame. */
  worldAt(px, py) {
    const { scale, left, top } = this.view;
    return { x: left + px / scale, y: top + py / scale };
  }

  /** Zooms by a factor around a point of the frame (its centre by default). */
  zoom(factor, at = { x: this.#width / 2, y: this.#height / 2 }) {
    const { scale, left, top } = this.view;
    const next = Math.min(MaxScale, Math.max(this.#fitScale(this.#venue.box) * 0.9, scale * factor));
    this.#setView(next, left + at.x / scale - at.x / next, top + at.y / scale - at.y / next);
  }

  /** Pans just enough for a seat to be in view, with a seat of margin. */
  reveal(seat) {
    const { scale, left, top } = this.view;
    const x = this.#venue.wx[seat], y = this.#venue.wy[seat];
    const across = this.#width / scale, down = this.#height / scale;
    const newLeft = x - 1 < left ? x - 1 : x + 2 > left + across ? x + 2 - across : left;
    const newTop = y - 1 < top ? y - 1 : y + 2 > top + down ? y + 2 - down : top;
    if (newLeft !== left || newTop !== top) this.#setView(scale, newLeft, newTop);
  }

  /** The seat under a point of the frame, or -1. */
  seatAt(px, py) {
    const { scale, left, top } = this.view;
    const wx = left + px / scale, wy = top + py / scale;
    const venue = this.#venue;
    const section = this.sectionAt(px, py);
    if (section < 0) return -1;
    for (const rowIndex of venue.sections[section].rows) {
      const row = venue.rows[rowIndex];
      if (Math.floor(wy) !== venue.wy[row.first]) continue;
      for (let seat = row.first; seat < row.end; seat++) {
        if (Math.floor(wx) === venue.wx[seat]) return seat;
      }
    }
    return -1;
  }

  /** The section whose box holds a point of the frame, or -1. */
  sectionAt(px, py) {
    const { scale, left, top } = this.view;
    const wx = left + px / scale, wy = top + py / scale;
    return this.#venue.sections.findIndex(({ box }) => wx >= box.left && wx < box.right && wy >= box.top && wy < box.bottom);
  }

  /** Repaints one seat where it is, without touching the rest. */
  repaint(seat) {
    if (this.#pending) return;
    const { scale, left, top } = this.view;
    const x = (this.#venue.wx[seat] - left) * scale, y = (this.#venue.wy[seat] - top) * scale;
    if (x < -scale || y < -scale || x > this.#width || y > this.#height) return;
    const context = this.#context;
    context.save();
    context.scale(devicePixelRatio, devicePixelRatio);
    context.clearRect(x - 1, y - 1, scale + 1, scale + 1);
    this.#paint(context, seat, x, y, scale);
    context.restore();
  }

  /** Repaints everything at the next animation frame, once however often it is asked. */
  redraw() {
    if (this.#pending) return;
    this.#pending = true;
    requestAnimationFrame(() => {
      this.#pending = false;
      this.#drawAll();
    });
  }

  #drawAll() {
    const context = this.#context;
    const venue = this.#venue;
    const { scale, left, top } = this.view;
    context.setTransform(devicePixelRatio, 0, 0, devicePixelRatio, 0, 0);
    context.clearRect(0, 0, this.#width, this.#height);
    const right = left + this.#width / scale, bottom = top + this.#height / scale;
    venue.sections.forEach(({ box, rows }) => {
      if (box.right < left || box.left > right || box.bottom < top || box.top > bottom) return;
      for (const rowIndex of rows) {
        const row = venue.rows[rowIndex];
        const y = venue.wy[row.first];
        if (y + 1 < top || y > bottom) continue;
        for (let seat = row.first; seat < row.end; seat++) {
          this.#paint(context, seat, (venue.wx[seat] - left) * scale, (y - top) * scale, scale);
        }
      }
    });
    // Section names sit above their sections once there is room between them, and on them until then.
    context.font = "600 13px system-ui, sans-serif";
    context.textAlign = "center";
    context.textBaseline = "middle";
    venue.sections.forEach(({ box }, index) => {
      const text = this.#labelOf(index);
      const width = context.measureText(text).width;
      const x = ((box.left + box.right) / 2 - left) * scale;
      const y = scale >= LabelAboveScale ? (box.top - top) * scale - 10 : ((box.top + box.bottom) / 2 - top) * scale;
      context.fillStyle = "rgb(255 255 255 / 85%)";
      context.fillRect(x - width / 2 - 4, y - 10, width + 8, 20);
      context.fillStyle = "#1c2230";
      context.fillText(text, x, y);
    });
  }

  #fitScale(box) {
    const margin = 2;
    return Math.min(MaxScale, this.#width / (box.right - box.left + margin * 2), this.#height / (box.bottom - box.top + margin * 2));
  }

  #setView(scale, left, top) {
    this.view = { scale, left, top };
    this.redraw();
    this.#onView(this.view);
  }

  #resize() {
    const width = this.#frame.clientWidth, height = this.#frame.clientHeight;
    if (width === this.#width && height === this.#height) return;
    const first = this.#width === 0;
    this.#width = width;
    this.#height = height;
    this.#canvas.width = Math.round(width * devicePixelRatio);
    this.#canvas.height = Math.round(height * devicePixelRatio);
    this.#canvas.style.width = `${width}px`;
    this.#canvas.style.height = `${height}px`;
    if (first) this.fit(this.#venue.box);
    else this.redraw();
  }

  #wheel(wheel) {
    wheel.preventDefault();
    const frame = this.#frame.getBoundingClientRect();
    this.zoom(Math.exp(-wheel.deltaY * WheelZoomRate), { x: wheel.clientX - frame.left, y: wheel.clientY - frame.top });
  }

  // One pointer pans; two pinch, zooming around their midpoint by the change in their distance.
  #down(down) {
    this.#pointers.set(down.pointerId, { x: down.clientX, y: down.clientY });
    this.#gesture = { start: { x: down.clientX, y: down.clientY }, view: this.view, pinch: this.#pinch() };
    this.dragged = false;
  }

  #move(move) {
    if (!this.#pointers.has(move.pointerId) || !this.#gesture) return;
    this.#pointers.set(move.pointerId, { x: move.clientX, y: move.clientY });
    const { start, view, pinch } = this.#gesture;
    if (pinch && this.#pointers.size === 2) {
      const now = this.#pinch();
      const frame = this.#frame.getBoundingClientRect();
      this.view = view;
      this.zoom(now.distance / pinch.distance, { x: now.x - frame.left, y: now.y - frame.top });
      this.dragged = true;
      return;
    }
    const dx = move.clientX - start.x, dy = move.clientY - start.y;
    if (!this.dragged && Math.hypot(dx, dy) < DragThresholdPx) return;
    if (!this.dragged) this.#frame.setPointerCapture(move.pointerId);
    this.dragged = true;
    this.#setView(view.scale, view.left - dx / view.scale, view.top - dy / view.scale);
  }

  #up(up) {
    this.#pointers.delete(up.pointerId);
    this.#gesture = this.#pointers.size > 0 ? { start: [...this.#pointers.values()][0], view: this.view, pinch: null } : null;
  }

  #pinch() {
    if (this.#pointers.size !== 2) return null;
    const [a, b] = [...this.#pointers.values()];
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, distance: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)) };
  }
}
