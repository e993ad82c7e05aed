// Template list, edit (each save is a new version), live preview of the text being edited (not saved) with sample
// variables, versions.
import { api, el, table, time, showError } from './api.js';

const FIELDS = ['code', 'channel', 'locale', 'subject', 'title', 'body', 'html'];
const PREVIEW_DELAY_MS = 300;
let previewTimer = null;
let previewSeq = 0;

export function init() {
  const form = document.getElementById('template-form');
  form.addEventListener('submit', (event) => { event.preventDefault(); save().catch(showError); });
  // Any edit (text, channel, variables) re-renders the draft once typing pauses.
  form.addEventListener('input', () => { clearTimeout(previewTimer); previewTimer = setTimeout(preview, PREVIEW_DELAY_MS); });
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
    previewSeq++; // a preview still in flight belongs to the template left behind
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

/** Renders the form's unsaved text (POST /api/templates/preview); only the newest answer is shown. */
async function preview() {
  clearTimeout(previewTimer);
  const seq = ++previewSeq;
  const out = document.getElementById('template-preview');
  let variables;
  try {
    variables = JSON.parse(document.getElementById('template-form').elements.variables.value || '{}');
  } catch (e) {
    out.textContent = `variables: ${e.message}`;
    return;
  }
  let text;
  try {
    const p = await api('/api/templates/preview', { method: 'POST', body: { ...current(), variables } });
    text = ['subject', 'title', 'body', 'html'].filter((k) => p[k]).map((k) => `${k}: ${p[k]}`).join('\n');
  } catch (e) {
    text = e.message;
  }
  if (seq === previewSeq) out.textContent = text;
}

async function versions(code) {
  const all = await api(`/api/templates/${encodeURIComponent(code)}/versions`);
  table(document.getElementById('template-versions'), ['version', 'channel', 'locale', 'saved', 'body'],
    all.map((t) => el('tr', {}, el('td', { class: 'num' }, t.version), el('td', {}, t.channel), el('td', {}, t.locale || ''),
      el('td', {}, time(t.created_at)), el('td', {}, t.body || ''))));
}
