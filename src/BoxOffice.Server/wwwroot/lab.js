// Runs the race lab from the browser: one lab event per strategy, every buyer released at once.
// Browsers open only a few connections per server, so the rush here is gentler than the load tool's.

const form = document.getElementById("lab-form");
const status = document.getElementById("lab-status");
const table = document.getElementById("lab-results");
const rows = document.getElementById("lab-rows");
const tokenInput = document.getElementById("lab-token");
tokenInput.value = sessionStorage.getItem("boxoffice-admin-token") ?? "";

const modes = ["naive", "occ", "lock", "desk"];

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const token = tokenInput.value.trim();
  sessionStorage.setItem("boxoffice-admin-token", token);
  const seats = Number(document.getElementById("lab-seats").value);
  const buyers = Number(document.getElementById("lab-buyers").value);
  form.querySelector("button").disabled = true;
  rows.replaceChildren();
  table.hidden = false;
  try {
    for (const mode of modes) {
      status.textContent = `Running ${mode}…`;
      rows.append(row(mode, await rush(mode, seats, buyers, token)));
    }
    status.textContent = "Done.";
  } catch (error) {
    status.textContent = error.message;
  } finally {
    form.querySelector("button").disabled = false;
  }
});

async function rush(mode, seats, buyers, token) {
  const admin = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  const created = await fetch("/api/lab/events", { method: "POST", headers: admin, body: JSON.stringify({ seats }) });
  if (!created.ok) throw new Error(created.status === 401 ? "The admin token was refused." : `Creating the lab event failed (${created.status}).`);
  const { eventId } = await created.json();

  const latencies = [];
  let toldSuccess = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: buyers }, async (_, index) => {
    const sent = performance.now();
    const response = await fetch(`/api/events/${encodeURIComponent(eventId)}/bookings`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ count: 1, names: [`Buyer ${index}`], mode }),
    });
    if (response.status === 201) toldSuccess++;
    latencies.push(performance.now() - sent);
  }));
  const wall = performance.now() - started;

  const result = await verdict(mode, eventId, admin, toldSuccess);
  latencies.sort((a, b) => a - b);
  return { ...result, turnedAway: buyers - toldSuccess, wall, p99: latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)] };
}

// The lab strategies are judged by the lab's tables; the desk by the audit of the real ones.
async function verdict(mode, eventId, headers, toldSuccess) {
  if (mode !== "desk") return (await fetch(`/api/lab/events/${encodeURIComponent(eventId)}`, { headers })).json();
  const audit = await (await fetch(`/api/events/${encodeURIComponent(eventId)}/audit`, { headers })).json();
  const doubles = audit.anomalies.filter((anomaly) => anomaly.kind === "double_claim").length;
  const booked = audit.counts.booked;
  return { toldSuccess, seatsClaimed: booked, lostUpdates: Math.max(0, toldSuccess - booked), doubleBookedSeats: doubles, unsoldSeats: audit.counts.available };
}

function row(mode, result) {
  const tr = document.createElement("tr");
  const cells = [
    [mode, false],
    [result.toldSuccess, false],
    [result.seatsClaimed, false],
    [result.lostUpdates, result.lostUpdates > 0],
    [result.doubleBookedSeats, result.doubleBookedSeats > 0],
    // Unsold seats are a failure only when buyers were turned away while they were free.
    [result.unsoldSeats, result.unsoldSeats > 0 && result.turnedAway > 0],
    [`${Math.round(result.wall)} ms`, false],
    [`${Math.round(result.p99)} ms`, false],
  ];
  for (const [value, anomaly] of cells) {
    const cell = document.createElement(tr.children.length === 0 ? "th" : "td");
    if (tr.children.length === 0) cell.scope = "row";
    cell.textContent = String(value);
    if (anomaly) cell.classList.add("anomaly");
    tr.append(cell);
  }
  return tr;
}
