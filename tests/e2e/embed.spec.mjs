// Issue "embeddable in docs pages": the example docs page (docs/embedding.html, served
// from another folder) embeds two instances same-origin and cross-origin; the app runs
// under a strict CSP, with the in-page simulator, in a forced theme and reduced motion.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test, expect } from './fixtures.mjs';
import { OTHER_PORT } from './server.mjs';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Both iframes of the docs page run (the first by autorun, the second when its Run is
 * pressed, as the page asks) and take the height they posted.
 */
async function expectBothRunAndResize(page) {
  const ids = ['blocking', 'worker'];
  for (const id of ids) {
    const frame = page.frameLocator(`#${id}`);
    // The iframes load lazily, as a doc writer's would: bring each into view.
    await page.locator(`#${id}`).scrollIntoViewIfNeeded();
    if (id === 'worker') {
      await expect(frame.getByTestId('status')).toHaveText('ready', { timeout: 30_000 });
      await frame.getByTestId('run').click();
    }
    await expect(frame.getByTestId('status'), `${id} iframe runs`).toHaveText('done', { timeout: 60_000 });
    const iframe = page.locator(`#${id}`);
    await expect.poll(async () => {
      const outer = await iframe.evaluate((f) => f.getBoundingClientRect().height);
      const inner = await frame.locator('body').evaluate((b) => Math.ceil(b.getBoundingClientRect().height));
      return Math.abs(outer - inner) <= 2 && outer !== 480;
    }, { message: `${id} iframe is as tall as its content` }).toBe(true);
    const report = await frame.locator('body').evaluate(() => window.eventLoopLab.report());
    expect(report.documents.every((d) => d.error === null && d.links > 0)).toBe(true);
  }
}

test('the docs page embeds two instances that run and size their iframes', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 900, height: 900 });
  await page.goto('/book/embedding.html');
  await expectBothRunAndResize(page);
  await page.screenshot({ path: testInfo.outputPath('docs-page.png'), fullPage: true });
});

test('cross-origin: the same page on another origin embeds the app', async ({ page, monitor }, testInfo) => {
  const app = new URL('/docs/lab/', testInfo.project.use.baseURL).href;
  const host = `http://127.0.0.1:${OTHER_PORT}`;
  monitor.allowOrigin(host);
  await page.goto(`${host}/book/embedding.html?app=${encodeURIComponent(app)}`);
  await expectBothRunAndResize(page);
});

test('under a strict CSP the app runs with its workers and no violation', async ({ lab, page }) => {
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto('/csp/lab/?docs=3&latency=200&size=256');
  await lab.waitReady();
  for (const parse of ['worker', 'sliced']) {
    const report = await lab.run({ parse });
    expect(report.documents.every((d) => d.error === null && d.links > 0), parse).toBe(true);
  }
  await lab.waitStatus('done');
  await expect(page.getByTestId('long-task')).toHaveCount(0);
  expect(await page.evaluate(() => window.__violations)).toEqual([]);
});

test('simulator=page: without the service worker the results are the same', async ({ lab, page }) => {
  const config = { docs: 3, latency: 300, size: 256, parse: 'worker' };
  await lab.open('simulator=page');
  await lab.waitReady();
  await expect(page.getByTestId('simulator-note')).toBeVisible();
  const inPage = await lab.run(config);
  expect(inPage.total_ms).toBeGreaterThanOrEqual(300);

  await lab.open();
  await lab.waitReady();
  await expect(page.getByTestId('simulator-note')).toHaveCount(0);
  const viaWorker = await lab.run(config);
  const found = (r) => r.documents.map((d) => [d.id, d.bytes, d.links, d.words, d.hits, d.error]);
  expect(found(inPage)).toEqual(found(viaWorker));
});

test('theme=dark and reduced motion', async ({ lab, page }, testInfo) => {
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
  await lab.open('theme=dark&embed=1&docs=3&latency=200&size=256&autorun=1');
  await lab.waitStatus('done');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background, 'a dark background despite a light system').toBe('rgb(21, 23, 28)');
  await expect(page.locator('.heartbeat .track')).toBeHidden();
  await expect(page.getByTestId('frames')).toBeVisible();
  await page.setViewportSize({ width: 720, height: 900 });
  await page.screenshot({ path: testInfo.outputPath('embed-dark.png'), fullPage: true });
});

