// Issue "docs pages, for real", part 3: seven step embeds on one page cost only what
// the reader looks at. An embed starts its workers once it has been in view for a
// second or is used, and stops them after 30 s out of view (src/ui/app.rs says why).
// Workers are counted by the browser (Playwright's page.workers(), every dedicated
// worker of the page and its frames), not by the app.
import { test, expect } from './fixtures.mjs';

test('a reader scrolling through seven step embeds, under a second at each, starts no pool; one who stays on step 4 starts its two workers, and its run has no long task on the page', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 900, height: 900 });
  await page.addInitScript(() => {
    if (window.top !== window) return;
    window.__tasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__tasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto('/book/steps.html');
  const status = (n) => page.frameLocator(`#step-${n}`).getByTestId('status');
  for (let n = 1; n <= 7; n++) {
    await page.locator(`#step-${n}`).scrollIntoViewIfNeeded();
    await expect(status(n), `step ${n} becomes ready as it scrolls in`).toHaveText('ready', { timeout: 30_000 });
    // A pause under a second, measured on the page's own clock.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
    expect(page.workers().length, `dedicated workers after passing step ${n}`).toBeLessThanOrEqual(4);
  }
  expect(page.workers().length, 'no pool for a reader who only scrolled past').toBe(0);

  // Back to step 4, and stay: its pool starts.
  await page.locator('#step-4').scrollIntoViewIfNeeded();
  await expect.poll(() => page.workers().length, { timeout: 15_000, message: "step 4's workers" }).toBe(2);
  const frame = page.frameLocator('#step-4');
  const before = await page.evaluate(() => performance.now());
  await frame.getByTestId('step-run-0').click();
  await expect(status(4)).toHaveText('done', { timeout: 60_000 });
  const after = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0))));
  const tasks = await page.evaluate(({ before, after }) => window.__tasks.filter((t) => t.start + t.duration >= before && t.start <= after), { before, after });
  expect(tasks, "long tasks on the book's main thread during step 4's worker run").toEqual([]);
  expect(page.workers().length, 'the worker count holds').toBe(2);
});
