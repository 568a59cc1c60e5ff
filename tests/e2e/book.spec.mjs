// The project's book, as scripts/book.sh builds it (served under /guide/, the lab in
// its lab/ folder), read as a reader would: issue "docs pages, for real".
//
// Seven step embeds on one page cost only what the reader looks at: an embed starts its
// workers once it has been in view for a second or is used, and stops them after 30 s
// out of view (src/ui/app.rs says why). Workers are counted by the browser
// (Playwright's page.workers(): every dedicated worker of the page and its frames), not
// by the app. The `monitor` fixture fails a test on any page error, console error, or
// request that leaves the origin.
import { test, expect } from './fixtures.mjs';

const STEPS = '/guide/steps.html';
/** Step `n`'s iframe, found by the title the preprocessor gives it. */
const embed = (n) => `iframe[title^="Event Loop Lab, step ${n}:"]`;

test('the book: seven step embeds become ready as they scroll in and size themselves; a reader pausing under a second at each starts no pool; one who stays on step 4 starts two workers, and its run has no long task on the page', async ({ page }) => {
  test.setTimeout(150_000);
  await page.setViewportSize({ width: 900, height: 900 });
  await page.addInitScript(() => {
    if (window.top !== window) return;
    window.__tasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__tasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(STEPS);
  await expect(page.locator('iframe.event-loop-lab')).toHaveCount(7);
  const status = (n) => page.frameLocator(embed(n)).getByTestId('status');
  for (let n = 1; n <= 7; n++) {
    await page.locator(embed(n)).scrollIntoViewIfNeeded();
    await expect(status(n), `step ${n} becomes ready as it scrolls in`).toHaveText('ready', { timeout: 30_000 });
    // It sizes itself: the frame is as tall as the document in it (the page script
    // sets it from the embed's resize message), not the 560 px it was written with.
    const inner = await page.frameLocator(embed(n)).locator('body').evaluate((b) => Math.ceil(b.getBoundingClientRect().height));
    await expect.poll(async () => Math.round((await page.locator(embed(n)).boundingBox()).height), {
      message: `step ${n}'s frame height against its document's ${inner} px`,
    }).toBeGreaterThanOrEqual(inner - 2);
    expect((await page.locator(embed(n)).boundingBox()).height).not.toBe(560);
    // A pause under a second, measured on the page's own clock.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
    expect(page.workers().length, `dedicated workers after passing step ${n}`).toBeLessThanOrEqual(4);
  }
  expect(page.workers().length, 'no pool for a reader who only scrolled past').toBe(0);

  // Back to step 4, and stay: its pool starts.
  await page.locator(embed(4)).scrollIntoViewIfNeeded();
  await expect.poll(() => page.workers().length, { timeout: 15_000, message: "step 4's workers" }).toBe(2);
  const frame = page.frameLocator(embed(4));
  const before = await page.evaluate(() => performance.now());
  await frame.getByTestId('step-run-0').click();
  await expect(status(4)).toHaveText('done', { timeout: 60_000 });
  const after = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0))));
  const tasks = await page.evaluate(({ before, after }) => window.__tasks.filter((t) => t.start + t.duration >= before && t.start <= after), { before, after });
  expect(tasks, "long tasks on the book's main thread during step 4's worker run").toEqual([]);
  expect(page.workers().length, 'the worker count holds').toBe(2);
});

test("the embeds follow the book's theme: they start in it, and switch when the reader picks another", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(STEPS);
  const theme = () => page.frameLocator(embed(1)).locator('html').getAttribute('data-theme');
  await expect(page.frameLocator(embed(1)).getByTestId('status')).toHaveText('ready', { timeout: 30_000 });
  await expect.poll(theme, { message: "mdBook's light theme, told once the embed listens" }).toBe('light');
  for (const [book, lab] of [['navy', 'dark'], ['rust', 'light'], ['coal', 'dark'], ['ayu', 'dark'], ['light', 'light']]) {
    // The theme button opens mdBook's list (it may still be open from the last pick).
    const choice = page.locator(`#mdbook-theme-${book}`);
    if (!(await choice.isVisible())) await page.locator('#mdbook-theme-toggle').click();
    await choice.click();
    await expect.poll(theme, { message: `book theme ${book}` }).toBe(lab);
  }
});

test('the embedding chapter shows the directive as text and embeds nothing', async ({ page }) => {
  await page.goto('/guide/embedding.html');
  await expect(page.locator('iframe.event-loop-lab')).toHaveCount(0);
  await expect(page.locator('code', { hasText: '{{#event-loop-lab lesson=3}}' }).first()).toBeVisible();
});
