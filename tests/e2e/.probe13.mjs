import { chromium } from '@playwright/test';
import { CHROMIUM } from './chromium.mjs';
const browser = await chromium.launch(CHROMIUM);
const page = await browser.newPage();
page.on('console', m => { if (m.type() === 'error') console.log('console', m.text()); });
await page.goto('http://127.0.0.1:4178/docs/lab/');
await page.waitForFunction(() => document.querySelector('[data-testid=status]')?.textContent === 'ready');
for (const cfg of [{parse:'blocking'}, {parse:'sliced', yield:'frame'}, {parse:'sliced', yield:'timeout'}, {parse:'sliced', yield:'scheduler'}, {parse:'sliced', yield:'microtask'}]) {
  const out = await page.evaluate(async (cfg) => {
    const lt = []; const o = new PerformanceObserver(l => { for (const e of l.getEntries()) lt.push(e.duration); }); o.observe({type: 'longtask'});
    const frames = []; let on = true; const tick = () => { frames.push(performance.now()); if (on) requestAnimationFrame(tick); }; requestAnimationFrame(tick);
    const r = await window.eventLoopLab.run(cfg);
    on = false; await new Promise(r => setTimeout(r, 50)); o.disconnect();
    const gaps = []; for (let i = 1; i < frames.length; i++) gaps.push(frames[i] - frames[i-1]);
    const slow = gaps.filter(g => g > 2 * 1000/60).length;
    return { total: Math.round(r.total_ms), yield: r.config.yield, slowShare: (100 * slow / gaps.length).toFixed(1), maxGap: Math.round(Math.max(...gaps)), longTasks: lt.length, longest: Math.round(Math.max(0, ...lt)), links: r.documents.map(d => d.links).join(',') };
  }, cfg);
  console.log(JSON.stringify(cfg), JSON.stringify(out));
}
await browser.close();