test('the Embed action shows a snippet with the current scenario, and its mdBook line', async ({ lab, page }) => {
  await lab.open('docs=5&parse=sliced');
  await lab.waitReady();
  await page.getByTestId('embed').click();
  const snippet = await page.getByTestId('embed-snippet').inputValue();
  expect(snippet).toContain('docs=5&amp;');
  expect(snippet).toContain('parse=sliced');
  expect(snippet).toContain('&amp;embed=1');
  expect(snippet).toContain('event-loop-lab:resize');
  const line = await page.getByTestId('embed-book-line').inputValue();
  expect(line).toMatch(/^\{\{#event-loop-lab docs=5 latency=\d+ .*parse=sliced.*\}\}$/);
});

test('a sandboxed iframe (no allow-same-origin) falls back to the in-page simulator', async ({ page }) => {
  await page.goto('/book/embedding.html');
  // A host page that sandboxes the app: no service worker and no workers there.
  await page.evaluate(() => {
    document.body.innerHTML = '<iframe id="sandboxed" sandbox="allow-scripts" width="860" height="700"' +
      ' src="/docs/lab/?embed=1&docs=2&size=64&latency=100&parse=sliced&autorun=1"></iframe>';
  });
  const frame = page.frameLocator('#sandboxed');
  await expect(frame.getByTestId('status')).toHaveText('done', { timeout: 30_000 });
  await expect(frame.getByTestId('simulator-note')).toContainText('sandboxed');
  await expect(frame.getByTestId('doc-row').and(frame.locator('[data-state="done"]'))).toHaveCount(2);

  // Worker mode cannot start workers there: each row says why, nothing crashes.
  await frame.getByTestId('parse-worker').check();
  await frame.getByTestId('run').click();
  await expect(frame.getByTestId('doc-error').first()).toContainText('sandboxed', { timeout: 30_000 });
  await expect(frame.getByTestId('status')).toHaveText('done');
});

test("the host's theme message switches an embed's theme at once, with no layout shift, and axe finds nothing serious in either theme", async ({ page }) => {
  await page.setViewportSize({ width: 900, height: 900 });
  await page.goto('/book/embedding.html');
  await page.locator('#worker').scrollIntoViewIfNeeded();
  const frame = await (await page.locator('#worker').elementHandle()).contentFrame();
  await expect.poll(() => frame.evaluate(() => document.querySelector('[data-testid=status]')?.textContent), { timeout: 30_000 }).toBe('ready');
  // The frame's own layout shifts, from now on.
  await frame.evaluate(() => {
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts.push(e.value);
    }).observe({ type: 'layout-shift' });
  });
  const theme = () => frame.evaluate(() => document.documentElement.dataset.theme ?? null);
  const height = () => page.locator('#worker').evaluate((f) => f.getBoundingClientRect().height);
  const before = await height();
  const axeSerious = async () => {
    await frame.evaluate(AXE_SOURCE);
    const result = await frame.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
  };
  for (const wanted of ['dark', 'light']) {
    await page.evaluate((t) => document.querySelector('#worker').contentWindow.postMessage({ type: 'event-loop-lab:theme', theme: t }, '*'), wanted);
    await expect.poll(theme).toBe(wanted);
    expect(await axeSerious(), `axe, ${wanted} theme`).toEqual([]);
  }
  // Not from the parent, or not a theme it knows: ignored.
  await frame.evaluate(() => window.postMessage({ type: 'event-loop-lab:theme', theme: 'dark' }, '*'));
  await page.evaluate(() => document.querySelector('#worker').contentWindow.postMessage({ type: 'event-loop-lab:theme', theme: 'sepia' }, '*'));
  // A message of the host's own, after both: once the frame has it, it has handled them.
  await frame.evaluate(() => window.addEventListener('message', (e) => { if (e.data?.type === 'marker') window.__marker = true; }));
  await page.evaluate(() => document.querySelector('#worker').contentWindow.postMessage({ type: 'marker' }, '*'));
  await expect.poll(() => frame.evaluate(() => window.__marker === true)).toBe(true);
  expect(await theme()).toBe('light');
  expect(await height(), 'the iframe keeps its height').toBe(before);
  expect(await frame.evaluate(() => window.__shifts.reduce((a, b) => a + b, 0)), 'layout shift in the frame').toBe(0);
});

test('compact step embeds at 720 px: under 800 px before a run; after it the step, its verdict, the dot and the timeline within 900 px; the code folded, open on request', async ({ lab, page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 720, height: 900 });
  for (let n = 1; n <= 7; n++) {
    await lab.open(`lesson=${n}&embed=1`);
    await lab.waitReady();
    const height = await page.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
    expect(height, `step ${n}: the embed's height before a run`).toBeLessThanOrEqual(800);
    await lab.clickRun(page.getByTestId('step-run-0'));
    await expect(page.getByTestId('verdict')).toContainText('What this run measured');
    const bottom = (q) => page.locator(q).first().evaluate((e) => Math.ceil(e.getBoundingClientRect().bottom + window.scrollY));
    for (const [what, q] of [['verdict', '[data-testid=verdict]'], ['dot', '.heartbeat .track'], ['timeline', '[data-testid=main-lane]']]) {
      expect(await bottom(q), `step ${n}: the ${what} ends within 900 px`).toBeLessThanOrEqual(900);
    }
    const code = page.getByTestId('step-code');
    await expect(code).not.toHaveAttribute('open');
    await code.locator('summary').click();
    await expect(page.getByTestId('rust-snippet').first()).toBeVisible();
  }
});
