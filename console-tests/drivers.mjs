// The two browsers the console is tested in, behind one small interface, so run.mjs writes each step once:
//   chromium: Debian's /usr/bin/chromium driven by Playwright (playwright-core, no browser download);
//   firefox:  Debian's /usr/bin/firefox-esr driven by Puppeteer (puppeteer-core) over WebDriver BiDi, which stock
//             Firefox speaks natively (Playwright drives only its own patched Firefox build).
// Everything a step needs that the two libraries do differently (waiting, typing, picking an option, launching)
// is a method here; everything else goes through what they share (page.$$, $eval, evaluate, screenshot).
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';

const VIEWPORT = { width: 1400, height: 1000 };
const TIMEOUT_MS = 15000;

class Ui {
  constructor(name, browser, page) {
    this.name = name;
    this.browser = browser;
    this.page = page;
    /** Uncaught exceptions and console errors of the page. */
    this.errors = [];
    page.setDefaultTimeout(TIMEOUT_MS);
    page.on('pageerror', (e) => this.errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') this.errors.push(m.text()); });
  }

  goto(url) {
    return this.page.goto(url);
  }

  /** Waits for a visible element matching selector (and holding text, when given). */
  waitFor(selector, text, timeout = TIMEOUT_MS) {
    return this.waitUntil(([s, t]) => [...document.querySelectorAll(s)].some((e) => e.checkVisibility()
      && (t === null || e.textContent.includes(t))), [selector, text ?? null], timeout);
  }

  /** Clicks the first visible element matching selector (and holding text, when given). */
  async click(selector, text) {
    await this.waitFor(selector, text);
    for (const handle of await this.page.$$(selector)) {
      const [visible, content] = await handle.evaluate((e) => [e.checkVisibility(), e.textContent]);
      if (visible && (text === undefined || content.includes(text))) {
        await handle.click();
        return;
      }
    }
    throw new Error(`nothing to click at ${selector}${text === undefined ? '' : ` holding "${text}"`}`);
  }

  text(selector) {
    return this.page.$eval(selector, (e) => e.textContent);
  }

  value(selector) {
    return this.page.$eval(selector, (e) => e.value);
  }

  texts(selector) {
    return this.page.$$eval(selector, (all) => all.map((e) => e.textContent));
  }

  count(selector) {
    return this.page.$$eval(selector, (all) => all.length);
  }

  evaluate(fn, arg) {
    return this.page.evaluate(fn, arg);
  }

  screenshot(path) {
    return this.page.screenshot({ path, fullPage: true });
  }

  close() {
    return this.browser.close();
  }
}

class PlaywrightUi extends Ui {
  waitUntil(predicate, arg, timeout = TIMEOUT_MS) {
    return this.page.waitForFunction(predicate, arg, { timeout });
  }

  fill(selector, value) {
    return this.page.fill(selector, value);
  }

  select(selector, value) {
    return this.page.selectOption(selector, value);
  }
}

class PuppeteerUi extends Ui {
  waitUntil(predicate, arg, timeout = TIMEOUT_MS) {
    return this.page.waitForFunction(predicate, { timeout }, arg);
  }

  fill(selector, value) {
    return this.page.locator(selector).fill(value);
  }

  select(selector, value) {
    return this.page.select(selector, value);
  }
}

export const BROWSERS = {
  async chromium() {
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    return new PlaywrightUi('chromium', browser, await browser.newPage({ viewport: VIEWPORT }));
  },

  async firefox() {
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
      headless: true,
      defaultViewport: VIEWPORT,
    });
    return new PuppeteerUi('firefox', browser, await browser.newPage());
  },
};
