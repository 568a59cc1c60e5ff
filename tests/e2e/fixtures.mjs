// Test fixtures shared by every spec:
//   lab      a LabPage (page object) for the test's page, served under /docs/lab/
//   monitor  (automatic) collects, for the whole browser context of each test,
//            uncaught page errors, console errors and every request URL; after each test
//            it asserts there were no page errors, no console errors and no request that
//            left the origin (http://127.0.0.1:E2E_PORT). A test that expects some console
//            error allows it first: monitor.allowConsoleError(/status of 500/).
import { test as base, expect } from '@playwright/test';
import { LabPage } from './lab.page.mjs';

export { expect };

// Schemes that never leave the browser.
const LOCAL_SCHEMES = ['data:', 'blob:', 'about:'];

export class Monitor {
  constructor(origin) {
    this.origin = origin;
    this.pageErrors = [];
    this.consoleErrors = [];
    this.requests = [];
    this.allowed = [];
    this.origins = [origin];
  }

  /** Lets requests to `origin` pass too (for tests that embed the app cross-origin). */
  allowOrigin(origin) {
    this.origins.push(origin);
  }

  /** Lets console errors matching `pattern` pass (for tests that provoke them). */
  allowConsoleError(pattern) {
    this.allowed.push(pattern);
  }

  watchPage(page) {
    page.on('pageerror', (err) => this.pageErrors.push(`${page.url()}: ${err.stack || err.message}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const where = msg.location()?.url || '';
      // Chromium asks for /favicon.ico on its own; the test server answers 404 outside the app.
      if (/Failed to load resource/.test(msg.text()) && where.endsWith('/favicon.ico')) return;
      this.consoleErrors.push({ text: msg.text(), url: where });
    });
  }

  /** Requests whose origin is not the test server's (data:, blob:, about: are local). */
  foreignRequests() {
    return this.requests.filter(
      (url) => !LOCAL_SCHEMES.some((s) => url.startsWith(s)) && !this.origins.includes(new URL(url).origin),
    );
  }

  unexpectedConsoleErrors() {
    return this.consoleErrors
      .filter((e) => !this.allowed.some((p) => p.test(e.text)))
      .map((e) => `${e.text}${e.url ? ` (${e.url})` : ''}`);
  }

  /** One assertion, so a failure shows all three lists at once. */
  expectClean() {
    expect(
      {
        pageErrors: this.pageErrors,
        consoleErrors: this.unexpectedConsoleErrors(),
        requestsOutsideOrigin: this.foreignRequests(),
      },
      `no page errors, no console errors, no request outside ${this.origin}`,
    ).toEqual({ pageErrors: [], consoleErrors: [], requestsOutsideOrigin: [] });
  }
}

export const test = base.extend({
  monitor: [
    async ({ context, baseURL }, use) => {
      const monitor = new Monitor(new URL(baseURL).origin);
      context.on('request', (req) => monitor.requests.push(req.url()));
      for (const page of context.pages()) monitor.watchPage(page);
      context.on('page', (page) => monitor.watchPage(page));
      await use(monitor);
      // Runs after each test (this is the per-test "afterEach" check of every spec).
      monitor.expectClean();
    },
    { auto: true },
  ],

  lab: async ({ page }, use) => {
    await use(new LabPage(page));
  },
});
