// Starts a race-lab run on the server and follows it over server-sent events: the server plays every
// buyer, so the page sends two requests however large the rush.

const form = document.getElementById("lab-form");
const status = document.getElementById("lab-status");
const table = document.getElementById("lab-results");
const rows = document.getElementById("lab-rows");
const tokenInput = document.getElementById("lab-token");
tokenInput.value = sessionStorage.getItem("boxoffice-admin-token") ?? "";

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const token = tokenInput.value.trim();
  sessionStorage.setItem("boxoffice-admin-token", token);
  const seats = Number(document.getElementById("lab-seats").value);
  const buyers = Number(document.getElementById("lab-buyers").value);
  form.querySelector("button").disabled = true;
  rows.replaceChildren();
  try {
    const headers = { Authorization: `Bearer ${token}` };
    const started = await fetch("/api/lab/runs", {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify({ seats, buyers }),
    });
    if (!started.ok) throw new Error(await refusal(started));
    const run = await started.json();
    show(run);
    await follow(run.id, headers);
  } catch (error) {
    status.textContent = error.message;
  } finally {
    form.querySelector("button").disabled = false;
  }
});

async function refusal(response) {
  if (response.status === 401) return "The admin token was refused.";
  const problem = await response.json().catch(() => null);
  const details = problem?.errors ? Object.values(problem.errors).flat().join(" ") : problem?.detail;
  return details || `The run could not start (${response.status}).`;
}

// EventSource cannot send the admin token, so the stream is read with fetch.
async function follow(id, headers) {
  const response = await fetch(`/api/lab/runs/${encodeURIComponent(id)}/progress`, { headers });
  if (!response.ok || !response.body) throw new Error(`Following the run failed (${response.status}).`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const data = buffer.slice(0, end).split("\n").filter((line) => line.startsWith("data:")).map((line) => line.slice(5).trim()).join("\n");
      buffer = buffer.slice(end + 2);
      if (data) show(JSON.parse(data));
    }
  }
}

function show(run) {
  status.textContent = run.status === "running"
    ? `Running ${run.running ?? "…"}: ${run.buyers} buyers for ${run.seats} seats.`
    : run.status === "done" ? "Done." : `The run failed: ${run.error}`;
  table.hidden = run.results.length === 0;
  rows.replaceChildren(...run.results.map(row));
}

function row(result) {
  const tr = document.createElement("tr");
  const cells = [
    [result.strategy, false],
    [result.toldSuccess, false],
    [result.seatsClaimed, false],
    [result.lostUpdates, result.lostUpdates > 0],
    [result.doubleBookedSeats, result.doubleBookedSeats > 0],
    // Unsold seats are a failure only when buyers were turned away while they were free.
    [result.unsoldSeats, result.unsoldSeats > 0 && result.refused > 0],
    [result.refused, false],
    [result.auditAnomalies, result.auditAnomalies > 0],
    [`${result.wallMs} ms`, false],
    [`${result.p99Ms} ms`, false],
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
