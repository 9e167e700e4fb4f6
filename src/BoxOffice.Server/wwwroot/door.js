// The door page, /door: door staff pick an event and a gate, then scan tickets with the camera or type their
// codes. Each scan goes to POST /api/checkin. Without a network the page checks the code's signature itself,
// with the event's public key and revocation list fetched while it was online, keeps the scans, and uploads
// them (POST /api/checkin/batch) when the server answers again: the earliest scan of a ticket is the one that counts.
import { requestJson } from "/api.js";

const CountsPollMs = 5000;
const ScanEveryMs = 400;
const SameCodeQuietMs = 3000;
const TokenKey = "door.token";

const results = {
  admitted: { title: "Admitted", ok: true },
  already_admitted: { title: "Already admitted", ok: false },
  refused: { title: "Refused", ok: false },
  wrong_event: { title: "Wrong event", ok: false },
};

const tokenInput = document.getElementById("door-token");
const eventSelect = document.getElementById("door-event");
const gateInput = document.getElementById("door-gate");
const video = document.getElementById("camera");
let camera = null;
let lastCode = { code: "", at: 0 };
let offline = null;

tokenInput.value = sessionStorage.getItem(TokenKey) ?? "";
tokenInput.addEventListener("change", () => {
  sessionStorage.setItem(TokenKey, tokenInput.value.trim());
  prepareEvent();
});
eventSelect.addEventListener("change", prepareEvent);
document.getElementById("door-manual").addEventListener("submit", event => {
  event.preventDefault();
  const input = document.getElementById("door-code");
  const code = input.value.trim();
  input.value = "";
  if (code) checkIn(code);
});
document.getElementById("camera-start").addEventListener("click", startCamera);
document.getElementById("camera-stop").addEventListener("click", stopCamera);
addEventListener("online", uploadPending);

await listEvents();
setInterval(refreshCounts, CountsPollMs);
setInterval(uploadPending, CountsPollMs);

function staffHeaders() {
  return { Authorization: `Bearer ${tokenInput.value.trim()}` };
}

async function listEvents() {
  let events;
  try {
    events = await requestJson("/api/events");
  } catch (error) {
    showPageError(error.message);
    return;
  }
  eventSelect.replaceChildren(...events.map(event => {
    const option = document.createElement("option");
    option.value = event.id;
    option.textContent = event.title;
    return option;
  }));
  const wanted = new URLSearchParams(location.search).get("event");
  if (wanted && events.some(event => event.id === wanted)) eventSelect.value = wanted;
  await prepareEvent();
}

// Fetches what scanning offline needs (the public key and the tickets no longer valid) and keeps it, so a
// door that loses the network later, or starts without one, can go on.
async function prepareEvent() {
  const eventId = eventSelect.value;
  if (!eventId) return;
  const stored = JSON.parse(localStorage.getItem(offlineKey(eventId)) ?? "null");
  try {
    const key = await requestJson(`/api/events/${encodeURIComponent(eventId)}/checkin-key`);
    const revoked = tokenInput.value.trim()
      ? await requestJson(`/api/events/${encodeURIComponent(eventId)}/checkin/revoked`, { headers: staffHeaders() })
      : null;
    offline = {
      publicKey: key.publicKey,
      revoked: revoked?.ticketIds ?? stored?.revoked ?? [],
      asOf: revoked?.asOf ?? stored?.asOf ?? null,
      admitted: stored?.admitted ?? {},
    };
    localStorage.setItem(offlineKey(eventId), JSON.stringify(offline));
  } catch {
    offline = stored;
  }
  document.getElementById("door-offline").textContent = offline?.asOf
    ? `Ready to scan offline (ticket list of ${new Date(offline.asOf).toLocaleTimeString()}).`
    : offline ? "Ready to check signatures offline; the list of revoked tickets needs the staff token." : "";
  refreshCounts();
}

async function checkIn(code) {
  const eventId = eventSelect.value;
  const gate = gateInput.value.trim();
  let answer;
  try {
    answer = await requestJson("/api/checkin", { method: "POST", body: { eventId, code, gate }, headers: staffHeaders() });
  } catch (error) {
    if (error.status !== 0) {
      showResult({ result: "refused", reason: error.message });
      return;
    }
    answer = await checkInOffline(eventId, code, gate);
  }
  showResult(answer);
  refreshCounts();
}

