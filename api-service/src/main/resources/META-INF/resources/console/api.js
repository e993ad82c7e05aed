// Calls the platform's /api endpoints with the operator's key (kept in this tab's sessionStorage only).
const KEY = 'notiflow.apiKey';

export const apiKey = {
  get: () => sessionStorage.getItem(KEY),
  set: (key) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, body) {
    const fields = body && body.fields ? ' — ' + Object.entries(body.fields).map(([k, v]) => `${k}: ${v}`).join('; ') : '';
    super(`${status} ${(body && (body.detail || body.error)) || ''}${fields}`.trim());
    this.status = status;
    this.body = body;
  }
}

export async function api(path, { method = 'GET', body, query } = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
  }
  const headers = { 'X-API-Key': apiKey.get() || '' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = { error: text }; }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

/** Builds an element; children are nodes or strings (always text, never parsed as HTML). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v === true) node.setAttribute(k, '');
    else if (v !== false && v !== null && v !== undefined) node.setAttribute(k, v);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function table(target, headings, rows) {
  target.replaceChildren(
    el('thead', {}, el('tr', {}, headings.map((h) => el('th', {}, h)))),
    el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: headings.length, class: 'empty' }, 'nothing here'))));
}

export function time(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

export function showError(e) {
  document.getElementById('error').textContent = e ? String(e.message || e) : '';
}
