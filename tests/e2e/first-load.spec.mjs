// Issue "first load": what a fresh page downloads before its first worker run (one
// wasm module for the page and its workers), and the first screen that index.html
// shows before the wasm has arrived (drawn at build time by the app's own components,
// src/bin/prerender.rs), which the app replaces without moving anything.
import { test, expect } from './fixtures.mjs';
import { CSP_BASE, LabPage } from './lab.page.mjs';

/** The run's documents, the simulator's corpus and its version check (doc/version):
 * data, not the app's files. */
const isData = (url) => /\/doc\/(\d+|version)(\?|$)/.test(url.pathname) || url.pathname.includes('/corpus/');

/** The boxes of the first screen's parts, in CSS pixels. */
function layoutBoxes(page) {
  return page.evaluate(() =>
    Object.fromEntries(
      ['header', 'h1', '.status', 'main', '.step-panel', '.verdict', '.lesson-nav', '.start-here', '.controls', '.controls .buttons', '.heartbeat', '.beat-numbers', '.documents', '.summary', '.lesson'].map((q) => {
        const r = document.querySelector(q)?.getBoundingClientRect();
        return [q, r ? [r.x, r.y, r.width, r.height].map(Math.round) : null];
      }),
    ),
  );
}

test('every file a fresh page requests before its first worker run: one .wasm, requested once', async ({ lab, page, context }, testInfo) => {
  const requests = [];
  context.on('request', (request) => requests.push(request));
  await lab.open('docs=4&latency=200&size=256');
  await lab.waitReady();
  const report = await lab.run({ parse: 'worker' });
  expect(report.outcome).toBe('finished');
  expect(report.documents.every((d) => d.error === null && d.thread.startsWith('worker-'))).toBe(true);
  expect(page.workers().length, 'pool workers').toBeGreaterThan(0);

  const files = requests
    .map((r) => new URL(r.url()))
    .filter((url) => url.protocol.startsWith('http') && !isData(url))
    .map((url) => url.pathname);
  await testInfo.attach('files.json', { body: JSON.stringify(files, null, 2), contentType: 'application/json' });
  console.log(`files a fresh page downloaded before its first worker run:\n  ${files.join('\n  ')}`);
  const wasm = files.filter((f) => f.endsWith('.wasm'));
  expect(wasm, 'the one wasm module, for the page and its workers').toEqual([`${lab.base}app_bg.wasm`]);
  // Each pool worker requests boot.js and app.js, its module scripts, but no wasm: it
  // runs the page's compiled module.
  expect(new Set(files), 'no file outside the app').toEqual(
    new Set([lab.base, `${lab.base}style.css`, `${lab.base}first-screen.js`, `${lab.base}boot.js`, `${lab.base}app.js`, `${lab.base}app_bg.wasm`, `${lab.base}sw.js`]),
  );
});

/** Each layout a URL can ask for, at a width where it is read, and what only it shows. */
const LAYOUTS = [
  { query: '', width: 1200, height: 820, only: '.start-here' },
  { query: 'lesson=3', width: 390, height: 844, only: '.step-panel[data-step="3"]' },
  { query: 'embed=1&lesson=4', width: 800, height: 700, only: '.step-panel[data-step="4"]' },
  { query: 'embed=1', width: 390, height: 844, only: '.controls' },
];

