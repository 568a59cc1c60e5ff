// Issue "light enough for a phone": at phone-class CPU (CDP Emulation.setCPUThrottlingRate
// at 4, as Lighthouse and DevTools model a mid-tier phone), blocking mode still freezes
// the page, and the dot, moved by script, stops with it. The page is fresh and nothing
// is warmed up. What the browser did is measured by the test's own `longtask` observer
// (takeRecords at the end) and its own requestAnimationFrame loop (owncost.mjs's
// markedRun), never by the app's report.
import { test, expect } from './fixtures.mjs';
import { markedRun } from './owncost.mjs';

const CPU_RATE = 4;

/** A fresh page of `lab` at CPU 4×, ready; the viewport of a phone. */
async function phonePage(lab, page, context, query) {
  await page.setViewportSize({ width: 390, height: 844 });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_RATE });
  await lab.open(query);
  await lab.waitReady({ timeout: 60_000 });
}

// NOTE: the worker-mode targets at CPU 4× (no long task, no frame gap over
// 50 ms, on a fresh page's first run and a later one) are not met yet, so they are a
// benchmark row (scripts/bench.sh, row 9), not a test here. Measured on 2026-12-03
// (commit 285082f): the default scenario with one worker 1 long task in 6 runs, gaps of
// 27-57 ms; 32 documents of 512 KiB 12 long tasks in 6 runs, gaps to 110 ms, all the
// lab's own drawing and the responses' handling. They come back here once a batch of
// 32 changed rows draws in under 50 ms at 4× (see the book's benchmark, note 9).

test('CPU 4×, blocking mode: the lesson still freezes the page, and the dot stops with it', async ({ lab, page, context }) => {
  test.setTimeout(120_000);
  await phonePage(lab, page, context, 'workers=1');
  // The dot is drawn by script on every frame, on a canvas, with no CSS animation or
  // transition that could keep it moving on the compositor while the main thread is
  // held. Where it is drawn is read back from the canvas's own pixels.
  const dot = await page.evaluate(async () => {
    const canvas = document.querySelector('.heartbeat canvas.dot');
    const style = getComputedStyle(canvas);
    const context = canvas.getContext('2d');
    const seen = [];
    for (let i = 0; i < 6; i += 1) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      // After the app's own frame callback, which was registered first.
      await new Promise((resolve) => setTimeout(resolve, 0));
      const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
      // The dot's centre: the mean x of the painted pixels on the middle row.
      const row = height >> 1;
      let sum = 0;
      let count = 0;
      for (let x = 0; x < width; x += 1) {
        if (data[(row * width + x) * 4 + 3] > 128) {
          sum += x;
          count += 1;
        }
      }
      seen.push(count ? Math.round(sum / count) : null);
    }
    return {
      animations: canvas.getAnimations().length,
      animationName: style.animationName,
      transitionDuration: style.transitionDuration,
      centres: seen,
    };
  });
  expect(dot.animations, 'animations on the dot').toBe(0);
  expect(dot.animationName).toBe('none');
  expect(dot.transitionDuration).toBe('0s');
  expect(dot.centres.every((x) => x !== null), `the dot is drawn on every frame: ${dot.centres}`).toBe(true);
  expect(new Set(dot.centres).size, `the dot moves from frame to frame: ${dot.centres}`).toBeGreaterThanOrEqual(5);

  const run = await markedRun(page, { parse: 'blocking' });
  expect(run.report.outcome).toBe('finished');
  const longest = Math.max(0, ...run.longTasks.map((t) => t.duration));
  // At full speed the default scenario's blocking parses are 450–600 ms tasks (the book's
  // benchmark); 4× slower they can only be longer.
  expect(longest, "the longest task the test's own observer saw, ms").toBeGreaterThanOrEqual(200);
  expect(run.maxGapMs, "the longest gap between the test's own animation frames, ms").toBeGreaterThanOrEqual(200);
  expect(
    run.report.long_tasks.some((t) => t.cause.startsWith('parse doc ')),
    `the app names a parse as a cause: ${run.report.long_tasks.map((t) => t.cause)}`,
  ).toBe(true);
});
