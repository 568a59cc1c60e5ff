// Issue "yielding, right and wrong": parse=sliced with each yield kind on the default
// scenario, each the first run of a fresh page (no warm-up: a learner's first run is
// measured like the hundredth). Frames are counted by the test's own
// requestAnimationFrame loop and long tasks by its own PerformanceObserver
// (observers.mjs), not by the app.
//
// The book's targets for `frame` (Benchmark, note 4): at most 5 % slow frames (a gap
// over two frames), no gap over 50 ms, no long task. No long task is held as such; the
// frames, for a fresh page's first run, by SLICED_FIRST_RUN_FRAMES (observers.mjs: wider,
// with the measured spread that forces it).
import { test, expect } from './fixtures.mjs';
import { observe, runMeasured, describe as told, LONG_TASK_MS, SLICED_FIRST_RUN_FRAMES as FRAMES } from './observers.mjs';

/**
 * `scheduler` with scheduler.yield(): the book's benchmark, note 4, says "about a third of the frames are
 * late (gaps of ~115 ms)"; measured here 30-34 % in 4 first runs (gaps 114-145 ms, no
 * long task, load 1.0-1.2). Held to well over `frame`'s 5 %.
 */
const SCHEDULER_MIN_SLOW_SHARE = 0.1;

/** Opens a fresh page for `query`, with the test's instruments from its first task. */
async function freshPage(lab, page, query) {
  await observe(page);
  await lab.open(query);
  await lab.waitReady();
}

test.describe.serial('sliced, four ways of yielding, default scenario', () => {
  const links = {};

  test('frame: no long task, and the frames keep coming', async ({ lab, page }) => {
    await freshPage(lab, page, 'parse=sliced&yield=frame');
    const m = await runMeasured(page, {});
    const { report } = m;
    expect(report.outcome).toBe('finished');
    expect(report.config.yield).toBe('frame');
    expect(m.longTasks, `long tasks in the whole run: ${told(m)}`).toEqual([]);
    expect(m.slowShare, `share of slow frames: ${told(m)}`).toBeLessThanOrEqual(FRAMES.slowShare);
    expect(m.maxGap, `longest frame gap: ${told(m)}`).toBeLessThanOrEqual(FRAMES.maxGap);
    // Honest naming: the app calls a task only what the browser reported as a task.
    expect(report.main_thread.long_tasks, "the app's long tasks").toEqual([]);
    links.frame = report.documents.map((d) => d.links);
  });

  test('microtask: the trap, one long task per document, as the browser reports it', async ({ lab, page }) => {
    await freshPage(lab, page, 'parse=sliced&yield=microtask');
    const m = await runMeasured(page, {});
    const { report } = m;
    expect(report.config.yield).toBe('microtask');
    const durations = m.longTasks.map((t) => t.duration);
    expect(Math.max(0, ...durations), 'longest task the Long Tasks API saw (ms)').toBeGreaterThanOrEqual(200);
    expect(durations.filter((d) => d >= 200).length, 'long tasks of 200 ms or more').toBeGreaterThanOrEqual(report.config.docs - 1);
    expect(m.maxGap, 'the frames stopped for a whole document').toBeGreaterThanOrEqual(200);
    expect(report.main_thread.longest_task_ms).toBeGreaterThanOrEqual(200);
    links.microtask = report.documents.map((d) => d.links);
  });

  test('timeout: slices of ~8 ms in tasks of their own, no long task', async ({ lab, page }) => {
    await freshPage(lab, page, 'parse=sliced&yield=timeout');
    const m = await runMeasured(page, {});
    const { report } = m;
    expect(report.outcome).toBe('finished');
    expect(report.config).toMatchObject({ parse: 'sliced', yield: 'timeout' });
    expect(m.longTasks, `long tasks in the whole run: ${told(m)}`).toEqual([]);
    // The book's benchmark, note 4: `timeout` also keeps the frames here (one document is sliced at
    // a time).
    expect(m.slowShare, `share of slow frames: ${told(m)}`).toBeLessThanOrEqual(FRAMES.slowShare);
    expect(m.maxGap, `longest frame gap: ${told(m)}`).toBeLessThanOrEqual(FRAMES.maxGap);
    links.timeout = report.documents.map((d) => d.links);
  });

  test('scheduler: no long task, but the work resumes ahead of rendering and frames come late', async ({ lab, page }) => {
    await freshPage(lab, page, 'parse=sliced&yield=scheduler');
    expect(await page.evaluate(() => typeof scheduler?.yield), 'this Chromium has scheduler.yield').toBe('function');
    const m = await runMeasured(page, {});
    const { report } = m;
    expect(report.outcome).toBe('finished');
    expect(report.config).toMatchObject({ parse: 'sliced', yield: 'scheduler' });
    expect(m.longTasks, `long tasks in the whole run: ${told(m)}`).toEqual([]);
    // The lesson: scheduler.yield() is no frame yield.
    expect(m.slowShare, `share of slow frames: ${told(m)}`).toBeGreaterThanOrEqual(SCHEDULER_MIN_SLOW_SHARE);
    expect(m.maxGap, `longest frame gap: ${told(m)}`).toBeGreaterThan(LONG_TASK_MS);
    expect(await page.getByTestId('notice').filter({ hasText: 'scheduler.yield' }).count(), 'no fallback notice').toBe(0);
    links.scheduler = report.documents.map((d) => d.links);
  });

  test('every yield kind finds the same links', async () => {
    expect(Object.keys(links).sort()).toEqual(['frame', 'microtask', 'scheduler', 'timeout']);
    for (const kind of ['microtask', 'scheduler', 'timeout']) expect(links[kind], kind).toEqual(links.frame);
  });
});

