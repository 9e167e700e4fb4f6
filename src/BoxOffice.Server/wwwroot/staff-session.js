// The console's staff session: who is signed in, and the anti-forgery token that every state-changing request of
// the session cookie must carry in X-CSRF-TOKEN (GET /api/staff/session gives it, and a sign-in renews it).
import { requestJson } from "/api.js";

export const session = { email: null, role: null, csrfToken: "" };

export async function readSession() {
  Object.assign(session, await requestJson("/api/staff/session"));
  return session;
}

/** requestJson with the session's anti-forgery token. */
export function staffRequest(url, options = {}) {
  return requestJson(url, { ...options, headers: { ...options.headers, "X-CSRF-TOKEN": session.csrfToken } });
}

export async function signIn(email, password) {
  Object.assign(session, await staffRequest("/api/staff/login", { method: "POST", body: { email, password } }));
  return session;
}

export async function signOut() {
  await staffRequest("/api/staff/logout", { method: "POST" });
}

/**
 * Shows a validation problem's messages next to their fields: errorFor(key) is the element for a field's
 * messages, or null; the messages of fields without one go to fallback. Any other failure goes to fallback whole.
 */
export function showErrors(error, errorFor, fallback) {
  const unplaced = [];
  for (const [key, messages] of Object.entries(error.body?.errors ?? {})) {
    const element = errorFor(key);
    if (element) element.textContent = messages.join(" ");
    else unplaced.push(...messages);
  }
  if (!error.body?.errors) unplaced.push(error.message);
  fallback.textContent = unplaced.join(" ");
}
