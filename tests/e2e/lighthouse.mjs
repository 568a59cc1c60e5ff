// Benchmark row 12: Lighthouse 13 with its default (mobile) config, run from npm against
// the build served gzipped on loopback, for the three URLs of the first-load issue. The
// mobile config simulates a mid-tier phone: CPU 4x slower, 1.6 Mbit/s, 150 ms RTT.
// Prints one markdown table on stdout (progress on stderr) and writes every figure to
// BENCH_LIGHTHOUSE_OUT. Exits 1 if a target is missed, after printing everything.
//
//   LIGHTHOUSE_BIN=… BENCH_DIST=… node lighthouse.mjs      (scripts/bench.sh runs it)
//
// Environment: LIGHTHOUSE_BIN the lighthouse CLI (bench.sh installs it, once, into
// target/lighthouse); BENCH_DIST the build; LIGHTHOUSE_PORT (default 4183);
// LIGHTHOUSE_RUNS runs per URL (default 2); BENCH_LIGHTHOUSE_OUT a JSON file.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CHROMIUM } from './chromium.mjs';
import { PLAIN_BASE, startServer } from './server.mjs';

const run = promisify(execFile);
const BIN = process.env.LIGHTHOUSE_BIN;
const DIST = process.env.BENCH_DIST;
const PORT = Number(process.env.LIGHTHOUSE_PORT || 4183);
const RUNS = Number(process.env.LIGHTHOUSE_RUNS || 2);
const OUT = process.env.BENCH_LIGHTHOUSE_OUT;
const URLS = ['', '?lesson=3', '?embed=1&lesson=4'];
// The issue's targets.
const TARGET = { performance: 90, lcp_ms: 2500, cls: 0.1, tbt_ms: 200, accessibility: 100 };

if (!BIN || !DIST) {
  console.error('lighthouse.mjs: set LIGHTHOUSE_BIN and BENCH_DIST (scripts/bench.sh does)');
  process.exit(2);
}
const log = (s) => console.error(`lighthouse: ${s}`);

/** One Lighthouse run of `url`: the figures of its report. */
async function lighthouse(url) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lighthouse-'));
  const out = path.join(dir, 'report.json');
  try {
    await run(
      BIN,
      [
        url,
        '--quiet',
        '--output=json',
        `--output-path=${out}`,
        '--only-categories=performance,accessibility',
        // The same flags as every other browser here (no sandbox in this container,
        // no GPU, no traffic to the internet), in Chromium's new headless mode.
        `--chrome-flags=--headless=new ${CHROMIUM.args.join(' ')}`,
      ],
      { env: { ...process.env, CHROME_PATH: CHROMIUM.executablePath }, maxBuffer: 64 << 20, timeout: 180_000 },
    );
    const report = JSON.parse(readFileSync(out, 'utf8'));
    if (report.runtimeError) throw new Error(`${url}: ${report.runtimeError.code} ${report.runtimeError.message}`);
    const audit = (id) => report.audits[id]?.numericValue ?? null;
    return {
      performance: Math.round(report.categories.performance.score * 100),
      accessibility: Math.round(report.categories.accessibility.score * 100),
      lcp_ms: audit('largest-contentful-paint'),
      cls: audit('cumulative-layout-shift'),
      tbt_ms: audit('total-blocking-time'),
      fcp_ms: audit('first-contentful-paint'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const server = await startServer({ dist: DIST, port: PORT, cspEverywhere: false, log: false, gzip: true });
const results = [];
try {
  for (const query of URLS) {
    const url = `http://127.0.0.1:${PORT}${PLAIN_BASE}${query}`;
    for (let i = 1; i <= RUNS; i++) {
      const r = await lighthouse(url);
      log(`./${query} ${i}/${RUNS}: FCP ${Math.round(r.fcp_ms)} ms, performance ${r.performance}, LCP ${Math.round(r.lcp_ms)} ms, CLS ${r.cls.toFixed(3)}, TBT ${Math.round(r.tbt_ms)} ms, accessibility ${r.accessibility}`);
      results.push({ query, run: i, ...r });
    }
  }
} finally {
  server.close();
}

const worst = (rs, key, pick) => pick(...rs.map((r) => r[key]));
const missed = [];
console.log(`| 12. Lighthouse 13, mobile (CPU 4×, 1.6 Mbit/s, 150 ms RTT), ${RUNS} runs each | performance | LCP | CLS | TBT | accessibility |`);
console.log('|---|---:|---:|---:|---:|---:|');
for (const query of URLS) {
  const rs = results.filter((r) => r.query === query);
  const all = (key, f) => rs.map((r) => f(r[key])).join(' / ');
  console.log(
    `| \`./${query}\` | ${all('performance', String)} | ${all('lcp_ms', (v) => `${(v / 1000).toFixed(1)} s`)} | ${all('cls', (v) => v.toFixed(3))} | ${all('tbt_ms', (v) => `${Math.round(v)} ms`)} | ${all('accessibility', String)} |`,
  );
  if (worst(rs, 'performance', Math.min) < TARGET.performance) missed.push(`./${query}: performance below ${TARGET.performance}`);
  if (worst(rs, 'lcp_ms', Math.max) > TARGET.lcp_ms) missed.push(`./${query}: LCP over ${TARGET.lcp_ms} ms`);
  if (worst(rs, 'cls', Math.max) > TARGET.cls) missed.push(`./${query}: CLS over ${TARGET.cls}`);
  if (worst(rs, 'tbt_ms', Math.max) > TARGET.tbt_ms) missed.push(`./${query}: TBT over ${TARGET.tbt_ms} ms`);
  if (worst(rs, 'accessibility', Math.min) < TARGET.accessibility) missed.push(`./${query}: accessibility below ${TARGET.accessibility}`);
}
console.log(`| target | ≥ ${TARGET.performance} | ≤ ${TARGET.lcp_ms / 1000} s | ≤ ${TARGET.cls} | ≤ ${TARGET.tbt_ms} ms | ${TARGET.accessibility} |`);
if (OUT) writeFileSync(OUT, JSON.stringify({ target: TARGET, results }, null, 2));
if (missed.length) {
  console.error(`lighthouse: targets missed: ${missed.join('; ')}`);
  process.exit(1);
}
