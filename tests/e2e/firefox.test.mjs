// Firefox smoke test (node's test runner, not Playwright: Playwright cannot drive a stock
// Firefox). Serves the release build with server.mjs, opens the app in headless Firefox
// ESR through geckodriver (firefox.mjs) and, on a fresh page each:
//   - runs blocking, sliced and worker from the Run button, to the end, and checks that
//     every document is done, on the screen and in the report, on the right thread;
//   - checks how the app speaks of the main thread's tasks: where the browser has
//     neither `longtask` nor `long-animation-frame` (asked from outside the app), the note
//     says so, the screen says "not measured in this browser" and the report has null;
//   - in blocking mode, checks a long frame gap (>= 100 ms) in the app's report and on the
//     screen, and that it agrees with the test's own requestAnimationFrame heartbeat;
//   - walks the lesson from `?lesson=1` with its buttons (Run, then Next step): each step
//     runs the config that `window.eventLoopLab.lessons()` lists for it, to the end, and
//     shows a verdict that never calls unmeasured tasks "none".
// Page errors and console errors (through WebDriver BiDi) fail the test.
//
//   cd tests/e2e && E2E_PORT=4178 E2E_DIST=../../target/e2e-dist node --test firefox.test.mjs
//
// Environment: E2E_PORT, E2E_DIST (see server.mjs), and firefox.mjs's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { By } from 'selenium-webdriver';
import LogInspector from 'selenium-webdriver/bidi/logInspector.js';
import { DIST, HOST, PLAIN_BASE, PORT, startServer } from './server.mjs';
import { startFirefox } from './firefox.mjs';

const ORIGIN = `http://${HOST}:${PORT}`;
/** Big enough that one blocking parse is a freeze (about 240 ms in Chromium here). */
const RUN = { docs: 4, latency: 300, size: 2048 };
/** Generous: the machine is shared, and sliced mode takes several times the work. */
const RUN_TIMEOUT_MS = 60_000;
/** A gap this long is a freeze anyone sees: six frames missed at 60 Hz. */
const LONG_GAP_MS = 100;

let server;
let driver;
const errors = [];

before(async () => {
  statSync(path.join(DIST, 'index.html')); // a clear ENOENT if the build is missing
  server = await startServer();
  driver = await startFirefox();
  const logs = await LogInspector(driver);
  await logs.onJavascriptException((e) => errors.push(`page error: ${e.text}`));
  await logs.onConsoleEntry((e) => {
    if (e.level === 'error') errors.push(`console error: ${e.text}`);
  });
});

