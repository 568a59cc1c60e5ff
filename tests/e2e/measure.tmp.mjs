import { chromium } from '@playwright/test';
const configs = JSON.parse(process.argv[2]);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
const page = await browser.newPage();
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto('http://127.0.0.1:4178/docs/lab/');
await page.waitForFunction(() => document.querySelector('[data-testid=status]')?.textContent === 'ready');
for (const c of configs) {
  const r = await page.evaluate(async (c) => {
    const tasks = [];
    const obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) tasks.push(Math.round(e.duration)); });
    obs.observe({ type: 'longtask' });
    const rep = await window.eventLoopLab.run(c);
    await new Promise((r) => setTimeout(r, 100));
    obs.disconnect();
    return { total: Math.round(rep.total_ms), tasks, parse: rep.documents.map((d) => Math.round(d.parse_end_ms - d.parse_start_ms)), links: rep.documents.map(d=>d.links).join(',') };
  }, c);
  console.log(JSON.stringify(c), JSON.stringify(r));
}
await browser.close();
