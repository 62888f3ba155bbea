// SPDX-License-Identifier: Apache-2.0
// The admin API client: every request carries the admin token as a bearer token; every failure becomes an
// ApiError with the API's {error: {code, message, fields}} parts, so pages show the server's own words.

const TOKEN_KEY = 'atsync.adminToken';

// sessionStorage, not localStorage: the token dies with the tab, and a shared machine does not keep it.
export const adminToken = {
  get: () => sessionStorage.getItem(TOKEN_KEY) ?? '',
  set: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(status, code, message, fields = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;  // [{field, message}] on validation errors
  }
}

/**
 * Calls /api/v1{path}; resolves to the parsed JSON answer. A 401 also fires 'atsync:unauthorized' (the shell
 * then asks for the token again), except when `token` is given: that is the sign-in form trying a new one.
 */
export async function api(method, path, body, token = undefined) {
  const trying = token !== undefined;
  token ??= adminToken.get();
  const headers = { Accept: 'application/json', Authorization: `Bearer ${token}` };
  const init = { method, headers, cache: 'no-store', credentials: 'omit' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`/api/v1${path}`, init);
  } catch {
    throw new ApiError(0, 'network', 'atsync did not answer. Is it still running?');
  }
  const text = await response.text();
  let doc = null;
  try {
    doc = text ? JSON.parse(text) : null;
  } catch {
    doc = null;
  }
  if (response.ok) return doc;

  // {error: {code, message, fields}}; older routes answer {error: "code", message}.
  const error = doc?.error;
  const code = typeof error === 'object' && error ? error.code : (error ?? `http_${response.status}`);
  const message = (typeof error === 'object' && error ? error.message : doc?.message) ||
      `atsync answered ${response.status} ${response.statusText}`;
  const fields = (typeof error === 'object' && Array.isArray(error?.fields)) ? error.fields : [];
  if (response.status === 401 && !trying) window.dispatchEvent(new CustomEvent('atsync:unauthorized'));
  throw new ApiError(response.status, code, message, fields);
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body ?? {});
export const put = (path, body) => api('PUT', path, body);
export const remove = (path) => api('DELETE', path);

/** "?a=1&b=x" from the entries whose value is set. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
