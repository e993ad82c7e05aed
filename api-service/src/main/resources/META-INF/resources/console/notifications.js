// Search (status, type, receiver, user, time) and one notification's content and attempt timeline.
import { api, el, table, time } from './api.js';

let latestSearch = 0;

export function init() {
  document.getElementById('search').addEventListener('submit', (event) => {
    event.preventDefault();
    if (location.hash !== '#notifications') location.hash = '#notifications';
    else search().catch((e) => { document.getElementById('error').textContent = e.message; });
  });
}

export async function enter([id]) {
  const detail = document.getElementById('notification-detail');
  if (id) {
    await show(id);
  } else {
    detail.hidden = true;
    await search();
  }
}

function isoOrEmpty(local) {
  return local ? new Date(local).toISOString() : '';
}

async function search() {
  const form = new FormData(document.getElementById('search'));
  const query = Object.fromEntries(form.entries());
  query.since = isoOrEmpty(query.since);
  query.until = isoOrEmpty(query.until);
  query.limit = 100;
  const mine = ++latestSearch;
  const list = document.getElementById('notification-list');
  list.setAttribute('aria-busy', 'true');
  let rows;
  try {
    rows = await api('/api/notifications', { query });
  } finally {
    if (mine === latestSearch) list.removeAttribute('aria-busy');
  }
  if (mine !== latestSearch) return; // a newer search is on its way; never let an older answer overwrite it
  table(list, ['created', 'type', 'receiver', 'user', 'status', 'retries', 'subject / message'],
    rows.map((n) => el('tr', { class: 'clickable', 'data-id': n.id, onclick: () => { location.hash = `#notifications/${n.id}`; } },
      el('td', {}, time(n.createdAt)), el('td', {}, n.type), el('td', {}, n.receiver || ''), el('td', {}, n.userId || ''),
      el('td', { class: `status-${n.status}` }, n.status), el('td', { class: 'num' }, n.retries),
      el('td', {}, n.subject || n.title || n.message || ''))));
}

async function show(id) {
  const n = await api(`/api/notifications/${encodeURIComponent(id)}`);
  const detail = document.getElementById('notification-detail');
  const field = (label, value) => (value === null || value === undefined || value === '' ? null
    : el('div', { class: 'field' }, el('dt', {}, label), el('dd', {}, typeof value === 'object' ? JSON.stringify(value) : value)));
  let previous = new Date(n.createdAt);
  const attempts = (n.attempts || []).map((a) => {
    const at = new Date(a.attemptedAt);
    const delay = Math.max(0, Math.round((at - previous) / 100) / 10);
    previous = at;
    return el('tr', { class: `outcome-${a.outcome}` }, el('td', { class: 'num' }, a.attempt), el('td', {}, a.outcome),
      el('td', {}, [a.errorClass, a.error].filter(Boolean).join(': ')), el('td', { class: 'num' }, `${a.durationMs} ms`),
      el('td', { class: 'num' }, `+${delay} s`), el('td', {}, time(a.attemptedAt)));
  });
  const timeline = el('table', { class: 'list', id: 'attempts' });
  table(timeline, ['#', 'outcome', 'error', 'duration', 'delay', 'time'], attempts);
  detail.replaceChildren(
    el('a', { href: '#notifications' }, '← back to the list'),
    el('h3', {}, `${n.type} to ${n.receiver || n.userId || ''} — `, el('span', { class: `status-${n.status}` }, n.status)),
    el('dl', {}, field('id', n.id), field('receiver', n.receiver), field('user', n.userId), field('created', time(n.createdAt)),
      field('sent', time(n.sentAt)), field('retries', n.retries), field('last error', n.lastError), field('skip reason', n.skipReason),
      field('provider id', n.providerMessageId), field('correlation id', n.correlationId),
      field('template', n.templateCode && `${n.templateCode} v${n.templateVersion}`)),
    el('h3', {}, 'Content'),
    el('div', { class: 'content' }, field('subject', n.subject), field('title', n.title),
      el('pre', { id: 'content-message' }, n.message || ''), field('data', n.data)),
    el('h3', {}, 'Attempts'),
    timeline);
  detail.hidden = false;
  detail.scrollIntoView();
}
