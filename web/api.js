// SPDX-License-Identifier: Apache-2.0
// The server's REST API. Same origin, so the HttpOnly cookie set when the page
// was opened from the printed URL authenticates every call; no token in JS.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const listeners = new Set();
// Called with the ApiError when the server refuses us (401/403), so the app
// can say how to get back in instead of showing empty views.
export function onAuthError(fn) {
  listeners.add(fn);
}

export async function get(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, String(v));
  }
  const url = q.toString() ? `${path}?${q}` : path;
  const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = await res.text();
      message = (JSON.parse(body).error) || body || message;
    } catch { /* plain-text error body */ }
    const err = new ApiError(res.status, message);
    if (res.status === 401 || res.status === 403) listeners.forEach((fn) => fn(err));
    throw err;
  }
  return res.json();
}

export const api = {
  stats: () => get('/api/stats'),
  sessions: () => get('/api/sessions'),
  events: (params) => get('/api/events', params),
  event: (seq) => get(`/api/events/${seq}`),
  llmCalls: (params) => get('/api/llm_calls', params),
  processTree: () => get('/api/process_tree'),
  timeline: (params) => get('/api/timeline', params),
};
