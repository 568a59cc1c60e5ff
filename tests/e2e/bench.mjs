// The browser part of the benchmark (scripts/bench.sh builds, runs the native example,
// then runs this). Serves a release build in-process (server.mjs's startServer), drives
// the system Chromium headless through `window.eventLoopLab.run(config)`, and prints ONE
// markdown table (stdout) with everything side by side; the same data, plus every raw
// run, goes to a JSON file.
//
//   node bench.mjs        (from tests/e2e; normally through scripts/bench.sh)
//
// Every browser figure is the median of RUNS measured runs; rows 1-5 after one warm-up
// run of the same config (the warm-up also resizes the worker pool, so no run pays for
// starting workers), row 6 on fresh pages (readiness: navigation -> "ready" -> the first
// worker run, with and without CDP throttling). MB = 10^6 bytes. Nothing here sleeps for
// a fixed time.
//
// Environment:
//   BENCH_DIST         dist folder to serve (default ../../target/bench-dist)
//   BENCH_PORT         port on 127.0.0.1 (default 4179, so it never collides with the e2e 4178)
//   BENCH_OUT          JSON output (default ../../target/bench.json)
//   BENCH_NATIVE_JSON  file with the JSON line of `cargo run --release --example throughput`
//   BENCH_NPROC        `nproc` of the machine (default: node's availableParallelism())
//   BENCH_COMMIT       git commit to print (default: unknown)
//   BENCH_RUNS         measured runs per config (default 3)
//   E2E_CHROMIUM       Chromium binary (default /usr/bin/chromium, as in playwright.config.mjs)
import { chromium } from '@playwright/test';
import { CHROMIUM } from './chromium.mjs';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, PLAIN_BASE, BOOK_BASE } from './server.mjs';
import { startTrace, markedRun, mainThreadBusy } from './owncost.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const DIST = path.resolve(process.env.BENCH_DIST || path.join(ROOT, 'target/bench-dist'));
const PORT = Number(process.env.BENCH_PORT || 4179);
const OUT = path.resolve(process.env.BENCH_OUT || path.join(ROOT, 'target/bench.json'));
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS || 3));
const NPROC = Number(process.env.BENCH_NPROC || os.availableParallelism());
const COMMIT = process.env.BENCH_COMMIT || 'unknown';
const ORIGIN = `http://127.0.0.1:${PORT}`;
// Upper bound for one run (the default scenario takes a few seconds here); a run that
// takes longer fails the bench instead of hanging it.
const RUN_TIMEOUT_MS = 120_000;
const MB = 1e6;

const log = (...args) => console.error('bench:', ...args);

/** Private memory (Private_Clean + Private_Dirty of smaps_rollup), MB, of `browser`'s
 * renderer processes: the pages, their frames, and their workers (threads of them). */
async function rendererPrivateMb(browser) {
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
  await cdp.detach();
  let kb = 0;
  for (const p of processInfo.filter((x) => x.type === 'renderer')) {
    try {
      const rollup = readFileSync(`/proc/${p.id}/smaps_rollup`, 'utf8');
      for (const m of rollup.matchAll(/^Private_(?:Clean|Dirty):\s+(\d+) kB/gm)) kb += Number(m[1]);
    } catch {
      // A process that has just ended.
    }
  }
  return (kb * 1024) / MB;
}

/**
 * Row 10, in a browser of its own (so no other page shares its renderers): a chapter of
 * the book with no embed; then the seven step embeds of "The seven steps", each scrolled
 * into view until ready and left after half a second, as a reader passing by; then step
 * 4 again, stayed on until its pool started. Memory after each, and the dedicated
 * workers alive (page.workers()).
 */
async function embedsMemoryOnce() {
  const own = await chromium.launch(CHROMIUM);
  try {
    const page = await own.newPage({ viewport: { width: 900, height: 900 } });
    const settle = () => page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 2000)));
    await page.goto(`${ORIGIN}${BOOK_BASE}introduction.html`);
    await settle();
    const none = await rendererPrivateMb(own);
    await page.goto(`${ORIGIN}${BOOK_BASE}steps.html`);
    const frame = (n) => `iframe[title^="Event Loop Lab, step ${n}:"]`;
    for (let n = 1; n <= 7; n++) {
      await page.locator(frame(n)).scrollIntoViewIfNeeded();
      await page.frameLocator(frame(n)).getByTestId('status').filter({ hasText: /^ready$/ }).waitFor({ timeout: 60_000 });
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
    }
    await settle();
    const passed = await rendererPrivateMb(own);
    const passedWorkers = page.workers().length;
    await page.locator(frame(4)).scrollIntoViewIfNeeded();
    // Each new worker is an event of the page; wait for them, up to a deadline.
    const deadline = Date.now() + 30_000;
    while (page.workers().length < 2 && Date.now() < deadline) {
      await page.waitForEvent('worker', { timeout: Math.max(1, deadline - Date.now()) }).catch(() => null);
    }
    await settle();
    return { none, passed, passed_workers: passedWorkers, stayed: await rendererPrivateMb(own), stayed_workers: page.workers().length };
  } finally {
    await own.close();
  }
}

