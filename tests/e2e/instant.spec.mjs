// Issue "read a run after the fact", part 1's API: window.eventLoopLab.at(ms) says what
// every document and the main thread were doing at any instant of the last finished
// run, read from the one account of a run. Checked against the test's own longtask
// observer (observers.mjs): when at() says the main thread was in a long task, the
// browser saw one there.
import { test, expect } from './fixtures.mjs';
import { observe, runMeasured } from './observers.mjs';

const DOC_STATES = [
  'not_started', 'waiting_for_connection', 'waiting_for_server', 'answered_waiting_for_loop', 'sleeping',
  'queued', 'held_wait', 'parsing', 'done', 'error', 'cancelled', 'never_polled',
];

test('blocking: while a stretched answer waits, at() calls it answered_waiting_for_loop and the main thread parses another document', async ({ lab, page }) => {
  await observe(page);
  await lab.open();
  await lab.waitReady();
  expect(await page.evaluate(() => window.eventLoopLab.at(0)), 'no finished run yet').toBeNull();
  const run = await runMeasured(page, { docs: 6, latency: 800, size: 3072, fetch: 'concurrent', parse: 'blocking' });
  expect(run.report.outcome).toBe('finished');
  // A document whose answer waited for the page's loop while another document's parse
  // held it, for 60 ms or more: the instant is the middle of that overlap. (Not a fixed
  // offset from the answer: the simulator answers concurrent requests together, so the
  // first parse may start a few tens of ms after every answer is in.)
  const overlap = (d, o) => Math.min(d.parse_start_ms, o.parse_end_ms) - Math.max(d.answered_ms, o.parse_start_ms);
  const pairs = run.report.documents
    .filter((d) => d.answered_ms !== null)
    .flatMap((d) => run.report.documents.filter((o) => o.id !== d.id && o.thread === 'main').map((o) => ({ d, o, ms: overlap(d, o) })))
    .sort((a, b) => b.ms - a.ms);
  expect(pairs[0]?.ms, 'an answer waited 60 ms or more while another document was parsed').toBeGreaterThanOrEqual(60);
  const { d: stretched, o: parsed } = pairs[0];
  const t = Math.max(stretched.answered_ms, parsed.parse_start_ms) + pairs[0].ms / 2;
  const now = await page.evaluate((t) => window.eventLoopLab.at(t), t);
  expect(now.t_ms).toBe(t);
  expect(now.documents.map((d) => d.id)).toEqual(run.report.documents.map((d) => d.id));
  expect(now.documents.every((d) => DOC_STATES.includes(d.state)), JSON.stringify(now.documents)).toBe(true);
  expect(now.documents.find((d) => d.id === stretched.id).state).toBe('answered_waiting_for_loop');
  expect(['parsing', 'long_task']).toContain(now.main.state);
  expect(now.main.doc, 'the main thread works on the other document').toBe(parsed.id);
  const other = run.report.documents.find((d) => d.id === now.main.doc);
  expect(other.parse_start_ms <= t && t < other.parse_end_ms, `doc ${other.id} was parsing at ${t}`).toBe(true);
  expect(now.documents.find((d) => d.id === other.id)).toMatchObject({ state: 'parsing', thread: 'main' });
  // The browser's own account of that instant: a long task held the main thread.
  const held = run.longTasks.find((task) => task.start <= t && t < task.start + task.duration);
  expect(held, `the test's own observer saw a long task at ${t.toFixed(0)} ms`).toBeTruthy();
  if (now.main.state === 'long_task') expect(now.main.cause).toBe(`parse doc ${other.id}`);

  // At the run's end every document is done, and the main thread is no longer parsing.
  const end = await page.evaluate((t) => window.eventLoopLab.at(t), run.report.finished_ms);
  expect(end.documents.every((d) => d.state === 'done'), JSON.stringify(end.documents)).toBe(true);
  expect(end.main.state).not.toBe('parsing');
  expect(await page.evaluate(() => window.eventLoopLab.at('soon'))).toBeNull();
});

test('worker mode: at() puts each parse on its worker, and the main thread idle', async ({ lab, page }) => {
  await lab.open();
  await lab.waitReady();
  const report = await page.evaluate(() => window.eventLoopLab.run({ docs: 4, latency: 200, size: 1024, parse: 'worker', workers: 2 }));
  const d = report.documents[0];
  const now = await page.evaluate((t) => window.eventLoopLab.at(t), (d.parse_start_ms + d.parse_end_ms) / 2);
  expect(now.documents[0]).toEqual({ id: d.id, state: 'parsing', thread: d.thread });
  expect(d.thread).toMatch(/^worker-\d$/);
  // No document is on the main thread (a task of the lab's own drawing may be).
  expect(now.main.doc).toBeUndefined();
  expect(now.main.state).not.toBe('parsing');
  const before = await page.evaluate((t) => window.eventLoopLab.at(t), report.started_ms + 100);
  expect(before.documents.every((x) => x.state === 'waiting_for_server'), JSON.stringify(before.documents)).toBe(true);
});