test('scheduler without scheduler.yield(): timeout slices instead, with a notice, and no long task', async ({ lab, page }) => {
  // A browser without scheduler.yield() (Firefox ESR 153, older Chromium): removed
  // before the app's first task.
  await page.addInitScript(() => {
    if (globalThis.Scheduler) delete Scheduler.prototype.yield;
  });
  await freshPage(lab, page, 'parse=sliced&yield=scheduler');
  expect(await page.evaluate(() => typeof globalThis.scheduler?.yield), 'scheduler.yield is gone').toBe('undefined');
  const m = await runMeasured(page, {});
  const { report } = m;
  expect(report.outcome).toBe('finished');
  expect(report.config).toMatchObject({ parse: 'sliced', yield: 'scheduler' });
  await expect(lab.noticeAbout('scheduler.yield')).toHaveText(
    'yield=scheduler needs scheduler.yield(), which this browser does not have; using timeout',
  );
  expect(report.documents.every((d) => d.error === null && d.links > 0)).toBe(true);
  expect(m.longTasks, `long tasks in the whole run: ${told(m)}`).toEqual([]);
  // It yields as `timeout` does, so it is held to timeout's frames.
  expect(m.slowShare, `share of slow frames: ${told(m)}`).toBeLessThanOrEqual(FRAMES.slowShare);
  expect(m.maxGap, `longest frame gap: ${told(m)}`).toBeLessThanOrEqual(FRAMES.maxGap);
});

test('the yield choice is in the controls when parse is sliced, and a bad value falls back with a notice', async ({ lab, page }) => {
  await lab.open('parse=sliced&yield=sleep');
  await lab.waitReady();
  await expect(lab.noticeAbout('yield').first()).toContainText('frame, timeout, scheduler, microtask');
  await expect(page.getByTestId('yield-frame')).toBeChecked();
  await page.getByTestId('yield-microtask').check();
  await page.getByTestId('parse-blocking').check();
  await expect(page.getByTestId('yield-kinds')).toHaveCount(0);
  await page.getByTestId('parse-sliced').check();
  await expect(page.getByTestId('yield-microtask')).toBeChecked();
});