// --- statistics -------------------------------------------------------------------------
const median = (xs) => {
  const s = xs.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const fmt = (x, digits = 0) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));
const runsList = (xs, digits = 0) => xs.map((x) => fmt(x, digits)).join(' / ');

/** Rejects with `message` if `promise` has not settled after `ms` (page.evaluate has no timeout). */
function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// --- the page side of one measured run ------------------------------------------------
// Runs in the page: registers its own long-task observer and rAF loop, calls run(config),
// waits one extra animation frame + setTimeout(0) so the last entries are delivered, and
// returns the numbers (not the whole report).
async function pageRun(config) {
  const longtasks = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longtasks.push({ start: e.startTime, duration: e.duration });
  });
  observer.observe({ type: 'longtask', buffered: false });

  const frames = [];
  let looping = true;
  const tick = () => {
    frames.push(performance.now());
    if (looping) requestAnimationFrame(tick);
  };
  // Open the window on a frame: the first gap starts at a real rAF callback.
  await new Promise((resolve) =>
    requestAnimationFrame(() => {
      frames.push(performance.now());
      requestAnimationFrame(tick);
      resolve();
    }),
  );

  const t0 = performance.now();
  const report = await window.eventLoopLab.run(config);
  const t1 = performance.now();
  // One extra animation frame (it closes the last gap: our loop's callback of that frame
  // runs before this one) and a task, so pending long-task entries are delivered.
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  looping = false;
  for (const e of observer.takeRecords()) longtasks.push({ start: e.startTime, duration: e.duration });
  observer.disconnect();

  // Gaps between consecutive rAF callbacks, up to the first callback after the run ended.
  const end = frames.findIndex((t) => t >= t1);
  const window_ = end === -1 ? frames : frames.slice(0, end + 1);
  let maxGap = 0;
  let slow = 0;
  for (let i = 1; i < window_.length; i++) {
    const gap = window_[i] - window_[i - 1];
    maxGap = Math.max(maxGap, gap);
    if (gap > (2 * 1000) / 60) slow += 1;
  }

  if (!report) return { error: 'run() resolved with no report' };
  return {
    outcome: report.outcome,
    config: report.config,
    total_ms: report.total_ms,
    wall_ms: t1 - t0,
    documents: report.documents.map((d) => ({
      id: d.id,
      bytes: d.bytes,
      // Time actually spent working (the sum of the slices in sliced mode).
      parse_ms: d.work_ms ?? null,
      thread: d.thread,
      handoff_ms: d.handoff_ms ?? null,
      error: d.error,
    })),
    longtask_count: longtasks.length,
    longtask_max_ms: longtasks.length ? Math.max(...longtasks.map((e) => e.duration)) : 0,
    frames: window_.length,
    max_frame_gap_ms: window_.length > 1 ? maxGap : null,
    slow_frame_share: window_.length > 1 ? slow / (window_.length - 1) : null,
  };
}

// Runs in the page: starts `heavy`, cancels it while its documents are being parsed
// (once every body has arrived, so the simulated server's own work on the heavy
// documents is over and only the app's work is measured), then runs `small` and
// returns its total. The poll has a deadline; nothing sleeps.
async function cancelThenRun({ heavy, small, deadlineMs }) {
  const pending = window.eventLoopLab.run(heavy);
  const deadline = performance.now() + deadlineMs;
  const rows = (state) => document.querySelectorAll(`[data-testid=doc-row][data-state=${state}]`).length;
  await new Promise((resolve, reject) => {
    const poll = () => {
      if (rows('parsing') > 0 && rows('fetching') + rows('queued') === 0) resolve();
      else if (performance.now() > deadline) reject(new Error('no document was being parsed'));
      else setTimeout(poll, 2);
    };
    poll();
  });
  window.eventLoopLab.cancel();
  const cancelled = await pending;
  const report = await window.eventLoopLab.run(small);
  return { cancelled: cancelled.outcome, outcome: report.outcome, total_ms: report.total_ms };
}

/** Checks that a run did what was asked; throws with details otherwise. */
function check(name, config, r) {
  const problems = [];
  if (r.error) problems.push(r.error);
  else {
    if (r.outcome !== 'finished') problems.push(`outcome ${r.outcome}`);
    for (const k of Object.keys(config)) {
      if (String(r.config[k]) !== String(config[k])) problems.push(`config.${k} is ${r.config[k]}, asked ${config[k]}`);
    }
    if ((r.config.fail || []).length) problems.push(`config.fail is ${JSON.stringify(r.config.fail)}`);
    if (r.documents.length !== config.docs) problems.push(`${r.documents.length} documents, asked ${config.docs}`);
    for (const d of r.documents) {
      if (d.error) problems.push(`doc ${d.id}: ${d.error}`);
      else if (d.bytes !== config.size * 1024) problems.push(`doc ${d.id}: ${d.bytes} bytes, expected ${config.size * 1024}`);
      else if (d.parse_ms === null) problems.push(`doc ${d.id}: no parse times`);
    }
  }
  if (problems.length) throw new Error(`${name}: ${problems.slice(0, 5).join('; ')}`);
}

// Rows 8 and 9: the scenarios of the issue "light enough for a phone".
const OWN_SCENARIOS = { default: {}, '32 documents': { docs: 32, size: 512 } };

