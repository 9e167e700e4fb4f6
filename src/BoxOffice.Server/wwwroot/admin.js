// The organiser's console, /admin: sign-in (or the first admin, made with the admin token), then what the role
// allows. Admins run events and staff; box-office staff see events and sales; door staff are sent to /door.
// Everyone manages their own API tokens.
import { requestJson } from "/api.js";
import { EventsConsole } from "/console-events.js";
import { readSession, session, showErrors, signIn, signOut } from "/staff-session.js";
import { showAccounts, showTokens } from "/staff-accounts.js";

const Views = ["signin-view", "door-view", "events-view", "event-view", "form-view", "staff-view", "tokens-view"];

/** Shows one of the console's views and hides the others. */
function showView(id) {
  for (const view of Views) document.getElementById(view).hidden = view !== id;
}

start().catch(error => {
  const pageError = document.getElementById("page-error");
  pageError.textContent = error.message;
  pageError.hidden = false;
});

async function start() {
  await readSession();
  document.getElementById("signin-form").addEventListener("submit", submitSignIn);
  document.getElementById("firstrun-form").addEventListener("submit", submitFirstRun);
  if (session.email) enter();
  else showView("signin-view");
}

async function submitSignIn(submit) {
  submit.preventDefault();
  const error = document.getElementById("signin-error");
  error.textContent = "";
  try {
    await signIn(document.getElementById("signin-email").value.trim(), document.getElementById("signin-password").value);
  } catch (failure) {
    error.textContent = failure.message;
    return;
  }
  enter();
}

// The admin token goes only into this one request; the console then runs on the new account's session.
async function submitFirstRun(submit) {
  submit.preventDefault();
  const fields = ["email", "password"];
  for (const field of fields) document.getElementById(`firstrun-${field}-error`).textContent = "";
  const error = document.getElementById("firstrun-error");
  const email = document.getElementById("firstrun-email").value.trim();
  const password = document.getElementById("firstrun-password").value;
  try {
    await requestJson("/api/staff/accounts", {
      method: "POST",
      body: { email, password, role: "admin" },
      headers: { Authorization: `Bearer ${document.getElementById("firstrun-token").value.trim()}` },
    });
    await signIn(email, password);
  } catch (failure) {
    if (failure.status === 401) failure.message = "The admin token is wrong.";
    showErrors(failure, key => fields.includes(key) ? document.getElementById(`firstrun-${key}-error`) : null, error);
    return;
  }
  enter();
}

function enter() {
  const nav = document.getElementById("console-nav");
  nav.hidden = false;
  document.getElementById("signed-in-as").textContent = `${session.email} (${session.role})`;
  document.getElementById("sign-out").addEventListener("click", async () => {
    await signOut().catch(() => {});
    location.reload();
  });
  document.getElementById("nav-tokens").addEventListener("click", () => {
    showView("tokens-view");
    showTokens();
  });
  if (session.role === "door") {
    showView("door-view");
    return;
  }
  const events = new EventsConsole({ canEdit: session.role === "admin", showView });
  const navEvents = document.getElementById("nav-events");
  navEvents.hidden = false;
  navEvents.addEventListener("click", () => events.showList());
  if (session.role === "admin") {
    const navStaff = document.getElementById("nav-staff");
    navStaff.hidden = false;
    navStaff.addEventListener("click", () => {
      showView("staff-view");
      showAccounts();
    });
  }
  events.showList();
}
