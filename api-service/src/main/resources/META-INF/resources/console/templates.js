// Template list, edit (each save is a new version), preview of the saved version with sample variables, versions.
import { api, el, table, time, showError } from './api.js';

const FIELDS = ['code', 'channel', 'locale', 'subject', 'title', 'body', 'html'];
let previewTimer = null;

export function init() {
  const form = document.getElementById('template-form');
  form.addEventListener('submit', (event) => { event.preventDefault(); save().catch(showError); });
  form.elements.variables.addEventListener('input', () => { clearTimeout(previewTimer); previewTimer = setTimeout(preview, 300); });
  document.getElementById('template-new').addEventListener('click', () => edit({ channel: 'email' }));
}

export async function enter() {
  await list();
}

async function list() {
  const templates = await api('/api/templates');
  table(document.getElementById('template-list'), ['code', 'channel', 'locale', 'version', 'saved'],
    templates.map((t) => el('tr', { class: 'clickable', onclick: () => edit(t).catch(showError) },
      el('td', {}, t.code), el('td', {}, t.channel), el('td', {}, t.locale || ''), el('td', { class: 'num' }, t.version),
      el('td', {}, time(t.created_at)))));
}

async function edit(t) {
  const form = document.getElementById('template-form');
  for (const f of FIELDS) form.elements[f].value = t[f] || '';
  if (!t.channel) form.elements.channel.value = 'email';
  document.getElementById('template-title').textContent = t.code ? `${t.code} (${t.channel}) v${t.version}` : 'New template';
  document.getElementById('template-status').textContent = '';
  if (t.code) {
    await Promise.all([preview(), versions(t.code)]);
  } else {
    document.getElementById('template-preview').textContent = '';
    document.getElementById('template-versions').replaceChildren();
  }
}

function current() {
  const form = document.getElementById('template-form');
  const body = {};
  for (const f of FIELDS) if (form.elements[f].value !== '') body[f] = form.elements[f].value;
  return body;
}

async function save() {
  const body = current();
  const saved = await api('/api/templates', { method: 'POST', body });
  document.getElementById('template-status').textContent = `saved version ${saved.version}`;
  document.getElementById('template-title').textContent = `${saved.code} (${saved.channel}) v${saved.version}`;
  await Promise.all([list(), preview(), versions(body.code)]);
}

async function preview() {
  const out = document.getElementById('template-preview');
  const { code, channel, locale } = current();
  if (!code) return;
  let variables;
  try {
    variables = JSON.parse(document.getElementById('template-form').elements.variables.value || '{}');
  } catch (e) {
    out.textContent = `variables: ${e.message}`;
    return;
  }
  try {
    const p = await api(`/api/templates/${encodeURIComponent(code)}/preview`, { method: 'POST', body: { channel, locale, variables } });
    out.textContent = ['subject', 'title', 'body', 'html'].filter((k) => p[k]).map((k) => `${k}: ${p[k]}`).join('\n');
  } catch (e) {
    out.textContent = e.message;
  }
}

async function versions(code) {
  const all = await api(`/api/templates/${encodeURIComponent(code)}/versions`);
  table(document.getElementById('template-versions'), ['version', 'channel', 'locale', 'saved', 'body'],
    all.map((t) => el('tr', {}, el('td', { class: 'num' }, t.version), el('td', {}, t.channel), el('td', {}, t.locale || ''),
      el('td', {}, time(t.created_at)), el('td', {}, t.body || ''))));
}
