// The README's and the book's picture: a real run of step 4 (worker mode) in the built
// app, served as the e2e tests serve it. Run by scripts/screenshot.sh.
//   node screenshot.mjs OUT.png
import { chromium } from '@playwright/test';
import { CHROMIUM } from './chromium.mjs';
import { startServer, PLAIN_BASE } from './server.mjs';

const out = process.argv[2] || 'run.png';
const port = Number(process.env.E2E_PORT || 4179);
const server = await startServer({ port, cspEverywhere: false, log: false, gzip: true });
const browser = await chromium.launch(CHROMIUM);
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.goto(`http://127.0.0.1:${port}${PLAIN_BASE}?lesson=4`);
  await page.getByTestId('status').filter({ hasText: /^ready$/ }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Run with a worker pool' }).click();
  await page.getByTestId('status').filter({ hasText: /^done$/ }).waitFor({ timeout: 60_000 });
  // The step, the dot and the timeline: the top of the page.
  await page.screenshot({ path: out, clip: { x: 0, y: 0, width: 1200, height: 640 } });
  console.log(`screenshot.mjs: wrote ${out}`);
} finally {
  await browser.close();
  server.close();
}
