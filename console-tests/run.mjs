// Clicks through every view of the operator console in one headless browser and keeps a screenshot of each.
// Usage: node run.mjs <baseUrl> <apiKey> <screenshotDir> [chromium|firefox]   (default chromium; see drivers.mjs)
// Expects a running api-service seeded as ConsoleIT does: a failed email with attempts, at least 3 parked jobs in
// notifications.email.dlq (error classes smtp-550 and smtp-421), an email template "console-welcome", an sms
// suppression of +14155550100, no e-mail suppressions, and one inapp-gateway running (so the overview lists one live
// in-app worker and none for the other channels).
// Exit code 0 when every step passed; 1 with the failing step on stderr otherwise.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BROWSERS } from './drivers.mjs';

const [baseUrl, apiKey, shots = 'console-screenshots', browserName = 'chromium'] = process.argv.slice(2);
if (!baseUrl || !apiKey || !BROWSERS[browserName]) {
  console.error(`usage: node run.mjs <baseUrl> <apiKey> [screenshotDir] [${Object.keys(BROWSERS).join('|')}]`);
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

const ui = await BROWSERS[browserName]();
let step = 'start';
const shot = (name) => ui.screenshot(join(shots, `${name}.png`));
/** Clicks and waits for the DLQ summary to report a new replay; returns how many it replayed. */
async function replayBy(selector) {
  const before = await ui.text('#dlq-summary');
  await ui.click(selector);
  await ui.waitUntil((b) => {
    const now = document.getElementById('dlq-summary').textContent;
    return now !== b && now.includes('replayed');
  }, before);
  return Number((await ui.text('#dlq-summary')).match(/replayed (\d+)/)[1]);
}
function check(condition, what) {
  if (!condition) throw new Error(what);
}
const parkedRows = '#dlq-list tbody tr input[type=checkbox]';
/** The suppressions of one address as the REST API lists them, past the page. */
async function suppressionsOf(channel, address) {
  const url = new URL('/api/suppressions', baseUrl);
  url.search = new URLSearchParams({ channel, address });
  const response = await fetch(url, { headers: { 'X-API-Key': apiKey } });
  check(response.status === 200, `GET ${url.pathname}${url.search} answered ${response.status}`);
  return response.json();
}
/** Waits until the suppression list shows no listing in flight and its rows' (channel, address) are those of want. */
async function suppressionsListed(want) {
  try {
    await ui.waitUntil((w) => {
      const list = document.getElementById('suppression-list');
      const rows = [...list.querySelectorAll('tbody tr[data-address]')].map((tr) => `${tr.dataset.channel} ${tr.dataset.address}`);
      return !list.hasAttribute('aria-busy') && rows.join('|') === w.join('|');
    }, want);
  } catch (e) {
    const rows = await ui.evaluate(() => [...document.querySelectorAll('#suppression-list tbody tr[data-address]')]
      .map((tr) => `${tr.dataset.channel} ${tr.dataset.address}`));
    throw new Error(`suppressions listed [${rows.join(', ')}], not [${want.join(', ')}] (${e.message.split('\n')[0]})`);
  }
}

try {
  step = 'login';
  await ui.goto(`${baseUrl}/console/`);
  await ui.fill('#api-key', 'wrong-key');
  await ui.click('#login-form button');
  await ui.waitFor('#login-error', 'not accepted');
  await ui.fill('#api-key', apiKey);
  await ui.click('#login-form button');
  await ui.waitFor('#main');
  ui.errors.length = 0; // the refused key's 401 is logged by the browser, as it should be

  step = 'overview';
  await ui.waitFor('#counts tbody tr td.num');
  check(await ui.count('#queues tbody tr') === 4, 'queue table has one row per channel');
  check(await ui.evaluate(() => typeof window.Chart === 'function'), 'Chart.js loaded from the webjar');
  const stamp = await ui.text('#refreshed');
  await ui.waitUntil((s) => document.getElementById('refreshed').textContent !== s, stamp, 12000);

  step = 'overview workers';
  await ui.waitFor('#workers tbody tr.live[data-channel=inapp]', 'inapp-gateway');
  const gateway = await ui.texts('#workers tbody tr.live[data-channel=inapp] td');
  check(gateway[2] === 'closed' && gateway[3] === 'yes', `the gateway's circuit closed and consuming: ${gateway}`);
  for (const channel of ['email', 'sms', 'push']) {
    check((await ui.text(`#workers tbody tr.no-worker[data-channel=${channel}]`)).includes('no live worker'),
      `${channel} shown without a live worker`);
  }
  check(await ui.count('#workers tbody tr.no-worker[data-channel=inapp]') === 0, 'inapp has a live worker');
  await shot('1-overview');

  step = 'notifications search';
  await ui.click('nav a[data-view=notifications]');
  await ui.select('#search select[name=status]', 'failed');
  await ui.click('#search button');
  await ui.waitFor('#notification-list:not([aria-busy]) tbody tr.clickable');
  const statuses = await ui.texts('#notification-list tbody tr td:nth-child(5)');
  check(statuses.length > 0 && statuses.every((s) => s === 'failed'), `only failed rows listed: ${statuses}`);
  await shot('2-notifications');

  step = 'notification detail';
  await ui.click('#notification-list tbody tr.clickable');
  await ui.waitFor('#notification-detail #attempts tbody tr');
  check(await ui.count('#attempts tbody tr') >= 1, 'attempt table has rows');
  const events = await ui.texts('#timeline tbody tr td:nth-child(2)');
  check(events[0] === 'accepted' && events.includes('retry-scheduled') && events.at(-1) === 'dead-lettered',
    `timeline from accepted through the retries to dead-lettered: ${events}`);
  check((await ui.text('#timeline tbody tr[data-event=retry-scheduled] td:nth-child(3)')).includes('retry 1 of 3'),
    'a retry says which of how many');
  check((await ui.text('#notification-reason')).startsWith('failed after 3 attempts: smtp-550'),
    `the reason says why: ${await ui.text('#notification-reason')}`);
  check((await ui.text('#content-message')).length > 0, 'content shown');
  await shot('3-notification-detail');

  step = 'dlq list';
  await ui.click('nav a[data-view=dlq]');
  await ui.select('#dlq-channel', 'email');
  await ui.waitFor(parkedRows);
  const parked = await ui.count(parkedRows);
  check(parked >= 3, `at least 3 parked jobs shown, saw ${parked}`);
  await shot('4-dlq');

  step = 'dlq replay one';
  check(await replayBy('#dlq-list button.replay-one') === 1, 'replayed one');
  check(await ui.count(parkedRows) === parked - 1, 'one job left the DLQ');

  step = 'dlq replay selection';
  await ui.click(parkedRows);
  check(await replayBy('#dlq-replay-selected') === 1, 'replayed the selection');
  check(await ui.count(parkedRows) === parked - 2, 'two jobs left the DLQ');

  step = 'dlq replay error class';
  const remaining = await ui.count(parkedRows);
  const errorClass = await ui.value('#dlq-error-class');
  check(errorClass, 'an error class to pick');
  const ofClass = (await ui.texts('#dlq-list tbody tr td:nth-child(4)')).filter((t) => t.includes(errorClass)).length;
  check(ofClass >= 1, `a row of class ${errorClass}`);
  check(await replayBy('#dlq-replay-class') === ofClass, `replayed every ${errorClass}`);
  check(await ui.count(parkedRows) === remaining - ofClass, 'the error class left the DLQ');
  await shot('5-dlq-replayed');

  step = 'templates';
  await ui.click('nav a[data-view=templates]');
  await ui.click('#template-list tbody tr', 'console-welcome');
  await ui.waitFor('#template-preview', 'Ada');
  await ui.fill('#template-form textarea[name=variables]', '{"name":"Grace"}');
  await ui.waitFor('#template-preview', 'Grace');
  const versionsBefore = await ui.count('#template-versions tbody tr');

  step = 'template draft preview';
  await ui.fill('#template-form textarea[name=body]', 'Hello again {{name}}');
  await ui.waitFor('#template-preview', 'body: Hello again Grace');
  const errorsBefore = ui.errors.length;
  await ui.fill('#template-form textarea[name=body]', 'Hello {{name}}, order {{order}}');
  await ui.waitFor('#template-preview', 'variables.order');
  await ui.fill('#template-form textarea[name=body]', 'Hello {{#name}} never closed');
  await ui.waitFor('#template-preview', 'not a valid template');
  await shot('6-template-draft-error');
  // Chromium logs the refused drafts' 400s as failed resource loads, as it should; nothing else may be logged.
  ui.errors.splice(errorsBefore, Infinity, ...ui.errors.slice(errorsBefore).filter((e) => !/status of 400/.test(e)));
  await ui.fill('#template-form textarea[name=body]', 'Hello again {{name}}');
  await ui.waitFor('#template-preview', 'body: Hello again Grace');
  check(await ui.count('#template-versions tbody tr') === versionsBefore, 'previewing drafts saved nothing');

  step = 'template save';
  await ui.click('#template-form button[type=submit]');
  await ui.waitFor('#template-status', 'saved version');
  await ui.waitUntil((n) => document.querySelectorAll('#template-versions tbody tr').length === n, versionsBefore + 1);
  check((await ui.text('#template-preview')).includes('body: Hello again Grace'), 'the saved text previewed');
  await shot('7-templates');

  step = 'suppressions list';
  const seeded = 'sms +14155550100';
  const address = `console-${browserName}@example.com`;
  const ours = `email ${address}`;
  const row = `#suppression-list tbody tr[data-address="${address}"]`;
  await ui.click('nav a[data-view=suppressions]');
  await suppressionsListed([seeded]);
  const seededCells = await ui.texts('#suppression-list tbody tr td');
  check(seededCells.slice(0, 4).join('|') === 'sms|+14155550100|console seed|operator',
    `the seeded entry's channel, address, reason and source: ${seededCells}`);
  check((await suppressionsOf('email', address)).length === 0, `${address} not suppressed before the test`);

  step = 'suppression field errors';
  const errorsBeforeAdd = ui.errors.length;
  await ui.select('#suppression-form select[name=channel]', 'email');
  await ui.fill('#suppression-form input[name=address]', 'not-an-address');
  await ui.fill('#suppression-form input[name=reason]', 'asked to stop');
  await ui.click('#suppression-form button[type=submit]');
  await ui.waitUntil(() => document.querySelector('#suppression-form [data-field=address]').textContent !== '');
  check(await ui.text('#suppression-form [data-field=reason]') === '', 'only the address is marked');
  await shot('8-suppression-field-error');
  // The refused address's 400 is logged by Chromium as a failed resource load, as it should be.
  ui.errors.splice(errorsBeforeAdd, Infinity, ...ui.errors.slice(errorsBeforeAdd).filter((e) => !/status of 400/.test(e)));

  step = 'suppression add';
  await ui.fill('#suppression-form input[name=address]', address);
  await ui.click('#suppression-form button[type=submit]');
  await suppressionsListed([ours, seeded]);
  check(await ui.text('#suppression-form [data-field=address]') === '', 'the address error is gone');
  check((await ui.text('#suppression-status')).includes(`suppressed email address ${address}`), 'the status says what was added');
  const cells = await ui.texts(`${row} td`);
  check(cells.slice(0, 4).join('|') === `email|${address}|asked to stop|operator` && cells[4] !== '',
    `the new row's channel, address, reason, source and since: ${cells}`);
  const stored = await suppressionsOf('email', address);
  check(stored.length === 1 && stored[0].source === 'operator' && stored[0].reason === 'asked to stop'
    && !('notification_id' in stored[0]), `the API lists the operator's entry: ${JSON.stringify(stored)}`);

  step = 'suppression channel filter';
  await ui.select('#suppression-channel', 'sms');
  await suppressionsListed([seeded]);
  await ui.select('#suppression-channel', 'email');
  await suppressionsListed([ours]);
  await ui.select('#suppression-channel', '');
  await suppressionsListed([ours, seeded]);
  await shot('9-suppressions');

  step = 'suppression remove';
  await ui.click(`${row} button.remove`);
  await suppressionsListed([seeded]);
  check((await ui.text('#suppression-status')).includes(`removed email address ${address}`), 'the status says what was removed');
  const left = await suppressionsOf('email', address);
  check(left.length === 0, `the API lists ${address} no more: ${JSON.stringify(left)}`);

  step = 'no page errors';
  check(ui.errors.length === 0, `errors in the page: ${ui.errors.join(' | ')}`);
  console.log(`console (${browserName}): every view passed; screenshots in ${shots}`);
} catch (e) {
  await shot('failed').catch(() => {});
  console.error(`console test (${browserName}) failed at "${step}": ${e.message}`);
  process.exitCode = 1;
} finally {
  await ui.close();
}
