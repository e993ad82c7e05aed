// Login (API key into sessionStorage), hash routing between the views.
import { api, apiKey, showError } from './api.js';
import * as overview from './overview.js';
import * as notifications from './notifications.js';
import * as dlq from './dlq.js';
import * as templates from './templates.js';
import * as suppressions from './suppressions.js';

const views = { overview, notifications, dlq, templates, suppressions };
let current = null;

async function login(event) {
  event.preventDefault();
  const key = document.getElementById('api-key').value.trim();
  apiKey.set(key);
  try {
    await api('/api/stats');
  } catch (e) {
    apiKey.clear();
    document.getElementById('login-error').textContent = e.status === 401 ? 'That key is not accepted.' : String(e.message);
    return;
  }
  document.getElementById('login-error').textContent = '';
  start();
}

function route() {
  const name = (location.hash || '#overview').slice(1).split('/')[0];
  const view = views[name] || overview;
  if (current && current !== view && current.leave) current.leave();
  current = view;
  showError(null);
  document.querySelectorAll('.view').forEach((s) => { s.hidden = s.id !== `view-${name in views ? name : 'overview'}`; });
  document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('active', a.dataset.view === name));
  view.enter(location.hash.slice(1).split('/').slice(1)).catch(showError);
}

function start() {
  document.getElementById('login').hidden = true;
  document.getElementById('main').hidden = false;
  document.getElementById('logout').hidden = false;
  Object.values(views).forEach((v) => v.init && v.init());
  window.addEventListener('hashchange', route);
  route();
}

document.getElementById('login-form').addEventListener('submit', login);
document.getElementById('logout').addEventListener('click', () => { apiKey.clear(); location.hash = ''; location.reload(); });
if (apiKey.get()) start(); else document.getElementById('login').hidden = false;
