// The staff API, as the console calls it: the session cookie goes along by itself; a change
// carries the session's CSRF token in X-CSRF-Token. A problem answer becomes an ApiError.
let csrfToken = null;

export function setCsrf(token) { csrfToken = token; }

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem && problem.detail ? problem.detail : `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  }
  const response = await fetch(path, {
    method,
    headers,
    body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  const text = await response.text();
  let data = text;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON: keep the text */ }
  if (!response.ok) {
    if (response.status === 401) window.dispatchEvent(new CustomEvent('console:signed-out'));
    throw new ApiError(response.status, data);
  }
  return data;
}
