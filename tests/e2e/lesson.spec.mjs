// The lesson's seven steps (issue 11): each runs to the end from `lessons()` and from
// `?lesson=N&autorun=1`; the verdicts carry the run's measured numbers; a blocking wait
// is a long task the browser itself reports while an awaited one is not; and a
// forgotten future's request never reaches the simulator (counted from outside).
import { test, expect } from './fixtures.mjs';

/**
 * The whole numbers a verdict may write for `value` ms: the app writes `{:.0}`, so
 * Math.round of the report's own figure, and both neighbours only when the figure
 * lies on a half (where the two roundings may differ).
 */
function written(value) {
  const frac = value - Math.floor(value);
  return Math.abs(frac - 0.5) < 1e-6 ? [Math.floor(value), Math.ceil(value)] : [Math.round(value)];
}

/** Every "N ms" written in `text`, as numbers. */
function msIn(text) {
  return [...text.matchAll(/(?<![\d.])(\d+) ms/g)].map((m) => Number(m[1]));
}

/** `text` writes exactly the report's `value` as "N ms". */
function expectMs(text, value, what) {
  const want = written(value);
  expect(want.some((n) => msIn(text).includes(n)), `${what}: "${want.join('" or "')} ms" in "${text}"`).toBe(true);
}

/** Requests for documents that reached the network layer (the service worker answers them). */
function countDocRequests(page) {
  const counts = new Map();
  page.context().on('request', (request) => {
    const match = /\/doc\/(\d+)\?/.exec(request.url());
    if (match) counts.set(Number(match[1]), (counts.get(Number(match[1])) || 0) + 1);
  });
  return counts;
}

