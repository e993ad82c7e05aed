// Parked jobs per channel with their reasons; replay one, a selection, or an error class.
import { api, el, table, time, showError } from './api.js';

let letters = [];

export function init() {
  document.getElementById('dlq-channel').addEventListener('change', () => load().catch(showError));
  document.getElementById('dlq-refresh').addEventListener('click', () => load().catch(showError));
  document.getElementById('dlq-replay-selected').addEventListener('click', () => {
    const ids = [...document.querySelectorAll('#dlq-list input[type=checkbox]:checked')].map((c) => c.value);
    if (ids.length) replay({ ids }).catch(showError);
  });
  document.getElementById('dlq-replay-class').addEventListener('click', () => {
    const errorClass = document.getElementById('dlq-error-class').value;
    if (errorClass) replay({ error_class: errorClass }).catch(showError);
  });
}

export async function enter() {
  await load();
}

const channel = () => document.getElementById('dlq-channel').value;

async function load() {
  const listing = await api(`/api/dlq/${channel()}`, { query: { limit: 500 } });
  letters = listing.messages;
  document.getElementById('dlq-summary').textContent = `${listing.queue}: ${listing.depth} parked, ${listing.shown} shown`;
  const classes = [...new Set(letters.map((l) => l.errorClass).filter(Boolean))].sort();
  document.getElementById('dlq-error-class').replaceChildren(...classes.map((c) => el('option', {}, c)));
  table(document.getElementById('dlq-list'), ['', 'notification', 'receiver', 'error class', 'reason', 'kind', 'attempts', 'last attempt', ''],
    letters.map((l) => el('tr', {},
      el('td', {}, l.notificationId ? el('input', { type: 'checkbox', value: l.notificationId }) : ''),
      el('td', {}, l.notificationId ? el('a', { href: `#notifications/${l.notificationId}` }, l.notificationId.slice(0, 8)) : '(unreadable)'),
      el('td', {}, (l.job && l.job.receiver) || ''), el('td', {}, l.errorClass || ''), el('td', {}, l.errorMessage || ''),
      el('td', {}, l.failureKind || ''), el('td', { class: 'num' }, l.attempts ?? ''), el('td', {}, time(l.lastAttemptAt)),
      el('td', {}, l.notificationId ? el('button', { type: 'button', class: 'replay-one', onclick: () => replay({ ids: [l.notificationId] }).catch(showError) }, 'Replay') : ''))));
}

async function replay(selector) {
  const result = await api(`/api/dlq/${channel()}/replay`, { method: 'POST', body: selector });
  await load();
  document.getElementById('dlq-summary').textContent += ` — replayed ${result.replayed} (replay #${result.replayId})`;
}
