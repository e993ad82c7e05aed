// Clicks through every view of the operator console in headless Chromium and keeps a screenshot of each.
// Usage: node run.mjs <baseUrl> <apiKey> <screenshotDir>
// Expects a running api-service seeded as ConsoleIT does: a failed email with attempts, parked jobs in
// notifications.email.dlq (error classes smtp-550 and smtp-421), and an email template "console-welcome".
// Exit code 0 when every step passed; 1 with the failing step on stderr otherwise.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [baseUrl, apiKey, shots = 'console-screenshots'] = process.argv.slice(2);
if (!baseUrl || !apiKey) {
  console.error('usage: node run.mjs <baseUrl> <apiKey> [screenshotDir]');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
page.setDefaultTimeout(15000);
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });

let step = 'start';
const shot = (name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
/** Clicks and waits for the DLQ summary to report a new replay; returns how many it replayed. */
async function replayBy(selector) {
  const before = await page.textContent('#dlq-summary');
  await page.click(selector);
  await page.waitForFunction((b) => {
    const now = document.getElementById('dlq-summary').textContent;
    return now !== b && now.includes('replayed');
  }, before);
  return Number((await page.textContent('#dlq-summary')).match(/replayed (\d+)/)[1]);
}
function check(condition, what) {
  if (!condition) throw new Error(what);
}

try {
  step = 'login';
  await page.goto(`${baseUrl}/console/`);
  await page.fill('#api-key', 'wrong-key');
  await page.click('#login-form button');
  await page.waitForSelector('#login-error:has-text("not accepted")');
  await page.fill('#api-key', apiKey);
  await page.click('#login-form button');
  await page.waitForSelector('#main:not([hidden])');
  pageErrors.length = 0; // the refused key's 401 is logged by the browser, as it should be

  step = 'overview';
  await page.waitForSelector('#counts tbody tr td.num');
  check(await page.locator('#queues tbody tr').count() === 4, 'queue table has one row per channel');
  check(await page.evaluate(() => typeof window.Chart === 'function'), 'Chart.js loaded from the webjar');
  const stamp = await page.textContent('#refreshed');
  await page.waitForFunction((s) => document.getElementById('refreshed').textContent !== s, stamp, { timeout: 12000 });
  await shot('1-overview');

  step = 'notifications search';
  await page.click('nav a[data-view=notifications]');
  await page.selectOption('#search select[name=status]', 'failed');
  await page.click('#search button');
  await page.waitForSelector('#notification-list:not([aria-busy]) tbody tr.clickable');
  const statuses = await page.locator('#notification-list tbody tr td:nth-child(5)').allTextContents();
  check(statuses.length > 0 && statuses.every((s) => s === 'failed'), `only failed rows listed: ${statuses}`);
  await shot('2-notifications');

  step = 'notification detail';
  await page.click('#notification-list tbody tr.clickable >> nth=0');
  await page.waitForSelector('#notification-detail:not([hidden]) #attempts tbody tr');
  check(await page.locator('#attempts tbody tr').count() >= 1, 'attempt timeline has rows');
  check((await page.textContent('#content-message')).length > 0, 'content shown');
  await shot('3-notification-detail');

  step = 'dlq list';
  await page.click('nav a[data-view=dlq]');
  await page.selectOption('#dlq-channel', 'email');
  await page.waitForSelector('#dlq-list tbody tr input[type=checkbox]');
  const parked = await page.locator('#dlq-list tbody tr input[type=checkbox]').count();
  check(parked >= 3, `at least 3 parked jobs shown, saw ${parked}`);
  await shot('4-dlq');

  step = 'dlq replay one';
  check(await replayBy('#dlq-list button.replay-one >> nth=0') === 1, 'replayed one');
  check(await page.locator('#dlq-list tbody tr input[type=checkbox]').count() === parked - 1, 'one job left the DLQ');

  step = 'dlq replay selection';
  await page.check('#dlq-list tbody tr input[type=checkbox] >> nth=0');
  check(await replayBy('#dlq-replay-selected') === 1, 'replayed the selection');
  check(await page.locator('#dlq-list tbody tr input[type=checkbox]').count() === parked - 2, 'two jobs left the DLQ');

  step = 'dlq replay error class';
  const remaining = await page.locator('#dlq-list tbody tr input[type=checkbox]').count();
  const errorClass = await page.inputValue('#dlq-error-class');
  check(errorClass, 'an error class to pick');
  const ofClass = await page.locator('#dlq-list tbody tr td:nth-child(4)', { hasText: errorClass }).count();
  check(ofClass >= 1, `a row of class ${errorClass}`);
  check(await replayBy('#dlq-replay-class') === ofClass, `replayed every ${errorClass}`);
  check(await page.locator('#dlq-list tbody tr input[type=checkbox]').count() === remaining - ofClass,
    'the error class left the DLQ');
  await shot('5-dlq-replayed');

  step = 'templates';
  await page.click('nav a[data-view=templates]');
  await page.click('#template-list tbody tr:has-text("console-welcome")');
  await page.waitForSelector('#template-preview:has-text("Ada")');
  await page.fill('#template-form textarea[name=variables]', '{"name":"Grace"}');
  await page.waitForSelector('#template-preview:has-text("Grace")');
  const versionsBefore = await page.locator('#template-versions tbody tr').count();
  await page.fill('#template-form textarea[name=body]', 'Hello again {{name}}');
  await page.click('#template-form button[type=submit]');
  await page.waitForSelector('#template-status:has-text("saved version")');
  await page.waitForSelector('#template-preview:has-text("Hello again Grace")');
  check(await page.locator('#template-versions tbody tr').count() === versionsBefore + 1, 'a new version listed');
  await shot('6-templates');

  step = 'no page errors';
  check(pageErrors.length === 0, `errors in the page: ${pageErrors.join(' | ')}`);
  console.log(`console: every view passed; screenshots in ${shots}`);
} catch (e) {
  await shot('failed').catch(() => {});
  console.error(`console test failed at "${step}": ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