test("scrub: the keyboard steps from event to event and the page's one live region announces each step; a drag moves the readout only", async ({ lab, page }) => {
  await lab.open('lesson=3');
  await lab.waitReady();
  await expect(page.getByTestId('scrub'), 'no cursor while nothing has run').toHaveCount(0);
  const report = await page.evaluate(() => window.eventLoopLab.run({ docs: 3, latency: 300, size: 1024, parse: 'blocking' }));
  const scrub = page.getByTestId('scrub');
  const announce = page.getByTestId('announce');
  await scrub.focus();
  await page.keyboard.press('End');
  // The run's length as the app writes it (a float on a half may round either way).
  const total = report.finished_ms - report.started_ms;
  const written = Math.abs((total % 1) - 0.5) < 0.01 ? `(${Math.floor(total)}|${Math.ceil(total)})` : `${Math.round(total)}`;
  await expect(announce).toHaveText(new RegExp(`^At ${written} ms: main thread .*doc 1 done; doc 2 done; doc 3 done\\.$`));
  await page.keyboard.press('Home');
  // The run's very start: no request is out yet.
  await expect(announce).toHaveText(/^At 0 ms: main thread idle\. doc 1 not started; doc 2 not started; doc 3 not started\.$/);
  // Each arrow press lands on the next event of the run (a fetch start, an answer, a
  // parse start or end, a long task's edge), and says what at() says there.
  let previous = 0;
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('ArrowRight');
    const now = Number(await scrub.getAttribute('data-cursor-ms'));
    expect(now, 'the cursor moves forward').toBeGreaterThan(previous);
    previous = now;
    const at = await page.evaluate((t) => window.eventLoopLab.at(t), report.started_ms + now);
    const parsing = at.documents.filter((d) => d.state === 'parsing').map((d) => `doc ${d.id} parsing on ${d.thread}`);
    const text = await announce.textContent();
    for (const words of parsing) expect(text).toContain(words);
  }
  // A drag moves the cursor and the readout, and announces nothing.
  const spoken = await announce.textContent();
  const box = await scrub.boundingBox();
  await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('scrub-readout')).not.toHaveText(spoken);
  await expect(announce).toHaveText(spoken);
  await expect(page.locator('.doc-row .cursor')).toHaveCount(3);
  // Still one live region on the page.
  expect(await page.locator('[aria-live], [role=status], [role=alert]').count()).toBe(1);
});

test('compare: step 3 then step 4, "compare with your previous run" draws both on one axis with one cursor; any two of Last runs can be picked', async ({ lab, page }) => {
  // Each step's button runs its own preset (6 documents of 3 MiB).
  await lab.open('lesson=3');
  await lab.waitReady();
  const done = () => lab.waitStatus('done', { timeout: 60_000 });
  await page.getByTestId('step-run-0').click();
  await done();
  await expect(page.getByTestId('step-compare'), 'nothing to compare after one run').toHaveCount(0);
  await page.getByTestId('step-next').click();
  await page.getByTestId('step-run-0').click();
  await done();
  await page.getByTestId('step-compare').click();
  const compare = page.getByTestId('compare');
  await expect(compare).toBeVisible();
  const runs = compare.getByTestId('compare-run');
  await expect(runs).toHaveCount(2);
  await expect(runs.nth(0)).toContainText('blocking');
  await expect(runs.nth(1)).toContainText('worker');
  // Step 3's blocking parses are long tasks on its main lane; step 4's workers leave none
  // of parsing (a task of the lab's own drawing would be named so).
  await expect(runs.nth(0).getByTestId('long-task').first()).toBeVisible();
  await expect(runs.nth(1).locator('[data-testid=long-task][data-cause^="parse"]')).toHaveCount(0);
  // One cursor for both: End goes to the longer run's end; each run's lanes show it.
  const scrub = compare.getByTestId('scrub');
  await scrub.focus();
  await page.keyboard.press('End');
  await expect(runs.nth(0).locator('.doc-row .cursor')).toHaveCount(6);
  await expect(runs.nth(1).locator('.doc-row .cursor')).toHaveCount(6);
  await expect(page.getByTestId('announce')).toHaveText(/^Run \d+: At \d+ ms: .* Run \d+: At \d+ ms: /);
  // Its table view lists both runs.
  await compare.getByTestId('compare-table').locator('summary').click();
  await expect(compare.getByTestId('docs-table')).toHaveCount(2);
  // At a phone's width nothing scrolls sideways.
  await page.setViewportSize({ width: 360, height: 800 });
  expect(await page.evaluate(() => document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth)).toBe(true);
  await page.setViewportSize({ width: 1200, height: 820 });
  await compare.getByTestId('compare-close').click();
  await expect(compare).toHaveCount(0);
  // Any two of Last runs: tick them.
  const picks = page.getByTestId('compare-pick');
  await expect(picks).toHaveCount(2);
  await picks.nth(1).check();
  await expect(compare, 'one run ticked is not a comparison').toHaveCount(0);
  await picks.nth(0).check();
  await expect(compare).toBeVisible();
  await expect(page.getByTestId('compare-run')).toHaveCount(2);
});