// The same rules as the server's, on what the door knows: the signature, the event, the revocation list, and
// the scans made here. Another gate's scans are unknown until the upload, where the earliest scan wins.
async function checkInOffline(eventId, code, gate) {
  const ticket = offline?.publicKey ? await verify(code, offline.publicKey) : undefined;
  if (ticket === undefined) return { result: "refused", reason: "No connection, and this door has no key to check tickets offline." };
  if (!ticket) return { result: "refused", reason: "This is not a valid ticket code: it is forged, altered or mistyped." };
  if (ticket.eventId !== eventId) return { result: "wrong_event", seat: ticket.seat, reason: `This ticket is for event '${ticket.eventId}'.` };
  if (offline.revoked.includes(ticket.ticketId)) return { result: "refused", seat: ticket.seat, reason: "This ticket is no longer valid." };
  const earlier = offline.admitted[ticket.ticketId];
  if (earlier) return { result: "already_admitted", seat: ticket.seat, gate: earlier.gate, admittedAt: earlier.at, reason: "Scanned offline." };
  const at = new Date().toISOString();
  offline.admitted[ticket.ticketId] = { gate, at };
  localStorage.setItem(offlineKey(eventId), JSON.stringify(offline));
  const pending = readPending();
  pending.push({ eventId, code, gate, scannedAt: at });
  localStorage.setItem("door.pending", JSON.stringify(pending));
  return { result: "admitted", seat: ticket.seat, gate, admittedAt: at, reason: "Offline: uploaded when the connection is back." };
}

async function uploadPending() {
  const pending = readPending();
  if (pending.length === 0) return;
  const eventId = pending[0].eventId;
  const batch = pending.filter(scan => scan.eventId === eventId).slice(0, 500);
  try {
    await requestJson("/api/checkin/batch", {
      method: "POST",
      body: { eventId, scans: batch.map(({ code, gate, scannedAt }) => ({ code, gate, scannedAt })) },
      headers: staffHeaders(),
    });
  } catch {
    return;
  }
  localStorage.setItem("door.pending", JSON.stringify(readPending().filter(scan => !batch.some(sent => sameScan(sent, scan)))));
  refreshCounts();
}

async function refreshCounts() {
  const eventId = eventSelect.value;
  const waiting = readPending().length;
  document.getElementById("counts-pending").textContent = waiting ? `${waiting} offline scans waiting to upload.` : "";
  if (!eventId || !tokenInput.value.trim()) return;
  let counts;
  try {
    counts = await requestJson(`/api/events/${encodeURIComponent(eventId)}/checkin/counts`, { headers: staffHeaders() });
  } catch {
    return;
  }
  if (counts.eventId !== eventSelect.value) return;
  document.getElementById("counts-total").textContent = `${counts.admitted} admitted`;
  document.getElementById("counts-gates").replaceChildren(...counts.gates.map(gate => {
    const item = document.createElement("li");
    item.textContent = `${gate.gate}: ${gate.admitted}`;
    return item;
  }));
}

function showResult(answer) {
  const shown = results[answer.result] ?? results.refused;
  const section = document.getElementById("door-result");
  section.dataset.ok = String(shown.ok);
  document.getElementById("result-title").textContent = shown.title;
  document.getElementById("result-seat").textContent = answer.seat ? `Seat ${answer.seat}` : "";
  document.getElementById("result-name").textContent = answer.name ?? "";
  const details = [];
  if (answer.result === "already_admitted" && answer.admittedAt) {
    details.push(`First admitted at ${new Date(answer.admittedAt).toLocaleTimeString()} at gate ${answer.gate}.`);
  }
  if (answer.reason) details.push(answer.reason);
  document.getElementById("result-detail").textContent = details.join(" ");
  section.hidden = false;
}