/** A fresh page at CPU 4× (its own context): ready, then its first worker run of
 * `query`'s scenario and a later one, each measured by markedRun. */
async function phoneOnce(browser, query) {
  const context = await browser.newContext({ serviceWorkers: 'allow' });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(RUN_TIMEOUT_MS);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE.cpuRate });
    const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    await page.goto(`${ORIGIN}${PLAIN_BASE}?${params}`);
    await page.waitForFunction(() => document.querySelector('[data-testid=status]')?.textContent === 'ready', null, { timeout: RUN_TIMEOUT_MS });
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const run = await withTimeout(markedRun(page, { parse: 'worker' }), RUN_TIMEOUT_MS, 'phone: a run took too long');
      if (run.report.outcome !== 'finished') throw new Error(`phone: run ${run.report.outcome}`);
      runs.push({ longTasks: run.longTasks.map((t) => t.duration), maxGapMs: run.maxGapMs, own_ms: run.report.own_ms, total_ms: run.report.total_ms });
    }
    return runs;
  } finally {
    await context.close();
  }
}

// --- main -------------------------------------------------------------------------------
if (!existsSync(path.join(DIST, 'index.html'))) {
  console.error(`bench.mjs: ${path.join(DIST, 'index.html')} not found (scripts/bench.sh builds it)`);
  process.exit(1);
}
let native = null;
if (process.env.BENCH_NATIVE_JSON) {
  native = JSON.parse(readFileSync(process.env.BENCH_NATIVE_JSON, 'utf8').trim().split('\n').pop());
}

// --- readiness: a fresh page, from navigation ------------------------------------------
// "ready" is what the app says: its status line reads "ready" once the latency simulator
// controls the page (or the in-page one took over), the pool's workers are loaded and
// listening, and the first-use rehearsal has run (src/ui/rehearsal.rs); Run then starts
// a run's clock at once. Recorded in the page by a MutationObserver, as performance.now(),
// whose origin is the navigation's start.
function recordReadiness() {
  window.__bench = { ready_ms: null, longtasks: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__bench.longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const check = () => {
    if (window.__bench.ready_ms === null && document.querySelector('[data-testid=status]')?.textContent === 'ready') {
      window.__bench.ready_ms = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
}

// The first worker run of a fresh page: small, so it shows the fixed costs of a first
// run (the simulator's corpus, the hand-over, the workers' first job), not the work.
const FIRST_RUN = { docs: 2, size: 64, latency: 0, fetch: 'concurrent', parse: 'worker' };
// CDP throttling: a slow connection and a slow phone's CPU.
const THROTTLE = { downloadKbit: 1600, uploadKbit: 750, rttMs: 150, cpuRate: 4 };

/** One fresh context (cold HTTP cache, no service worker yet): navigation → ready → first worker run. */
async function readinessOnce(browser, throttled) {
  const context = await browser.newContext({ serviceWorkers: 'allow' });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(RUN_TIMEOUT_MS);
    await page.addInitScript(recordReadiness);
    if (throttled) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: THROTTLE.rttMs,
        downloadThroughput: (THROTTLE.downloadKbit * 1000) / 8,
        uploadThroughput: (THROTTLE.uploadKbit * 1000) / 8,
      });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE.cpuRate });
    }
    await page.goto(`${ORIGIN}${PLAIN_BASE}`);
    await page.waitForFunction(() => window.__bench?.ready_ms !== null, null, { timeout: RUN_TIMEOUT_MS });
    const result = await page.evaluate(async (config) => {
      const report = await window.eventLoopLab.run(config);
      const done_ms = performance.now();
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      const during = window.__bench.longtasks.filter((t) => t.start + t.duration >= report.started_ms && t.start <= report.finished_ms);
      return {
        ready_ms: window.__bench.ready_ms,
        first_run_done_ms: done_ms,
        outcome: report.outcome,
        errors: report.documents.filter((d) => d.error !== null).length,
        first_run_longest_task_ms: Math.max(0, ...during.map((t) => t.duration)),
        startup_longest_task_ms: Math.max(0, ...window.__bench.longtasks.filter((t) => t.start < window.__bench.ready_ms).map((t) => t.duration)),
      };
    }, FIRST_RUN);
    if (result.outcome !== 'finished' || result.errors) throw new Error(`readiness: first run ${result.outcome}, ${result.errors} errors`);
    return result;
  } finally {
    await context.close();
  }
}

/** RUNS fresh pages, unthrottled or throttled. */
async function readiness(browser, throttled) {
  const runs = [];
  for (let i = 1; i <= RUNS; i++) {
    const r = await readinessOnce(browser, throttled);
    log(`readiness ${throttled ? 'throttled' : 'unthrottled'} ${i}/${RUNS}: ready ${fmt(r.ready_ms)} ms, first worker run done ${fmt(r.first_run_done_ms)} ms`);
    runs.push(r);
  }
  return runs;
}

