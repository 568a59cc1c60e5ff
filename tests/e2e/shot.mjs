// Dev helper (not a test): open the built app, run a scenario, save a screenshot.
//   node shot.mjs "<query>" out.png [runConfigJSON]
import { chromium } from '@playwright/test';
import { CHROMIUM } from './chromium.mjs';
const [query = '', out = 'shot.png', config] = process.argv.slice(2);
const port = process.env.E2E_PORT || 4178;
const browser = await chromium.launch(CHROMIUM);
const page = await browser.newPage({ viewport: { width: 1200, height: 820 } });
page.on('console', (m) => console.log('console:', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto(`http://127.0.0.1:${port}/docs/lab/${query ? '?' + query : ''}`);
await page.waitForFunction(() => window.eventLoopLab, null, { timeout: 20000 });
if (config) {
  const report = await page.evaluate((c) => window.eventLoopLab.run(c), JSON.parse(config));
  console.log(JSON.stringify({ total: report.total_ms, outcome: report.outcome,
    docs: report.documents.map((d) => [d.id, d.thread, d.links, d.words, d.hits, Math.round(d.parse_end_ms - d.parse_start_ms), d.error]) }));
}
await page.screenshot({ path: out, fullPage: true });
await browser.close();
