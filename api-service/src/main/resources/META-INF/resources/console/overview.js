// Counts by type and status, sent/failed per minute (Chart.js), queue and DLQ depths, each channel's workers and
// their provider circuit breakers; refreshed every 5 s.
import { api, el, table, showError } from './api.js';

const REFRESH_MS = 5000;
let timer = null;
let chart = null;

export async function enter() {
  await refresh();
  timer = setInterval(() => refresh().catch(showError), REFRESH_MS);
}

export function leave() {
  clearInterval(timer);
  timer = null;
}

async function refresh() {
  const stats = await api('/api/stats');
  document.getElementById('refreshed').textContent = `updated ${new Date(stats.at).toLocaleTimeString()}`;

  const statuses = [...new Set(stats.counts.map((c) => c.status))].sort();
  const types = [...new Set(stats.counts.map((c) => c.type))].sort();
  const count = (t, s) => (stats.counts.find((c) => c.type === t && c.status === s) || { count: 0 }).count;
  table(document.getElementById('counts'), ['type', ...statuses, 'total'],
    types.map((t) => el('tr', {}, el('td', {}, t), statuses.map((s) => el('td', { class: `num status-${s}` }, count(t, s))),
      el('td', { class: 'num' }, statuses.reduce((sum, s) => sum + count(t, s), 0)))));

  const depth = (n) => (n === null || n === undefined ? 'n/a' : n);
  table(document.getElementById('queues'), ['channel', 'work queue', 'DLQ'],
    stats.queues.map((q) => el('tr', {}, el('td', {}, q.channel), el('td', { class: 'num' }, depth(q.queued)),
      el('td', { class: `num${q.deadLettered ? ' status-failed' : ''}` }, depth(q.deadLettered)))));

  const ago = (iso) => Math.max(0, Math.round((new Date(stats.at) - new Date(iso)) / 1000));
  table(document.getElementById('workers'), ['channel', 'worker', 'provider circuit', 'consuming', 'last heartbeat'],
    stats.workers.flatMap((w) => [
      ...w.instances.map((i) => el('tr', { class: i.live ? 'live' : 'stale', 'data-channel': w.channel },
        el('td', {}, w.channel),
        el('td', { title: i.instance }, `${i.service} on ${i.host}`),
        el('td', { class: `circuit circuit-${i.providerCircuit}` }, i.providerCircuit.replace('_', '-')),
        el('td', {}, i.consuming ? 'yes' : 'no'),
        el('td', {}, i.live ? `${ago(i.seenAt)} s ago` : `stale, ${ago(i.seenAt)} s ago`))),
      w.live ? null : el('tr', { class: 'no-worker', 'data-channel': w.channel },
        el('td', {}, w.channel), el('td', { colspan: 4, class: 'status-failed' }, 'no live worker')),
    ].filter(Boolean)));

  const labels = stats.perMinute.map((m) => new Date(m.minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
  const sent = stats.perMinute.map((m) => m.sent);
  const failed = stats.perMinute.map((m) => m.failed);
  if (!window.Chart) {
    document.getElementById('rate').replaceWith(el('p', { class: 'error' }, 'Chart.js did not load'));
    return;
  }
  if (!chart) {
    chart = new window.Chart(document.getElementById('rate'), {
      type: 'bar',
      data: { labels, datasets: [
        { label: 'sent', data: sent, backgroundColor: '#2e7d32' },
        { label: 'failed', data: failed, backgroundColor: '#c62828' }] },
      options: { animation: false, maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
    });
  } else {
    chart.data.labels = labels;
    chart.data.datasets[0].data = sent;
    chart.data.datasets[1].data = failed;
    chart.update();
  }
}