for (const layout of LAYOUTS) {
  test(`before the wasm arrives, ?${layout.query} shows its own layout at ${layout.width} px; the app takes its place without moving it`, async ({ page }, testInfo) => {
    await page.addInitScript(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.setViewportSize({ width: layout.width, height: layout.height });
    const lab = new LabPage(page, { base: CSP_BASE });
    // Hold the wasm back until the first screen has been looked at.
    let release;
    const held = new Promise((resolve) => (release = resolve));
    await page.route('**/*.wasm', async (route) => {
      await held;
      await route.continue();
    });
    await lab.open(layout.query);
    await expect(page.locator('h1')).toHaveText('Event Loop Lab');
    await expect(page.locator(`#skeleton ${layout.only}`)).toBeVisible();
    await expect(page.locator('#skeleton .status')).toHaveText('status: loading…');
    await expect(page.locator('#skeleton')).toHaveAttribute('inert', '');
    // One layout on the page, and none of the others left in it.
    await expect(page.locator('.app')).toHaveCount(1);
    await expect(page.locator('template')).toHaveCount(0);
    // The live app's test ids are not in the first screen.
    await expect(page.locator('[data-testid]')).toHaveCount(0);
    await page.screenshot({ path: testInfo.outputPath('before-wasm.png') });
    const before = await layoutBoxes(page);
    // The nodes painted first, to tell whether the app adopts them or draws new ones.
    await page.evaluate(() => (window.__firstScreen = [...document.querySelectorAll('h1, .status span, .controls input, .stage p')]));

    release();
    await lab.waitReady();
    await expect(page.locator('#skeleton')).toHaveCount(0);
    await expect(page.locator('.app')).toHaveCount(1);
    await expect(page.locator(layout.only)).toBeVisible();
    // Adopted (hydrated), not drawn again: the same nodes are in the live app.
    expect(await page.evaluate(() => window.__firstScreen.filter((n) => !n.isConnected).length), 'first-screen nodes the app dropped').toBe(0);
    await expect(page.locator('.app')).not.toHaveAttribute('inert');
    await page.screenshot({ path: testInfo.outputPath('after-wasm.png') });
    expect(await layoutBoxes(page), 'every part of the first screen where it was before the app started').toEqual(before);
    expect(await page.evaluate(() => window.__violations), 'CSP violations').toEqual([]);
  });
}

// The target: from navigation until the first run (started by a click, as a
// learner starts it) is done, the layout shifts the browser reports, less those within
// 500 ms of an input (hadRecentInput, as CLS counts them), sum to 0.05 or less.
const CLS_LIMIT = 0.05;
for (const [width, height] of [[390, 844], [1280, 800]]) {
  for (const query of ['', 'lesson=3', 'embed=1&lesson=4', 'embed=1']) {
    test(`?${query} at ${width}x${height}: layout shifts up to the end of the first run sum to ${CLS_LIMIT} or less`, async ({ page }, testInfo) => {
      await page.addInitScript(() => {
        window.__shifts = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            if (e.hadRecentInput) continue;
            const moved = e.sources.map((s) => `${s.node?.nodeName ?? '?'}.${s.node?.className ?? ''} y ${s.previousRect.y}->${s.currentRect.y}`);
            window.__shifts.push({ value: e.value, at: Math.round(e.startTime), moved });
          }
        }).observe({ type: 'layout-shift', buffered: true });
      });
      await page.setViewportSize({ width, height });
      const lab = new LabPage(page);
      await lab.open(query);
      await lab.waitReady();
      await (query.includes('lesson') ? page.getByTestId('step-run-0') : lab.runButton).click();
      await lab.waitStatus('done', { timeout: 60_000 });
      // Entries of the last frame are delivered after it: wait for one more frame.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
      const shifts = await page.evaluate(() => window.__shifts);
      await testInfo.attach('layout-shifts.json', { body: JSON.stringify(shifts, null, 2), contentType: 'application/json' });
      const sum = shifts.reduce((total, s) => total + s.value, 0);
      expect(sum, `layout shifts: ${JSON.stringify(shifts)}`).toBeLessThanOrEqual(CLS_LIMIT);
    });
  }
}

test('a URL that sets the scenario or holds a bad value is drawn anew beside the first screen, which goes: one app, no error', async ({ lab, page }) => {
  for (const query of ['lesson=3&parse=sliced', 'embed=1&docs=abc']) {
    await lab.open(query);
    await lab.waitReady();
    await expect(page.locator('.app'), query).toHaveCount(1);
    await expect(page.locator('#skeleton'), query).toHaveCount(0);
  }
  await expect(lab.noticeAbout('docs')).toHaveCount(1);
});

test('if the wasm cannot load, the first screen says so', async ({ page, monitor }) => {
  monitor.allowConsoleError(/Failed to load resource/);
  await page.route('**/*.wasm', (route) => route.abort());
  await new LabPage(page).open();
  await expect(page.locator('#skeleton .status')).toContainText('the app could not load');
  // Still inert: its controls do nothing.
  await expect(page.locator('#skeleton')).toHaveAttribute('inert', '');
  await expect(page.locator('#skeleton .controls button.primary')).toBeVisible();
});
