// Imported by every page: what the whole site must say, read from GET /api/site. In test mode a banner
// under the header says that no real money moves, so nobody mistakes the fake gateway for a real one.
import { requestJson } from "/api.js";

const site = await requestJson("/api/site").catch(() => null);
if (site?.testMode) {
  const banner = document.createElement("p");
  banner.className = "test-mode";
  banner.setAttribute("role", "note");
  banner.textContent = "Test mode: payments go to a built-in fake gateway, and no real money moves.";
  document.querySelector(".site-header").after(banner);
}
