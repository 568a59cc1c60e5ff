// Page object for the Event Loop Lab: every locator by test id (`data-testid`) lives here.
import { expect } from '@playwright/test';
import { observe, measure } from './observers.mjs';

export const PLAIN_BASE = '/docs/lab/';
export const CSP_BASE = '/csp/lab/'; // same build, served with a strict Content-Security-Policy

export class LabPage {
  /**
   * @param {import('@playwright/test').Page} page
   * @param {{ base?: string }} [options] base: sub-path the app is served under
   */
  constructor(page, { base = PLAIN_BASE } = {}) {
    this.page = page;
    this.base = base;

    this.runButton = page.getByTestId('run');
    this.cancelButton = page.getByTestId('cancel');
    this.docsInput = page.getByTestId('docs');
    this.latencyInput = page.getByTestId('latency');
    this.sizeInput = page.getByTestId('size');
    this.fetchConcurrent = page.getByTestId('fetch-concurrent');
    this.fetchSequential = page.getByTestId('fetch-sequential');
    this.parseWorker = page.getByTestId('parse-worker');
    this.parseBlocking = page.getByTestId('parse-blocking');
    this.parseSliced = page.getByTestId('parse-sliced');
    this.total = page.getByTestId('total');
    this.status = page.getByTestId('status');
    this.docRows = page.getByTestId('doc-row');
    this.notices = page.getByTestId('notice');
    this.simulatorError = page.getByTestId('simulator-error');
  }

  /** The doc-row whose data-doc-id is `id`. */
  docRow(id) {
    return this.docRows.and(this.page.locator(`[data-doc-id="${id}"]`));
  }

  /** The error text inside the doc-row of `id`. */
  docError(id) {
    return this.docRow(id).getByTestId('doc-error');
  }

  /** Notices whose text mentions `text` (e.g. the query parameter's name). */
  noticeAbout(text) {
    return this.notices.filter({ hasText: text });
  }

  /**
   * Opens the app with a query: a string ('docs=3&autorun=1', with or without '?')
   * or an object ({ docs: 3, autorun: 1 }).
   */
  async open(query = '') {
    const q = typeof query === 'string' ? query.replace(/^\?/, '') : new URLSearchParams(
      Object.entries(query).map(([k, v]) => [k, String(v)]),
    ).toString();
    await this.page.goto(this.base + (q ? `?${q}` : ''));
  }

  /** Waits until `window.eventLoopLab` exists and the status reads "ready". */
  async waitReady({ timeout = 30_000 } = {}) {
    await expect
      .poll(() => this.page.evaluate(() => typeof window.eventLoopLab?.run === 'function'), {
        timeout,
        message: 'window.eventLoopLab.run should exist',
      })
      .toBe(true);
    await expect(this.status).toHaveText('ready', { timeout });
  }

  /** Waits until the status reads `text` (ready | running | done | cancelled). */
  async waitStatus(text, { timeout = 30_000 } = {}) {
    await expect(this.status).toHaveText(text, { timeout });
  }

  /**
   * Clicks a button that starts a run and waits for that run's report and for the
   * status to read `done`. The status changes on the next frame, so a status of
   * `done` left by the previous run must not count: the report's run_id must move.
   */
  async clickRun(button, { timeout = 60_000 } = {}) {
    const before = await this.page.evaluate(() => window.eventLoopLab.report()?.run_id ?? 0);
    await button.click();
    await expect
      .poll(() => this.page.evaluate(() => window.eventLoopLab.report()?.run_id ?? 0), {
        timeout,
        message: 'the clicked run should finish with a report of its own',
      })
      .toBeGreaterThan(before);
    await this.waitStatus('done', { timeout });
    return this.report();
  }

  /** Runs the simulation through the page's API and returns the Report. */
  run(config) {
    return this.page.evaluate((c) => window.eventLoopLab.run(c), config);
  }

  /** The last Report, or null. */
  report() {
    return this.page.evaluate(() => window.eventLoopLab.report());
  }

  /**
   * Installs the test's own instruments in the page (observers.mjs: a `longtask`
   * observer, a rAF heartbeat, Event Timing), independent of anything the app
   * measures. Call before starting a run; calling it again is harmless.
   */
  async observeLongTasks() {
    await observe(this.page);
  }

  /**
   * Long tasks the test's observer saw that overlap the report's run. Waits for one
   * frame and one task, then takes the observer's pending records (takeRecords), so a
   * task whose entry was not delivered yet still counts.
   */
  async longTasksDuring(report) {
    return (await measure(this.page, { from: report.started_ms, to: report.finished_ms })).longTasks;
  }

  /** Runs `config` with the test's long-task observer; returns { report, longTasks, longest }. */
  async runObserved(config) {
    await this.observeLongTasks();
    const report = await this.run(config);
    const longTasks = await this.longTasksDuring(report);
    const longest = Math.max(0, ...longTasks.map((t) => t.duration));
    return { report, longTasks, longest };
  }

  /** Types a number into a number input and commits it (input + change events). */
  async setNumber(input, value) {
    await input.fill(String(value));
    await input.blur();
    await expect(input).toHaveValue(String(value));
  }
}
