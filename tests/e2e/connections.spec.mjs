// Issue "read a run after the fact", parts 4 and 5: connections=6 makes either latency
// simulator serve at most six answers of a run at once, as a browser's per-origin pool
// over HTTP/1.1 does; and a page served by the simulator of another deploy notices it.
import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures.mjs';
import { LabPage } from './lab.page.mjs';
import { HOST, PLAIN_BASE, startServer } from './server.mjs';

const LATENCY = 400;
const DOCS = 18;
const LIGHT = { size: 64, query: 'thread', parse: 'worker', fetch: 'concurrent' };

for (const simulator of ['auto', 'page']) {
  test(`connections=6 (${simulator === 'auto' ? 'service worker' : 'in-page simulator'}): ${DOCS} documents × ${LATENCY} ms take three rounds, and the later ones wait for a connection`, async ({ lab, page }) => {
    await lab.open(`simulator=${simulator}`);
    await lab.waitReady();
    const report = await page.evaluate((c) => window.eventLoopLab.run(c), { docs: DOCS, latency: LATENCY, connections: 6, ...LIGHT });
    expect(report.outcome).toBe('finished');
    expect(report.config.connections).toBe(6);
    expect(report.documents.every((d) => d.error === null)).toBe(true);
    // ⌈18 / 6⌉ = 3 rounds of 400 ms, plus the page's own time (small documents).
    expect(report.total_ms).toBeGreaterThanOrEqual(3 * LATENCY);
    expect(report.total_ms).toBeLessThanOrEqual(3 * LATENCY + 300);
    // Six got a connection at once; twelve waited for one, by the server's own stamps.
    const waited = report.documents.filter((d) => d.connected_ms - d.fetch_start_ms >= LATENCY / 2);
    expect(waited).toHaveLength(DOCS - 6);
    const at = await page.evaluate((t) => window.eventLoopLab.at(t), report.started_ms + LATENCY / 4);
    expect(at.documents.filter((d) => d.state === 'waiting_for_connection')).toHaveLength(DOCS - 6);
    expect(at.documents.filter((d) => d.state === 'waiting_for_server')).toHaveLength(6);
    await expect(page.getByTestId('free-verdict')).toContainText('HTTP/2 carries every request of a page over one connection');
    // Unlimited again: one round.
    const free = await page.evaluate((c) => window.eventLoopLab.run(c), { docs: DOCS, latency: LATENCY, connections: 'unlimited', ...LIGHT });
    expect(free.config.connections).toBeNull();
    expect(free.total_ms).toBeLessThan(2 * LATENCY);
    expect(free.documents.every((d) => d.connected_ms === null)).toBe(true);
  });
}

test('a page served by the simulator of another deploy says so and runs right with the in-page simulator', async ({ page, monitor }) => {
  // A server of its own, whose sw.js is an older deploy's (protocol 1, which knows
  // nothing of connections) until the test lets the new one through.
  let old = true;
  const server = await startServer({
    port: 0, // any free port
    // The older deploy's sw.js is the source with its protocol set back: the built one
    // is minified, and its minifier writes the constant's value where it is used.
    rewrite: (file) => {
      if (!old || file !== 'sw.js') return null;
      const source = readFileSync(new URL('../../static/sw.js', import.meta.url), 'utf8');
      const older = source.replace('const PROTOCOL = 2;', 'const PROTOCOL = 1;');
      if (older === source) throw new Error('static/sw.js no longer declares `const PROTOCOL = 2;`: update this test');
      return Buffer.from(older);
    },
  });
  try {
    const origin = `http://${HOST}:${server.address().port}`;
    monitor.allowOrigin(origin);
    const lab = new LabPage(page, { base: `${origin}${PLAIN_BASE}` });
    await lab.open();
    await lab.waitReady({ timeout: 60_000 });
    await expect(page.getByTestId('simulator-note')).toContainText('another version of the app (version 1, this page needs 2)');
    const report = await page.evaluate((c) => window.eventLoopLab.run(c), { docs: 8, latency: 300, connections: 6, ...LIGHT });
    expect(report.outcome).toBe('finished');
    // The ceiling holds: the in-page simulator served the run, not the old worker.
    expect(report.documents.filter((d) => d.connected_ms - d.fetch_start_ms >= 150)).toHaveLength(2);
    // Once the new deploy's sw.js is served, a reload picks it up and the note is gone.
    old = false;
    await page.reload();
    await lab.waitReady({ timeout: 60_000 });
    await expect(page.getByTestId('simulator-note')).toHaveCount(0);
    const again = await page.evaluate((c) => window.eventLoopLab.run(c), { docs: 8, latency: 300, connections: 6, ...LIGHT });
    expect(again.documents.filter((d) => d.connected_ms - d.fetch_start_ms >= 150)).toHaveLength(2);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
