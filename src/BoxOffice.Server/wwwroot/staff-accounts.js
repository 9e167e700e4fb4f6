// Staff accounts (admins: list, create, change a role or a password) and the signed-in user's own API tokens
// (create, shown once; revoke).
import { session, showErrors, staffRequest } from "/staff-session.js";

const Roles = ["admin", "boxoffice", "door"];

const element = id => document.getElementById(id);

element("account-form").addEventListener("submit", async submit => {
  submit.preventDefault();
  const error = element("account-error");
  const body = { email: element("account-email").value.trim(), password: element("account-password").value, role: element("account-role").value };
  try {
    await staffRequest("/api/staff/accounts", { method: "POST", body });
  } catch (failure) {
    showErrors(failure, () => null, error);
    return;
  }
  error.textContent = "";
  element("account-form").reset();
  await showAccounts();
});

element("token-form").addEventListener("submit", async submit => {
  submit.preventDefault();
  const error = element("token-error");
  let created;
  try {
    created = await staffRequest("/api/staff/tokens", { method: "POST", body: { name: element("token-name").value.trim(), role: element("token-role").value } });
  } catch (failure) {
    showErrors(failure, () => null, error);
    return;
  }
  error.textContent = "";
  element("token-form").reset();
  element("token-value").textContent = created.token;
  element("token-created").hidden = false;
  await listTokens();
});

export async function showAccounts() {
  const error = element("accounts-error");
  error.textContent = "";
  const accounts = await staffRequest("/api/staff/accounts");
  element("accounts").replaceChildren(...accounts.map(account => {
    const row = document.createElement("tr");
    const email = document.createElement("th");
    email.scope = "row";
    email.textContent = account.email;

    const role = document.createElement("select");
    role.setAttribute("aria-label", `Role of ${account.email}`);
    role.append(...Roles.map(name => new Option(name, name, false, name === account.role)));
    role.addEventListener("change", () => update(account.email, { role: role.value }, `${account.email} is now ${role.value}.`));

    const password = document.createElement("input");
    password.type = "password";
    password.autocomplete = "new-password";
    password.setAttribute("aria-label", `New password for ${account.email}`);
    const setPassword = document.createElement("button");
    setPassword.type = "button";
    setPassword.className = "secondary";
    setPassword.textContent = "Set";
    setPassword.setAttribute("aria-label", `Set the password of ${account.email}`);
    setPassword.addEventListener("click", async () => {
      if (await update(account.email, { password: password.value }, `${account.email} has a new password.`)) password.value = "";
    });

    const since = document.createElement("td");
    since.textContent = new Date(account.createdAt).toLocaleDateString() + (account.locked ? " · locked" : "");
    row.append(email, cell(role), cell(password, setPassword), since);
    return row;
  }));
}

/** Changes an account; the answer, done or refused, is said under the table. */
async function update(email, body, done) {
  const error = element("accounts-error");
  try {
    await staffRequest(`/api/staff/accounts/${encodeURIComponent(email)}`, { method: "PATCH", body });
  } catch (failure) {
    showErrors(failure, () => null, error);
    return false;
  }
  error.textContent = done;
  return true;
}

export async function showTokens() {
  element("token-created").hidden = true;
  // A token has its owner's role or less; only an admin hands out other roles.
  const roles = session.role === "admin" ? Roles : [session.role];
  element("token-role").replaceChildren(...roles.map(name => new Option(name, name, false, name === session.role)));
  await listTokens();
}

async function listTokens() {
  const tokens = await staffRequest("/api/staff/tokens");
  element("tokens").replaceChildren(...tokens.map(token => {
    const item = document.createElement("li");
    const text = document.createElement("span");
    text.textContent = `${token.name} (${token.role}), made ${new Date(token.createdAt).toLocaleDateString()}`;
    item.append(text);
    if (token.revokedAt) {
      text.textContent += ", revoked";
    } else {
      const revoke = document.createElement("button");
      revoke.type = "button";
      revoke.className = "secondary";
      revoke.textContent = "Revoke";
      revoke.setAttribute("aria-label", `Revoke ${token.name}`);
      revoke.addEventListener("click", async () => {
        await staffRequest(`/api/staff/tokens/${encodeURIComponent(token.id)}`, { method: "DELETE" });
        await listTokens();
      });
      item.append(" ", revoke);
    }
    return item;
  }));
}

function cell(...children) {
  const td = document.createElement("td");
  td.append(...children);
  return td;
}
