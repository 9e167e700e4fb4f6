/** An HTTP failure carrying the server's own explanation, ready to show as text. */
export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export async function requestJson(url, { method = "GET", body, headers: extraHeaders = {} } = {}) {
  const headers = { Accept: "application/json", ...extraHeaders };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "Could not reach the server. Check your connection and try again.", null);
  }
  const content = (response.headers.get("Content-Type") ?? "").includes("json") ? await response.json() : null;
  if (!response.ok) throw new ApiError(response.status, describeFailure(response, content), content);
  return content;
}

// Validation problems list their reasons under "errors"; other problems use detail or title,
// and the tutorial routes answer with {message}.
function describeFailure(response, content) {
  if (content?.errors) return Object.values(content.errors).flat().join(" ");
  return content?.detail ?? content?.message ?? content?.title ?? `The server answered ${response.status} ${response.statusText}.`;
}

/** Prices travel in minor units; the currency decides how many of them make a major unit. */
export function formatPrice(minor, currency) {
  if (minor === 0) return "Free";
  // Made once per currency: a seat map names thousands of seats with their price, and a formatter is costly to make.
  const format = formats.get(currency) ?? formats.set(currency, new Intl.NumberFormat(undefined, { style: "currency", currency })).get(currency);
  return format.format(minor / 10 ** format.resolvedOptions().maximumFractionDigits);
}

const formats = new Map();