after(async () => {
  await driver?.quit();
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Polls `condition` (an async function) until it returns a truthy value, or fails. */
async function until(condition, message, timeout = 30_000) {
  return driver.wait(condition, timeout, message);
}

/** Runs `fn` in the page (awaited if it returns a promise) and returns its value. */
function inPage(fn, ...args) {
  return driver.executeScript(`return (${fn}).apply(null, arguments)`, ...args);
}

/** Opens a fresh page with `query` and waits until the app says it is ready. */
async function open(query) {
  await driver.get(`${ORIGIN}${PLAIN_BASE}?${new URLSearchParams(query)}`);
  await until(
    () => inPage(() => typeof window.eventLoopLab?.run === 'function' &&
      document.querySelector('[data-testid="status"]')?.textContent === 'ready'),
    'the app is ready',
  );
  // The latency simulator is the service worker (sw.js), not the in-page fallback: the
  // wasm tests cannot check it in Firefox (see scripts/test.sh), so this does.
  const simulator = await inPage(() => ({
    controller: navigator.serviceWorker.controller?.scriptURL ?? null,
    note: document.querySelector('[data-testid="simulator-note"]')?.textContent ?? null,
  }));
  assert.match(simulator.controller ?? '', /\/sw\.js$/, `the page is controlled by sw.js: ${JSON.stringify(simulator)}`);
  assert.equal(simulator.note, null);
}

/** Starts the test's own frame heartbeat in the page, independent of the app's. */
function startHeartbeat() {
  return inPage(() => {
    window.__ffFrames = [];
    const beat = () => {
      window.__ffFrames.push(performance.now());
      requestAnimationFrame(beat);
    };
    requestAnimationFrame(beat);
  });
}

/**
 * The longest time without a heartbeat frame during the run, ms: as the app counts it,
 * from the run's start (or the frame before, if later) to each frame in the run.
 */
async function heartbeatGap(report) {
  const frames = await inPage(() => new Promise((resolve) => requestAnimationFrame(() => resolve(window.__ffFrames))));
  let gap = 0;
  let previous = report.started_ms;
  for (const t of frames) {
    if (t < report.started_ms) continue;
    if (t > report.finished_ms) break;
    gap = Math.max(gap, t - previous);
    previous = t;
  }
  return gap;
}

/** Which task instruments this browser has, asked outside the app. */
function instruments() {
  return inPage(() => {
    const types = PerformanceObserver.supportedEntryTypes || [];
    return { longtask: types.includes('longtask'), loaf: types.includes('long-animation-frame') };
  });
}

/** What the screen shows once a run is over. */
function screen() {
  return inPage(() => {
    const text = (id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? null;
    return {
      status: text('status'),
      rows: [...document.querySelectorAll('[data-testid="doc-row"]')].map((r) => r.dataset.state),
      longestTask: text('longest-task'),
      longTaskCount: text('long-task-count'),
      note: text('instruments-note'),
      mainLane: text('main-lane'),
      frameGaps: [...document.querySelectorAll('[data-testid="main-lane"] .frame-gap title')].map((t) => t.textContent),
    };
  });
}

/** Checks a finished run: every document done, on the screen and in the report. */
function assertAllDone(report, shown, docs, thread) {
  assert.equal(report.outcome, 'finished');
  assert.equal(report.documents.length, docs);
  for (const d of report.documents) {
    assert.equal(d.state, 'done', `doc ${d.id}: ${JSON.stringify(d)}`);
    assert.match(d.thread, thread, `doc ${d.id} ran on ${d.thread}`);
    assert.ok(d.links > 0 && d.words > 0, `doc ${d.id} found nothing: ${JSON.stringify(d)}`);
  }
  assert.equal(shown.status, 'done');
  assert.deepEqual(shown.rows, Array(docs).fill('done'));
}

/** Checks how the app reports tasks, against what the browser has. */
function assertTaskFigures(report, shown, has) {
  const main = report.main_thread;
  if (!has.longtask && !has.loaf) {
    assert.match(shown.note ?? '', /neither long tasks nor long animation frames/);
    assert.match(shown.note, /not measured in this browser/);
    assert.equal(main.longest_task_ms, null, 'not measured is null, not 0');
    assert.equal(main.long_tasks, null);
    assert.equal(shown.longestTask, 'not measured in this browser');
    assert.equal(shown.longTaskCount, 'not measured');
    assert.match(shown.mainLane, /tasks not measured/);
  } else {
    assert.equal(typeof main.longest_task_ms, 'number');
    assert.ok(Array.isArray(main.long_tasks));
    assert.match(shown.longestTask, /^\d+ ms$/);
  }
  assert.equal(main.long_animation_frames === null, !has.loaf);
  if (!has.longtask) assert.ok(shown.note, 'the app says which instruments are missing');
}

const MODES = [
  { name: 'blocking', query: { ...RUN, parse: 'blocking' }, thread: /^main$/ },
  { name: 'sliced', query: { ...RUN, parse: 'sliced' }, thread: /^main$/ },
  { name: 'worker', query: { ...RUN, parse: 'worker', workers: 2 }, thread: /^worker-\d+$/ },
];

for (const mode of MODES) {
  test(`${mode.name}: a run from the Run button ends with every document done`, async (t) => {
    errors.length = 0;
    await open(mode.query);
    const has = await instruments();
    await startHeartbeat();
    await driver.findElement(By.css('[data-testid="run"]')).click();
    await until(
      () => inPage(() => document.querySelector('[data-testid="status"]')?.textContent === 'done'),
      `the ${mode.name} run finishes`,
      RUN_TIMEOUT_MS,
    );
    const report = await inPage(() => window.eventLoopLab.report());
    const shown = await screen();
    t.diagnostic(`instruments ${JSON.stringify(has)}; total ${report.total_ms.toFixed(0)} ms; ` +
      `longest frame gap ${report.main_thread.max_frame_gap_ms.toFixed(0)} ms; longest task ${report.main_thread.longest_task_ms}`);
    assertAllDone(report, shown, RUN.docs, mode.thread);
    assertTaskFigures(report, shown, has);

    if (mode.name === 'blocking') {
      // Frames alone still show the freeze, and the test's own heartbeat agrees.
      const gap = report.main_thread.max_frame_gap_ms;
      const outside = await heartbeatGap(report);
      t.diagnostic(`frame gap: app ${gap.toFixed(0)} ms, the test's heartbeat ${outside.toFixed(0)} ms`);
      assert.ok(gap >= LONG_GAP_MS, `the app's longest frame gap ${gap} ms`);
      assert.ok(outside >= LONG_GAP_MS, `the test's longest frame gap ${outside} ms`);
      assert.ok(Math.abs(gap - outside) <= Math.max(25, 0.15 * outside), `app ${gap} ms vs the test's ${outside} ms`);
      assert.ok(shown.frameGaps.some((t) => Number(/\d+/.exec(t)?.[0]) >= LONG_GAP_MS), `gaps drawn: ${shown.frameGaps}`);
    }
    assert.deepEqual(errors, []);
  });
}

test('the lesson, step by step from its buttons: each step runs its preset to the end and gives a verdict', async (t) => {
  errors.length = 0;
  await open({ lesson: 1 });
  const lessons = await inPage(() => window.eventLoopLab.lessons());
  assert.ok(Array.isArray(lessons) && lessons.length > 0, `lessons(): ${JSON.stringify(lessons)}`);
  const has = await instruments();
  let lastRun = null;
  for (const [i, step] of lessons.entries()) {
    if (i > 0) await driver.findElement(By.css('[data-testid="step-next"]')).click();
    await until(
      () => inPage((id) => document.querySelector('[data-testid="step-panel"]')?.dataset.step === String(id), step.id),
      `step ${step.id} is open`,
    );
    await driver.findElement(By.css('[data-testid="step-run-0"]')).click();
    const report = await until(
      () => inPage((previous) => {
        const r = window.eventLoopLab.report();
        return r && r.run_id !== previous && document.querySelector('[data-testid="status"]')?.textContent === 'done' ? r : null;
      }, lastRun),
      `step ${step.id} (${step.title}) finishes`,
      RUN_TIMEOUT_MS,
    );
    lastRun = report.run_id;
    t.diagnostic(`step ${step.id}: total ${report.total_ms.toFixed(0)} ms, longest frame gap ${report.main_thread.max_frame_gap_ms.toFixed(0)} ms`);
    // The step's button ran the step's own preset, the config lessons() lists. (Its
    // lists, `fail` and `forget`, are URL text there and arrays in the report: the
    // scalars are compared, and the documents below show what `forget` did.)
    for (const [key, value] of Object.entries(step.config)) {
      if (!Array.isArray(report.config[key])) assert.equal(report.config[key], value, `step ${step.id}: ${key}`);
    }
    assert.equal(report.outcome, 'finished', `step ${step.id}`);
    for (const d of report.documents) {
      // A forgotten future (forget=N) never runs: that is the step's point.
      assert.ok(['done', 'never_polled'].includes(d.state), `step ${step.id}, doc ${d.id}: ${d.state}`);
    }
    assert.ok(report.documents.some((d) => d.state === 'done'), `step ${step.id}: no document done`);
    const verdict = await inPage(() => document.querySelector('[data-testid="verdict"]')?.textContent ?? '');
    assert.match(verdict, /^What this run measured/, `step ${step.id}: ${verdict}`);
    if (!has.longtask && !has.loaf) assert.doesNotMatch(verdict, /no task of|no long task/, `step ${step.id}: ${verdict}`);
  }
  assert.deepEqual(errors, []);
});