test('lessons() lists seven steps whose configs run to the end', async ({ lab }) => {
  test.setTimeout(120_000);
  await lab.open();
  await lab.waitReady();
  const lessons = await lab.page.evaluate(() => window.eventLoopLab.lessons());
  expect(lessons.map((l) => l.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  for (const lesson of lessons) {
    expect(lesson.title.length, `step ${lesson.id} title`).toBeGreaterThan(5);
    expect(lesson.summary.length, `step ${lesson.id} summary`).toBeGreaterThan(40);
    const report = await lab.run(lesson.config);
    expect(report.outcome, `step ${lesson.id}`).toBe('finished');
    // The config is the whole scenario: what ran is what the step lists.
    for (const key of ['docs', 'latency', 'size', 'fetch', 'parse', 'wait', 'wait_ms']) {
      expect(report.config[key], `step ${lesson.id}: ${key}`).toBe(lesson.config[key]);
    }
    const states = report.documents.map((d) => d.state);
    const expected = report.documents.map((d) => (report.config.forget.includes(d.id) ? 'never_polled' : 'done'));
    expect(states, `step ${lesson.id}`).toEqual(expected);
  }
});

for (const step of [1, 2, 3, 4, 5, 6, 7]) {
  test(`?lesson=${step}&autorun=1 opens step ${step}, runs it and gives its verdict`, async ({ lab, page }, testInfo) => {
    await lab.open(`lesson=${step}&autorun=1`);
    await expect(page.getByTestId('step-panel')).toHaveAttribute('data-step', String(step));
    await expect(page.getByTestId(`step-${step}`)).toHaveAttribute('aria-current', 'step');
    await lab.waitStatus('done', { timeout: 60_000 });
    const verdict = page.getByTestId('verdict');
    await expect(verdict).toContainText('What this run measured');
    const report = await lab.report();
    expect(report.outcome).toBe('finished');
    // Steps about time name the total; steps about the page name its longest frame gap.
    const [value, what] = [3, 4, 5].includes(step)
      ? [report.main_thread.max_frame_gap_ms, 'the longest frame gap']
      : [report.total_ms, 'the total'];
    expectMs(await verdict.innerText(), value, what);
    // The code shown is the app's own (build.rs cuts it from the source).
    await expect(page.getByTestId('rust-snippet').first()).not.toBeEmpty();
    const shot = testInfo.outputPath(`lesson-step-${step}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach(`step ${step}`, { path: shot, contentType: 'image/png' });
  });
}

test('the verdicts of steps 2, 3 and 4 carry the run\'s measured numbers', async ({ lab, page }) => {
  test.setTimeout(120_000);
  await lab.open('lesson=2');
  await lab.waitReady();
  const verdict = page.getByTestId('verdict');

  let report = await lab.clickRun(page.getByTestId('step-run-0'));
  await expect(verdict).toContainText('What this run measured');
  let text = await verdict.innerText();
  expectMs(text, report.total_ms, 'step 2 total');
  expectMs(text, report.sum_of_latencies_ms, 'step 2 latencies one after another');
  // Concurrent fetches: the total is about one latency, not five.
  expect(report.total_ms).toBeLessThan(report.sum_of_latencies_ms / 2);

  await page.getByTestId('step-next').click();
  await expect(page.getByTestId('step-panel')).toHaveAttribute('data-step', '3');
  await expect(page).toHaveURL(/lesson=3/);
  report = await lab.clickRun(page.getByTestId('step-run-0'));
  await expect(verdict).toContainText('What this run measured');
  text = await verdict.innerText();
  const main = report.main_thread;
  expectMs(text, main.max_frame_gap_ms, 'step 3 frame gap');
  expectMs(text, main.longest_task_ms, 'step 3 longest task');
  expect(main.longest_task_ms, 'a blocking parse of 3 MiB is a long task').toBeGreaterThanOrEqual(100);
  const delayed = report.documents
    .filter((d) => d.answered_ms !== null)
    .reduce((a, d) => (d.fetch_end_ms - d.answered_ms > a.fetch_end_ms - a.answered_ms ? d : a));
  expect(text).toContain(`Doc ${delayed.id}'s server answered after`);
  expectMs(text, delayed.answered_ms - report.started_ms, 'step 3 answered');
  expectMs(text, delayed.fetch_end_ms - report.started_ms, 'step 3 taken');

  await page.getByTestId('step-next').click();
  await expect(page.getByTestId('step-panel')).toHaveAttribute('data-step', '4');
  report = await lab.clickRun(page.getByTestId('step-run-0'));
  await expect(verdict).toContainText('What this run measured');
  text = await verdict.innerText();
  const work = report.documents.reduce((sum, d) => sum + d.work_ms, 0);
  expectMs(text, work, 'step 4 work');
  expectMs(text, report.main_thread.max_frame_gap_ms, 'step 4 frame gap');
  expect(text).toContain(`on ${Math.min(report.config.workers, report.config.docs)} workers`);
});

test('wait=blocking is a long task the browser reports; wait=async is none, and overlaps', async ({ lab }) => {
  test.setTimeout(120_000);
  await lab.open();
  await lab.waitReady();
  const base = { docs: 4, latency: 300, size: 16, fetch: 'concurrent', parse: 'blocking', wait_ms: 300, fail: '', forget: '' };

  const held = await lab.runObserved({ ...base, wait: 'blocking' });
  expect(held.report.outcome).toBe('finished');
  expect(held.longest, 'the browser\'s own observer saw the held thread').toBeGreaterThanOrEqual(250);
  for (const d of held.report.documents) {
    expect(d.wait_end_ms - d.wait_start_ms, `doc ${d.id} held`).toBeGreaterThanOrEqual(299);
  }
  // Held waits cannot overlap: four of them follow each other.
  expect(held.report.total_ms).toBeGreaterThanOrEqual(300 + 4 * 300);

  const awaited = await lab.runObserved({ ...base, wait: 'async' });
  expect(awaited.report.outcome).toBe('finished');
  expect(awaited.longTasks, 'no long task while four timers are awaited').toEqual([]);
  // The waits overlap: about one latency plus one wait, with room for a busy machine.
  expect(awaited.report.total_ms).toBeGreaterThanOrEqual(600);
  expect(awaited.report.total_ms).toBeLessThan(600 + 400);
  for (const d of awaited.report.documents) {
    expect(d.wait_end_ms - d.wait_start_ms, `doc ${d.id} awaited`).toBeGreaterThanOrEqual(299);
  }

  // The thread-pool cure: the same blocking waits, held by workers instead of the page.
  const pooled = await lab.runObserved({ ...base, wait: 'blocking', parse: 'worker', workers: 2 });
  expect(pooled.report.outcome).toBe('finished');
  expect(pooled.longTasks, 'the page is not held when the workers are').toEqual([]);
  expect(pooled.report.documents.every((d) => d.thread.startsWith('worker-'))).toBe(true);
});

test('a forgotten future never sends its request; the others do, once each', async ({ lab, page }) => {
  const counts = countDocRequests(page);
  await lab.open('lesson=7');
  await lab.waitReady();
  const report = await lab.clickRun(page.getByTestId('step-run-0'));
  expect(report.config.forget).toEqual([3]);
  const forgotten = report.documents[2];
  expect(forgotten.state).toBe('never_polled');
  expect([forgotten.fetch_start_ms, forgotten.fetch_end_ms, forgotten.parse_start_ms]).toEqual([null, null, null]);
  await expect(lab.docRow(3).getByTestId('never-polled')).toContainText('never ran');
  // Counted at the network layer, not by the app: docs 1, 2 and 4 were requested, 3 never.
  expect(Object.fromEntries(counts)).toEqual({ 1: 1, 2: 1, 4: 1 });
  await expect(page.getByTestId('verdict')).toContainText("Doc 3's future was created and dropped without .await");
});

test('the free lab is one click from every step, and a new visitor sees where to start', async ({ lab, page }) => {
  await lab.open();
  await lab.waitReady();
  await expect(page.getByTestId('start-here')).toBeVisible();
  await page.getByTestId('start-lesson').click();
  await expect(page.getByTestId('step-panel')).toHaveAttribute('data-step', '1');
  await expect(page).toHaveURL(/\?lesson=1$/);
  // The step's preset is on the controls.
  await page.locator('details.adjust summary').click();
  await expect(lab.fetchSequential).toBeChecked();
  await page.getByTestId('free-lab').click();
  await expect(page.getByTestId('step-panel')).toHaveCount(0);
  await expect(page).not.toHaveURL(/lesson=/);
  await expect(lab.runButton).toBeVisible();
  // An unknown step falls back to the free lab with a notice.
  await lab.open('lesson=9');
  await expect(lab.noticeAbout('lesson')).toContainText('lesson="9" is not one of 1–7');
  await expect(page.getByTestId('start-here')).toBeVisible();
});

test('one step embeds on its own: lesson=3&embed=1', async ({ lab, page }) => {
  await lab.open('lesson=3&embed=1');
  await lab.waitReady();
  await expect(page.getByTestId('step-panel')).toHaveAttribute('data-step', '3');
  await expect(page.getByTestId('lesson-nav')).toHaveCount(0);
});