// 1-minute load average when the browser part starts: other work on the machine (builds,
// tests) competes for the same cores, and this shows it in the table's header.
const loadStart = os.loadavg()[0];
// Compressed, as a host should serve the app (the book, "Serving it compressed").
const server = await startServer({ dist: DIST, port: PORT, cspEverywhere: false, log: false, gzip: true });
let browser;
const pageErrors = [];
try {
  browser = await chromium.launch(CHROMIUM);
  // 6: readiness of fresh pages, first (its own contexts).
  const ready = { unthrottled: await readiness(browser, false), throttled: await readiness(browser, true) };
  const context = await browser.newContext({ serviceWorkers: 'allow' });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(`console: ${msg.text()}`);
  });
  page.setDefaultTimeout(RUN_TIMEOUT_MS);

  await page.goto(`${ORIGIN}${PLAIN_BASE}`);
  await page.waitForFunction(
    () =>
      typeof window.eventLoopLab?.run === 'function' &&
      document.querySelector('[data-testid=status]')?.textContent === 'ready',
    null,
    { timeout: 60_000 },
  );
  const hardwareConcurrency = await page.evaluate(() => navigator.hardwareConcurrency);
  const defaultWorkers = Math.min(Math.max(hardwareConcurrency, 1), 4);
  log(`Chromium ${browser.version()}, hardwareConcurrency ${hardwareConcurrency}, nproc ${NPROC}`);

  // The default scenario, every key given (omitted keys would keep the previous run's).
  const DEFAULT = { docs: 6, latency: 800, size: 3072, fetch: 'concurrent', parse: 'blocking', yield: 'frame', workers: defaultWorkers };

  /** Warm-up + RUNS measured runs of one config; returns the measured runs. */
  async function measure(name, config) {
    const all = [];
    for (let i = 0; i <= RUNS; i++) {
      const r = await withTimeout(page.evaluate(pageRun, config), RUN_TIMEOUT_MS, `${name}: a run took over ${RUN_TIMEOUT_MS / 1000} s`);
      check(name, config, r);
      all.push(r);
      log(`${name} ${i === 0 ? 'warm-up' : `run ${i}/${RUNS}`}: total ${fmt(r.total_ms)} ms`);
    }
    return all.slice(1);
  }
  /** MB/s of the work: sum of bytes / sum of parse time. */
  const throughput = (r) => sum(r.documents.map((d) => d.bytes)) / MB / (sum(r.documents.map((d) => d.parse_ms)) / 1000);

  // 1 + 2: throughput and pool speedup, latency 0 so only the work counts.
  const WORK = { ...DEFAULT, latency: 0 };
  const blockingWork = await measure('throughput blocking', { ...WORK, parse: 'blocking' });
  const pool = {};
  for (const k of [1, 2, 4]) pool[k] = await measure(`pool k=${k}`, { ...WORK, parse: 'worker', workers: k });
  // 3: hand-off cost, many documents so the 0.1 ms clock granularity averages out.
  const HANDOFF = { ...WORK, docs: 32, size: 1024, parse: 'worker', workers: defaultWorkers };
  const handoff = await measure('handoff', HANDOFF);
  // 5: a small run right after cancelling a heavy one mid-parse, against the same small
  // run on a clean pool, alternating so both see the same machine load.
  const SMALL = { ...WORK, docs: 2, size: 1024, parse: 'worker', workers: 2 };
  const HEAVY = { ...WORK, docs: 8, size: 6144, parse: 'worker', workers: 2 };
  const cancelPairs = [];
  await measure('cancel: small run warm-up', SMALL);
  for (let i = 1; i <= RUNS; i++) {
    const clean = await withTimeout(page.evaluate(pageRun, SMALL), RUN_TIMEOUT_MS, 'cancel: the clean run took too long');
    check('cancel: clean run', SMALL, clean);
    const after = await withTimeout(
      page.evaluate(cancelThenRun, { heavy: HEAVY, small: SMALL, deadlineMs: 60_000 }),
      RUN_TIMEOUT_MS,
      'cancel: the run after cancel took too long',
    );
    if (after.cancelled !== 'cancelled' || after.outcome !== 'finished') {
      throw new Error(`cancel: heavy run ${after.cancelled}, small run ${after.outcome}`);
    }
    cancelPairs.push({ clean_ms: clean.total_ms, after_cancel_ms: after.total_ms });
    log(`cancel ${i}/${RUNS}: clean ${fmt(clean.total_ms)} ms, after cancel ${fmt(after.total_ms)} ms`);
  }
  // 7: the hostile document's parse time per byte against corpus documents of the same
  // size, on the main thread, in pairs so both see the same machine load. The size is
  // the hostile page's own (it is one fixed page), rounded to whole KiB.
  const HOSTILE_DOCS = 4;
  const HOSTILE_BASE = { ...WORK, docs: HOSTILE_DOCS, parse: 'blocking' };
  const allHostile = Array.from({ length: HOSTILE_DOCS }, (_, i) => `${i + 1}:hostile`).join(',');
  const perByte = (r) => sum(r.documents.map((d) => d.parse_ms)) / (sum(r.documents.map((d) => d.bytes)) / MB);
  async function hostileRun(config, hostile) {
    const r = await withTimeout(page.evaluate(pageRun, config), RUN_TIMEOUT_MS, 'hostile: a run took too long');
    const bad = r.error || r.outcome !== 'finished' || r.documents.find((d) => d.error || d.parse_ms === null);
    if (bad) throw new Error(`hostile (${hostile ? 'hostile' : 'corpus'}): ${r.error || r.outcome} ${JSON.stringify(bad)}`);
    return r;
  }
  const hostileWarm = await hostileRun({ ...HOSTILE_BASE, fail: allHostile }, true);
  const hostileBytes = hostileWarm.documents[0].bytes;
  const HOSTILE_SIZE = Math.round(hostileBytes / 1024);
  await hostileRun({ ...HOSTILE_BASE, size: HOSTILE_SIZE, fail: '' }, false);
  const hostilePairs = [];
  for (let i = 1; i <= RUNS; i++) {
    const h = await hostileRun({ ...HOSTILE_BASE, fail: allHostile }, true);
    const c = await hostileRun({ ...HOSTILE_BASE, size: HOSTILE_SIZE, fail: '' }, false);
    hostilePairs.push({ hostile_ms_per_mb: perByte(h), corpus_ms_per_mb: perByte(c), corpus_bytes: c.documents[0].bytes });
    log(`hostile ${i}/${RUNS}: ${fmt(perByte(h), 1)} ms/MB vs corpus ${fmt(perByte(c), 1)} ms/MB`);
  }

  // 4: the main thread under each strategy, default scenario.
  const strategies = {};
  const MODES = {
    blocking: { parse: 'blocking' },
    'sliced, yield=frame': { parse: 'sliced', yield: 'frame' },
    'sliced, yield=timeout': { parse: 'sliced', yield: 'timeout' },
    'sliced, yield=scheduler': { parse: 'sliced', yield: 'scheduler' },
    'sliced, yield=microtask': { parse: 'sliced', yield: 'microtask' },
    worker: { parse: 'worker' },
  };
  for (const [mode, config] of Object.entries(MODES)) {
    strategies[mode] = await measure(`main thread ${mode}`, { ...DEFAULT, yield: 'frame', ...config });
  }

  // 8: the lab's own cost on the main thread during worker runs, from a Chrome trace
  // (owncost.mjs): at full speed and at CPU 4×, workers=1 and 2, default scenario and 32
  // documents, each config after one untraced warm-up run. With the parsing in workers,
  // the page's main thread does nothing but the lab's own drawing and bookkeeping.
  const cdp = await context.newCDPSession(page);
  const ownCost = [];
  for (const rate of [1, THROTTLE.cpuRate]) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    for (const [scenario, base] of Object.entries(OWN_SCENARIOS)) {
      for (const workers of [1, 2]) {
        const config = { ...DEFAULT, ...base, parse: 'worker', workers };
        await withTimeout(page.evaluate(pageRun, config), RUN_TIMEOUT_MS, 'own cost: the warm-up took too long');
        const runs = [];
        for (let i = 1; i <= RUNS; i++) {
          const stop = await startTrace(page);
          const run = await withTimeout(markedRun(page, config), RUN_TIMEOUT_MS, 'own cost: a run took too long');
          const busy = mainThreadBusy(await stop(), run);
          if (run.report.outcome !== 'finished') throw new Error(`own cost: run ${run.report.outcome}`);
          runs.push({ ...busy, own_ms: run.report.own_ms, total_ms: run.report.total_ms });
          log(`own cost ${scenario}, workers=${workers}, CPU ${rate}× ${i}/${RUNS}: busy ${fmt(100 * busy.share, 1)} %, median ${fmt(busy.medianPerFrameMs, 2)} ms a frame`);
        }
        ownCost.push({ rate, scenario, workers, runs });
      }
    }
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  // 9: phone-class CPU on fresh pages: the first worker run and a later one at CPU 4×,
  // measured by the page's own longtask observer and rAF loop (no trace: tracing costs
  // the renderer time of its own).
  const phone = [];
  for (const [scenario, base] of Object.entries(OWN_SCENARIOS)) {
    for (const workers of [1, 2]) {
      const runs = [];
      for (let i = 1; i <= RUNS; i++) runs.push(await phoneOnce(browser, { ...base, workers }));
      log(`phone ${scenario}, workers=${workers}: ${runs.map((r) => r.map((x) => `${x.longTasks.length} long tasks, gap ${fmt(x.maxGapMs)} ms`).join('; ')).join(' | ')}`);
      phone.push({ scenario, workers, runs });
    }
  }

  // 10: the book's page of seven embeds.
  const embedsMemory = [];
  for (let i = 1; i <= RUNS; i++) embedsMemory.push(await embedsMemoryOnce());
  log(`seven embeds: ${embedsMemory.map((r) => `${fmt(r.none)} / ${fmt(r.passed)} / ${fmt(r.stayed)} MB`).join(' | ')}`);

  // --- results -----------------------------------------------------------------------
  const T = (runs) => median(runs.map((r) => r.total_ms));
  const t1 = T(pool[1]);
  const handoffRuns = handoff.map((r) => {
    const got = r.documents.filter((d) => d.handoff_ms !== null);
    const bytes = sum(got.map((d) => d.bytes));
    const total = sum(got.map((d) => d.handoff_ms));
    // Also the typical single post: the sum is dominated by a few stalls of a few ms.
    const perDoc = median(got.map((d) => d.handoff_ms / (d.bytes / MB)));
    const maxDoc = got.length ? Math.max(...got.map((d) => d.handoff_ms)) : null;
    return {
      count: got.length,
      total_ms: got.length ? total : null,
      mb: bytes / MB,
      ms_per_mb: got.length ? total / (bytes / MB) : null,
      median_doc_ms_per_mb: perDoc,
      max_doc_ms: maxDoc,
    };
  });
  const handoffMedian = median(handoffRuns.map((h) => h.ms_per_mb));
  // The run whose ms/MB is the median (for its total and count).
  const handoffMid = handoffRuns.find((h) => h.ms_per_mb === handoffMedian) ?? handoffRuns[0];

  const results = {
    throughput_mb_per_s: {
      native: native ? native.mb_per_s : null,
      wasm_main_thread: median(blockingWork.map(throughput)),
      wasm_worker: median(pool[1].map(throughput)),
      runs: { wasm_main_thread: blockingWork.map(throughput), wasm_worker: pool[1].map(throughput) },
    },
    pool_speedup: Object.fromEntries(
      [1, 2, 4].map((k) => [k, { total_ms: T(pool[k]), speedup: t1 / T(pool[k]), runs_total_ms: pool[k].map((r) => r.total_ms) }]),
    ),
    cancel: {
      clean_ms: median(cancelPairs.map((p) => p.clean_ms)),
      after_cancel_ms: median(cancelPairs.map((p) => p.after_cancel_ms)),
      pairs: cancelPairs,
    },
    hostile: {
      hostile_bytes: hostileBytes,
      corpus_size_kib: HOSTILE_SIZE,
      hostile_ms_per_mb: median(hostilePairs.map((p) => p.hostile_ms_per_mb)),
      corpus_ms_per_mb: median(hostilePairs.map((p) => p.corpus_ms_per_mb)),
      ratio: median(hostilePairs.map((p) => p.hostile_ms_per_mb / p.corpus_ms_per_mb)),
      pairs: hostilePairs,
    },
    handoff: {
      ms_per_mb: handoffMedian,
      median_run: handoffMid,
      runs: handoffRuns,
    },
    readiness: Object.fromEntries(
      Object.entries(ready).map(([kind, runs]) => [
        kind,
        {
          ready_ms: median(runs.map((r) => r.ready_ms)),
          first_run_done_ms: median(runs.map((r) => r.first_run_done_ms)),
          runs,
        },
      ]),
    ),
    main_thread: Object.fromEntries(
      Object.entries(strategies).map(([parse, runs]) => [
        parse,
        {
          longtask_max_ms: median(runs.map((r) => r.longtask_max_ms)),
          longtask_count: median(runs.map((r) => r.longtask_count)),
          max_frame_gap_ms: median(runs.map((r) => r.max_frame_gap_ms)),
          slow_frame_share: median(runs.map((r) => r.slow_frame_share)),
          total_ms: T(runs),
          runs: runs.map((r) => ({
            total_ms: r.total_ms,
            longtask_max_ms: r.longtask_max_ms,
            longtask_count: r.longtask_count,
            max_frame_gap_ms: r.max_frame_gap_ms,
            slow_frame_share: r.slow_frame_share,
            frames: r.frames,
          })),
        },
      ]),
    ),
  };

  // --- the table ---------------------------------------------------------------------
  const date = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const version = browser.version();
  const mt = results.main_thread;
  const tp = results.throughput_mb_per_s;
  const ps = results.pool_speedup;
  const scen = (c) => `docs=${c.docs}, size=${c.size} KiB, latency=${c.latency} ms, fetch=${c.fetch}`;
  const h = results.handoff;
  const handoffResult =
    h.ms_per_mb === null ? 'n/a (no `handoff_ms` in the reports)' : `${fmt(h.ms_per_mb, 3)} ms/MB`;
  const handoffDetails =
    h.ms_per_mb === null
      ? `the app reported \`handoff_ms: null\` for every document of the ${RUNS} runs`
      : `median run: ${fmt(handoffMid.total_ms, 1)} ms in total over ${handoffMid.count} documents ` +
        `(${fmt(handoffMid.mb, 1)} MB); runs ${runsList(handoffRuns.map((r) => r.ms_per_mb), 3)} ms/MB; ` +
        `one post, median ${runsList(handoffRuns.map((r) => r.median_doc_ms_per_mb), 3)} ms/MB, ` +
        `longest ${runsList(handoffRuns.map((r) => r.max_doc_ms), 1)} ms`;
  const longest = (x) => (x ? `${fmt(x)} ms` : '0 ms (none)');
  const lines = [
    `Event Loop Lab benchmark — ${date} — commit ${COMMIT} — Chromium ${version} (headless) — ` +
      `nproc ${NPROC} (navigator.hardwareConcurrency ${hardwareConcurrency}) — ` +
      `1-min load average ${fmt(loadStart, 2)} before the browser runs, ${fmt(os.loadavg()[0], 2)} after`,
    '',
    `Browser figures: median of ${RUNS} runs; "runs" lists the ${RUNS}. Rows 1-5: each config after 1 warm-up run; ` +
      'row 6: fresh pages (a new browser context each: cold HTTP cache, no service worker yet), the app served gzipped. ' +
      'MB = 10^6 bytes. Default scenario: ' + `${scen(DEFAULT)}, workers=${defaultWorkers}.`,
    '',
    '| Measurement | Case | Result | Details |',
    '|---|---|---|---|',
    `| 1. Work throughput | native (\`cargo run --release --example throughput\`) | ${fmt(tp.native, 1)} MB/s | ` +
      (native
        ? `${native.corpus_files} corpus pages (${fmt(native.corpus_bytes / MB, 2)} MB) × ${native.rounds} rounds in ${fmt(native.seconds, 1)} s |`
        : 'not run |'),
    `| 1. Work throughput | wasm, main thread (\`blocking\`) | ${fmt(tp.wasm_main_thread, 1)} MB/s | ` +
      `sum(bytes) / sum(parse time), default scenario with latency=0; runs ${runsList(tp.runs.wasm_main_thread, 1)} MB/s |`,
    `| 1. Work throughput | wasm, one worker (\`worker\`, workers=1) | ${fmt(tp.wasm_worker, 1)} MB/s | ` +
      `same formula, over the k=1 runs of 2.; runs ${runsList(tp.runs.wasm_worker, 1)} MB/s |`,
    ...[1, 2, 4].map(
      (k) =>
        `| 2. Worker-pool speedup, default scenario with latency=0, on ${NPROC} cores | k=${k} | ` +
        `${fmt(ps[k].total_ms)} ms, ${fmt(ps[k].speedup, 2)}× | ` +
        `total_ms; speedup T(1)/T(${k}); runs ${runsList(ps[k].runs_total_ms)} ms |`,
    ),
    `| 3. Main-thread cost of handing a body to a worker (a Blob handle; target ≤ 0.1 ms/MB) | docs=32, size=1024 KiB, latency=0, workers=${defaultWorkers} | ` +
      `${handoffResult} | sum(handoff_ms) / sum(MB); ${handoffDetails} |`,
    ...Object.keys(MODES).map(
      (p) =>
        `| 4. Main thread during a run, default scenario | \`${p}\` | ` +
        `slow frames ${fmt(100 * mt[p].slow_frame_share, 1)} %, longest frame gap ${fmt(mt[p].max_frame_gap_ms)} ms, ` +
        `longest task ${longest(mt[p].longtask_max_ms)}, total ${fmt(mt[p].total_ms / mt.blocking.total_ms, 2)}× blocking | ` +
        `slow frame = a gap over two frames; long tasks (> 50 ms): ${fmt(mt[p].longtask_count)}; total_ms ${fmt(mt[p].total_ms)}; ` +
        `runs: slow frames ${runsList(mt[p].runs.map((r) => 100 * r.slow_frame_share), 1)} %, ` +
        `longest task ${runsList(mt[p].runs.map((r) => r.longtask_max_ms))} ms, ` +
        `frame gap ${runsList(mt[p].runs.map((r) => r.max_frame_gap_ms))} ms, ` +
        `long tasks ${runsList(mt[p].runs.map((r) => r.longtask_count))}, ` +
        `total ${runsList(mt[p].runs.map((r) => r.total_ms))} ms |`,
    ),
  ];
  const c = results.cancel;
  lines.push(
    `| 5. Cancel stops the work (target: ratio ≤ 1.1) | ${scen(SMALL)}, workers=2, right after cancelling ` +
      `docs=${HEAVY.docs} × ${HEAVY.size} KiB mid-parse (all fetched), vs on a clean pool | ${fmt(c.after_cancel_ms / c.clean_ms, 2)}× | ` +
      `median total_ms ${fmt(c.after_cancel_ms)} after cancel vs ${fmt(c.clean_ms)} clean; pairs ` +
      `${cancelPairs.map((p) => `${fmt(p.after_cancel_ms)}/${fmt(p.clean_ms)}`).join(', ')} ms |`,
  );
  for (const [kind, label] of [['unthrottled', 'no throttling'], ['throttled', `CDP throttling: ${THROTTLE.downloadKbit / 1000} Mbit/s down, ${THROTTLE.uploadKbit} kbit/s up, ${THROTTLE.rttMs} ms RTT, CPU ${THROTTLE.cpuRate}× slower`]]) {
    const r = results.readiness[kind];
    lines.push(
      `| 6. A fresh page (cold cache), from navigation | ${label} | ready ${fmt(r.ready_ms)} ms, first worker run done ${fmt(r.first_run_done_ms)} ms | ` +
        `"ready": the status line reads ready (simulator, workers and first-use rehearsal done); first run: ${scen(FIRST_RUN)}, ` +
        `parse=worker, started at ready; runs: ready ${runsList(r.runs.map((x) => x.ready_ms))} ms, ` +
        `done ${runsList(r.runs.map((x) => x.first_run_done_ms))} ms, longest task before ready ` +
        `${runsList(r.runs.map((x) => x.startup_longest_task_ms))} ms, during the first run ${runsList(r.runs.map((x) => x.first_run_longest_task_ms))} ms |`,
    );
  }
  const ho = results.hostile;
  lines.push(
    `| 7. The hostile page's parse time per byte vs the corpus (main thread, \`blocking\`) | ` +
      `docs=${HOSTILE_DOCS}, latency=0: all \`fail=N:hostile\` (${ho.hostile_bytes} bytes each) vs size=${ho.corpus_size_kib} KiB of corpus | ` +
      `${fmt(ho.hostile_ms_per_mb, 1)} vs ${fmt(ho.corpus_ms_per_mb, 1)} ms/MB, ${fmt(ho.ratio, 3)}× | ` +
      `sum(work_ms) / sum(MB), each pair one after the other; ratio = median of the pairs' ratios; pairs ` +
      `${hostilePairs.map((p) => `${fmt(p.hostile_ms_per_mb, 1)}/${fmt(p.corpus_ms_per_mb, 1)}`).join(', ')} ms/MB |`,
  );
  for (const { rate, scenario, workers, runs } of ownCost) {
    const share = median(runs.map((r) => r.share));
    const perFrame = median(runs.map((r) => r.medianPerFrameMs));
    lines.push(
      `| 8. The lab's own main-thread time during a worker run, CPU ${rate}× (targets at full speed: ≤ 1 ms a frame, median; ≤ 5 % of the run) | ` +
        `${scenario}, workers=${workers} | ${fmt(perFrame, 2)} ms a frame, ${fmt(100 * share, 1)} % of the run | ` +
        `Chrome trace (CDP): top-level tasks on the page's main thread within the run, per gap between two of the page's animation frames; ` +
        `runs: ${runsList(runs.map((r) => r.medianPerFrameMs), 2)} ms a frame, ${runsList(runs.map((r) => 100 * r.share), 1)} %, ` +
        `busy ${runsList(runs.map((r) => r.busyMs))} of ${runsList(runs.map((r) => r.wallMs))} ms; the report's own_ms ${runsList(runs.map((r) => r.own_ms))} |`,
    );
  }
  for (const { scenario, workers, runs } of phone) {
    const of = (n) => runs.map((r) => r[n]);
    const describe = (rs) =>
      `long tasks ${runsList(rs.map((r) => r.longTasks.length))}, longest ${runsList(rs.map((r) => Math.max(0, ...r.longTasks)))} ms, ` +
      `frame gap ${runsList(rs.map((r) => r.maxGapMs))} ms`;
    const all = runs.flat();
    lines.push(
      `| 9. Phone-class CPU (4×), a fresh page's first worker run and a later one (targets: no long task, no frame gap over 50 ms) | ` +
        `${scenario}, workers=${workers} | ${sum(all.map((r) => r.longTasks.length))} long tasks in ${all.length} runs, ` +
        `longest frame gap ${fmt(Math.max(...all.map((r) => r.maxGapMs)))} ms | ` +
        `the page's own longtask observer and rAF loop; first runs: ${describe(of(0))}; later runs: ${describe(of(1))} |`,
    );
  }
  {
    const m = (k) => median(embedsMemory.map((r) => r[k]));
    lines.push(
      `| 10. The book's page of seven step embeds (target: a reader passing each under a second leaves at most 4 dedicated workers) | ` +
        `scrolled past all seven; then stayed on step 4 | ${fmt(m('passed'))} MB with ${fmt(m('passed_workers'))} workers; ${fmt(m('stayed'))} MB with ${fmt(m('stayed_workers'))} | ` +
        `private memory of the browser's renderer processes (/proc smaps_rollup), a browser of its own per run; a chapter with no embed: ${fmt(m('none'))} MB; ` +
        `runs: ${runsList(embedsMemory.map((r) => r.none))} / ${runsList(embedsMemory.map((r) => r.passed))} / ${runsList(embedsMemory.map((r) => r.stayed))} MB (none / passed / stayed), ` +
        `workers after passing ${runsList(embedsMemory.map((r) => r.passed_workers))}, after staying ${runsList(embedsMemory.map((r) => r.stayed_workers))} |`,
    );
  }
  const table = lines.join('\n');

  const json = {
    date: new Date().toISOString(),
    commit: COMMIT,
    chromium: version,
    nproc: NPROC,
    hardware_concurrency: hardwareConcurrency,
    load_average_1min: { start: loadStart, end: os.loadavg()[0] },
    runs_per_config: RUNS,
    warmup_runs_per_config: 1,
    mb: MB,
    configs: { default: DEFAULT, work: WORK, handoff: HANDOFF, cancel_small: SMALL, cancel_heavy: HEAVY, first_run: FIRST_RUN, throttle: THROTTLE, hostile: { ...HOSTILE_BASE, fail: allHostile }, hostile_corpus: { ...HOSTILE_BASE, size: HOSTILE_SIZE } },
    native,
    results: { ...results, own_cost: ownCost, phone, embeds_memory: embedsMemory },
    page_errors: pageErrors,
    table,
  };
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify(json, null, 2) + '\n');
  log(`wrote ${path.relative(process.cwd(), OUT) || OUT}`);
  if (pageErrors.length) log(`page errors during the bench:\n  ${pageErrors.join('\n  ')}`);
  console.log(table);
} finally {
  if (browser) await browser.close().catch(() => {});
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
