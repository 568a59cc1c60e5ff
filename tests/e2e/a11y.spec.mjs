// Everyone can use it (issue 14): axe-core finds no serious or critical violation in
// light, dark and embed, before, during and after a run, under the strict CSP; the
// keyboard alone runs it; the timeline has a text alternative and each run's result is
// announced once; narrow frames never scroll sideways; and colour-blind screenshots.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test, expect } from './fixtures.mjs';
import { CSP_BASE, LabPage } from './lab.page.mjs';

const require = createRequire(import.meta.url);
// Injected through the DevTools protocol (page.evaluate), as axe's Playwright
// integration does, so the page's strict CSP stays on.
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function seriousViolations(page) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

for (const query of ['theme=light', 'theme=dark', 'embed=1&theme=dark', 'lesson=3&theme=light', 'lesson=6&embed=1&theme=dark']) {
  test(`axe: no serious violation before, during and after a run (${query}, strict CSP)`, async ({ page, monitor }) => {
    test.setTimeout(90_000);
    // Doc 2 fails on purpose, so its error is on screen for axe to check.
    monitor.allowConsoleError(/status of 404/);
    const lab = new LabPage(page, { base: CSP_BASE });
    await lab.open(query);
    await lab.waitReady();
    expect(await seriousViolations(page), 'before').toEqual([]);
    const finished = lab.run({ docs: 4, size: 1024, latency: 400, parse: 'sliced', fail: '2:404', wait_ms: 0, forget: '' });
    await lab.waitStatus('running');
    expect(await seriousViolations(page), 'during').toEqual([]);
    expect((await finished).outcome).toBe('finished');
    expect(await seriousViolations(page), 'after').toEqual([]);
  });
}

test('the keyboard alone runs it, with a visible focus ring, and the result is announced once', async ({ lab, page }) => {
  await lab.open('lesson=2');
  await lab.waitReady();
  const announce = page.getByTestId('announce');
  await expect(announce).toHaveText('');
  // Tab from the top of the page to the step's Run button.
  let found = false;
  for (let i = 0; i < 30 && !found; i += 1) {
    await page.keyboard.press('Tab');
    found = await page.evaluate(() => document.activeElement?.dataset.testid === 'step-run-0');
  }
  expect(found, 'the Run button is reachable by Tab').toBe(true);
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  expect(ring, 'a visible focus ring').not.toBe('none');
  await page.keyboard.press('Enter');
  await lab.waitStatus('done', { timeout: 30_000 });
  const report = await lab.report();
  await expect(announce).toContainText(`Run ${report.run_id} finished in `);
  // The app writes whole ms as Rust does, a tie to the even one (714.5 as 714), where
  // Math.round goes up: the announced figure is the report's total to the nearest ms.
  const announced = Number((await announce.textContent()).match(/finished in (\d+) ms/)?.[1]);
  expect(Math.abs(announced - report.total_ms), `announced ${announced} ms for a total of ${report.total_ms} ms`).toBeLessThanOrEqual(0.5);
  // One live region only, so nothing else speaks up on every frame or row.
  expect(await page.locator('[aria-live], [role=status], [role=alert]').count()).toBe(1);

  // The next step, then its Run button, from the keyboard.
  await page.getByTestId('step-next').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('step-panel')).toHaveAttribute('data-step', '3');

  // The timeline as a table, opened from the keyboard.
  await page.getByTestId('timeline-table').locator('summary').focus();
  await page.keyboard.press('Enter');
  const rows = page.getByTestId('docs-table').locator('tbody tr');
  await expect(rows).toHaveCount(report.documents.length);
  const first = report.documents[0];
  // The table rounds as the app does; allow the half-way case either way.
  const parse = first.parse_end_ms - first.parse_start_ms;
  const cells = await rows.first().locator('td').allInnerTexts();
  expect(cells.some((c) => Math.abs(Number(c) - parse) <= 1), `a parse of ${parse} ms in ${cells}`).toBe(true);
  await expect(rows.first()).toContainText(first.thread);
});

for (const query of ['embed=1', '', 'lesson=3&embed=1', 'lesson=6']) {
  test(`no sideways scroll from 360 to 900 px (${query || 'full layout'})`, async ({ lab, page }) => {
    test.setTimeout(60_000);
    await lab.open(query);
    await lab.waitReady();
    await lab.run({ docs: 4, size: 64, latency: 100, parse: 'worker', wait_ms: 0, forget: '', fail: '3:not-utf8' });
    for (const width of [360, 480, 640, 900]) {
      await page.setViewportSize({ width, height: 800 });
      const m = await page.evaluate(
        () => new Promise((resolve) => requestAnimationFrame(() => resolve({
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
        }))),
      );
      expect(m.scroll, `${width} px: scrollWidth ≤ clientWidth`).toBeLessThanOrEqual(m.client);
    }
  });
}

test('colour-blind views: deuteranopia and protanopia screenshots', async ({ lab, page }, testInfo) => {
  await lab.open('theme=light');
  await lab.waitReady();
  await lab.run({ docs: 4, size: 2048, latency: 300, parse: 'blocking', wait_ms: 0, forget: '', fail: '' });
  await lab.run({ docs: 4, size: 2048, latency: 300, parse: 'worker', wait_ms: 0, forget: '', fail: '' });
  const cdp = await page.context().newCDPSession(page);
  for (const type of ['deuteranopia', 'protanopia']) {
    await cdp.send('Emulation.setEmulatedVisionDeficiency', { type });
    const path = testInfo.outputPath(`vision-${type}.png`);
    await page.getByTestId('main-lane').locator('..').screenshot({ path });
    await testInfo.attach(type, { path, contentType: 'image/png' });
  }
  await cdp.send('Emulation.setEmulatedVisionDeficiency', { type: 'none' });
  // Threads are named on their bars, not told apart by colour alone.
  await expect(page.locator('.bar-label').first()).toBeVisible();
});