async function startCamera() {
  try {
    camera = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  } catch (error) {
    showResult({ result: "refused", reason: `The camera could not start: ${error.message}` });
    return;
  }
  video.srcObject = camera;
  video.hidden = false;
  await video.play();
  document.getElementById("camera-start").hidden = true;
  document.getElementById("camera-stop").hidden = false;
  const detector = "BarcodeDetector" in window ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
  scanLoop(detector);
}

function stopCamera() {
  camera?.getTracks().forEach(track => track.stop());
  camera = null;
  video.hidden = true;
  document.getElementById("camera-start").hidden = false;
  document.getElementById("camera-stop").hidden = true;
}

async function scanLoop(detector) {
  while (camera) {
    const code = await readFrame(detector).catch(() => null);
    const now = Date.now();
    // A code held in front of the camera is read many times a second: it counts once until it leaves.
    if (code && (code !== lastCode.code || now - lastCode.at > SameCodeQuietMs)) await checkIn(code);
    if (code) lastCode = { code, at: now };
    await new Promise(resolve => setTimeout(resolve, ScanEveryMs));
  }
}

// The browser's own detector where it has one; otherwise the server reads the frame, sent as grey levels.
async function readFrame(detector) {
  if (!video.videoWidth) return null;
  if (detector) return (await detector.detect(video))[0]?.rawValue ?? null;
  const scale = Math.min(1, 1024 / Math.max(video.videoWidth, video.videoHeight));
  const width = Math.round(video.videoWidth * scale);
  const height = Math.round(video.videoHeight * scale);
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(video, 0, 0, width, height);
  const rgba = context.getImageData(0, 0, width, height).data;
  const grey = new Uint8Array(width * height);
  for (let i = 0; i < grey.length; i++) grey[i] = (rgba[4 * i] * 77 + rgba[4 * i + 1] * 150 + rgba[4 * i + 2] * 29) >> 8;
  const response = await fetch(`/api/checkin/decode?width=${width}&height=${height}`, {
    method: "POST",
    headers: { ...staffHeaders(), "Content-Type": "application/octet-stream" },
    body: grey,
  });
  return response.ok ? (await response.json()).code : null;
}

// A code is Base32 of the payload and a 64-byte P1363 signature, which WebCrypto's ECDSA verifies as it is.
// Undefined when this browser cannot check signatures (WebCrypto needs HTTPS or localhost); null when the code is bad.
async function verify(code, publicKey) {
  if (!crypto.subtle) return undefined;
  const bytes = fromBase32(code);
  if (!bytes || bytes.length <= 64) return null;
  const key = await crypto.subtle.importKey("spki", Uint8Array.from(atob(publicKey), c => c.charCodeAt(0)),
    { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
  const payload = bytes.slice(0, -64);
  if (!await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, bytes.slice(-64), payload)) return null;
  return parse(payload);
}

// Version 1: 0x01, event id (length, UTF-8), 8 bytes of ticket id, seat (length, UTF-8), serial (16 bits).
function parse(payload) {
  const text = new TextDecoder();
  if (payload[0] !== 1) return null;
  let at = 1;
  const eventId = text.decode(payload.slice(at + 1, at + 1 + payload[at]));
  at += 1 + payload[at];
  const ticketId = [...payload.slice(at, at + 8)].map(b => b.toString(16).padStart(2, "0")).join("");
  at += 8;
  const seat = text.decode(payload.slice(at + 1, at + 1 + payload[at]));
  return { eventId, ticketId, seat };
}

function fromBase32(code) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bytes = [];
  let buffer = 0;
  let bits = 0;
  for (const c of code.toUpperCase()) {
    const value = alphabet.indexOf(c);
    if (value < 0) return null;
    buffer = ((buffer << 5) | value) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return new Uint8Array(bytes);
}

function readPending() {
  return JSON.parse(localStorage.getItem("door.pending") ?? "[]");
}

function sameScan(a, b) {
  return a.code === b.code && a.scannedAt === b.scannedAt && a.gate === b.gate;
}

function offlineKey(eventId) {
  return `door.offline.${eventId}`;
}

function showPageError(message) {
  const pageError = document.getElementById("page-error");
  pageError.textContent = message;
  pageError.hidden = false;
}
