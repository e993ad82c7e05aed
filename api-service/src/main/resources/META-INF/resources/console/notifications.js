// Search (status, type, receiver, user, time) and one notification's content, timeline and attempts.
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
  const attemptTable = el('table', { class: 'list', id: 'attempts' });
  table(attemptTable, ['#', 'outcome', 'error', 'duration', 'delay', 'time'], attempts);
  const events = el('table', { class: 'list', id: 'timeline' });
  table(events, ['time', 'event', 'details'], (n.events || []).map((e) => el('tr', { 'data-event': e.type },
    el('td', {}, time(e.at)), el('td', {}, e.type), el('td', {}, describe(e)))));
  detail.replaceChildren(
    el('a', { href: '#notifications' }, '← back to the list'),
    el('h3', {}, `${n.type} to ${n.receiver || n.userId || ''} — `, el('span', { class: `status-${n.status}` }, n.status)),
    el('p', { id: 'notification-reason' }, n.reason || ''),
    el('dl', {}, field('id', n.id), field('receiver', n.receiver), field('user', n.userId), field('created', time(n.createdAt)),
      field('sent', time(n.sentAt)), field('retries', n.retries), field('last error', n.lastError), field('skip reason', n.skipReason),
      field('provider id', n.providerMessageId), field('correlation id', n.correlationId),
      field('template', n.templateCode && `${n.templateCode} v${n.templateVersion}`)),
    el('h3', {}, 'Content'),
    el('div', { class: 'content' }, field('subject', n.subject), field('title', n.title),
      el('pre', { id: 'content-message' }, n.message || ''), field('data', n.data)),
    el('h3', {}, 'Timeline'),
    events,
    el('h3', {}, 'Attempts'),
    attemptTable);
  detail.hidden = false;
  detail.scrollIntoView();
}

/** One timeline event's details in a line: what its type carries, in words. */
function describe(e) {
  const parts = [];
  if (e.attempt !== undefined) parts.push(`attempt ${e.attempt}: ${e.outcome}`);
  else if (e.outcome) parts.push(e.outcome);
  if (e.errorClass) parts.push([e.errorClass, e.error].filter(Boolean).join(': '));
  if (e.durationMs !== undefined) parts.push(`${e.durationMs} ms`);
  if (e.retry !== undefined) parts.push(`retry ${e.retry}${e.maxRetries ? ` of ${e.maxRetries}` : ''}`);
  if (e.retryAt) parts.push(`due ${time(e.retryAt)}`);
  if (e.queue) parts.push(`${e.queue} (${e.failureKind})`);
  if (e.replayId !== undefined) parts.push(`replay ${e.replayId}`);
  if (e.providerMessageId) parts.push(`provider id ${e.providerMessageId}`);
  if (e.worker) parts.push(`by ${e.worker}`);
  if (e.apiKey) parts.push(`key ${e.apiKey}`);
  if (e.correlationId) parts.push(`correlation ${e.correlationId}`);
  if (e.reason) parts.push(e.reason);
  return parts.join(' · ');
}
