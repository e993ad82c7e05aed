// Suppressed addresses per channel (newest first) with why, who said so and since when; add one, lift one.
import { api, el, table, time, showError } from './api.js';

const FIELDS = ['channel', 'address', 'reason'];
let latestLoad = 0;

export function init() {
  document.getElementById('suppression-form').addEventListener('submit', (event) => {
    event.preventDefault();
    add().catch(showError);
  });
  document.getElementById('suppression-channel').addEventListener('change', () => load().catch(showError));
  document.getElementById('suppression-refresh').addEventListener('click', () => load().catch(showError));
}

export async function enter() {
  await load();
}

async function load() {
  const mine = ++latestLoad;
  const list = document.getElementById('suppression-list');
  list.setAttribute('aria-busy', 'true');
  let entries;
  try {
    entries = await api('/api/suppressions', { query: { channel: document.getElementById('suppression-channel').value, limit: 500 } });
  } finally {
    if (mine === latestLoad) list.removeAttribute('aria-busy');
  }
  if (mine !== latestLoad) return; // a newer listing (another filter, an add or a removal) is on its way
  table(list, ['channel', 'address', 'reason', 'source', 'since', ''],
    entries.map((s) => el('tr', { 'data-channel': s.channel, 'data-address': s.address },
      el('td', {}, s.channel), el('td', {}, s.address), el('td', {}, s.reason),
      el('td', {}, s.source,
        s.notification_id ? [' (', el('a', { href: `#notifications/${s.notification_id}` }, s.notification_id.slice(0, 8)), ')'] : ''),
      el('td', {}, time(s.created_at)),
      el('td', {}, el('button', { type: 'button', class: 'remove', onclick: () => remove(s).catch(showError) }, 'Remove')))));
}

/** Shows each of the server's field problems under its input; one of no input of the form goes to the status line. */
function fieldErrors(fields = {}) {
  const form = document.getElementById('suppression-form');
  for (const f of FIELDS) form.querySelector(`[data-field=${f}]`).textContent = fields[f] || '';
  return Object.entries(fields).filter(([f]) => !FIELDS.includes(f)).map(([f, problem]) => `${f}: ${problem}`).join('; ');
}

async function add() {
  const form = document.getElementById('suppression-form');
  const status = document.getElementById('suppression-status');
  const body = {};
  for (const f of FIELDS) if (form.elements[f].value !== '') body[f] = form.elements[f].value;
  fieldErrors();
  status.textContent = '';
  let added;
  try {
    added = await api('/api/suppressions', { method: 'POST', body });
  } catch (e) {
    if (e.status === 400 && e.body && e.body.fields) {
      status.textContent = fieldErrors(e.body.fields) || 'not suppressed: see the fields marked';
    } else if (e.status === 409) status.textContent = e.message;
    else throw e;
    return;
  }
  form.elements.address.value = '';
  form.elements.reason.value = '';
  status.textContent = `suppressed ${added.channel} address ${added.address}`;
  await load();
}

async function remove(s) {
  const status = document.getElementById('suppression-status');
  try {
    await api(`/api/suppressions/${encodeURIComponent(s.channel)}/${encodeURIComponent(s.address)}`, { method: 'DELETE' });
    status.textContent = `removed ${s.channel} address ${s.address}`;
  } catch (e) {
    if (e.status !== 404) throw e;
    status.textContent = `${s.channel} address ${s.address} was not suppressed any more`; // lifted elsewhere meanwhile
  }
  await load();
}
