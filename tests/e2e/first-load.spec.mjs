// Issue "first load": what a fresh page downloads before its first worker run (one
// wasm module for the page and its workers), and the static skeleton that index.html
// shows before the wasm has arrived, which the app replaces without moving anything.
import { test, expect } from './fixtures.mjs';
import { CSP_BASE, LabPage } from './lab.page.mjs';

/** The run's documents, the simulator's corpus and its version check (doc/version):
 * data, not the app's files. */
const isData = (url) => /\/doc\/(\d+|version)(\?|$)/.test(url.pathname) || url.pathname.includes('/corpus/');

/** The boxes of the first screen's parts, in CSS pixels. */
function layoutBoxes(page) {
  return page.evaluate(() =>
    Object.fromEntries(
      ['header', 'h1', '.lesson-nav', '.start-here', '.controls', '.controls .buttons', '.heartbeat', '.documents', '.summary', '.lesson'].map((q) => {
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
    new Set([lab.base, `${lab.base}style.css`, `${lab.base}boot.js`, `${lab.base}app.js`, `${lab.base}app_bg.wasm`, `${lab.base}sw.js`]),
  );
});

test('before the wasm arrives, the page shows its title and the skeleton of its layout; the app takes its place', async ({ page }, testInfo) => {
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.setViewportSize({ width: 1200, height: 820 });
  const lab = new LabPage(page, { base: CSP_BASE });
  // Hold the wasm back until the skeleton has been looked at.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route('**/*.wasm', async (route) => {
    await held;
    await route.continue();
  });
  await lab.open();
  await expect(page.locator('h1')).toHaveText('Event Loop Lab');
  await expect(page.locator('#skeleton .controls')).toBeVisible();
  await expect(page.locator('#skeleton .status')).toHaveText('status: loading the app…');
  await expect(page.locator('#skeleton .controls button.primary')).toBeDisabled();
  // The live app's test ids are not in the skeleton.
  await expect(lab.runButton).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('before-wasm.png') });
  const before = await layoutBoxes(page);

  release();
  await lab.waitReady();
  await expect(page.locator('#skeleton')).toHaveCount(0);
  await expect(page.locator('h1')).toHaveCount(1);
  await page.screenshot({ path: testInfo.outputPath('after-wasm.png') });
  expect(await layoutBoxes(page), 'every part of the first screen where the skeleton had it').toEqual(before);
  expect(await page.evaluate(() => window.__violations), 'CSP violations').toEqual([]);
});

test('if the wasm cannot load, the skeleton says so', async ({ page, monitor }) => {
  monitor.allowConsoleError(/Failed to load resource/);
  await page.route('**/*.wasm', (route) => route.abort());
  await new LabPage(page).open();
  await expect(page.locator('#skeleton .status')).toContainText('the app could not load');
  await expect(page.locator('#skeleton .controls button.primary')).toBeDisabled();
});
