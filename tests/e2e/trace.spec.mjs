// Issue "trace export and agreement with Chrome's own trace": the exported trace file,
// window.eventLoopLab.trace(), the app's performance.measure tracks, and the app's
// figures against a Chrome trace recorded through CDP during the same run.
import { test, expect } from './fixtures.mjs';
import { observe, runMeasured, describe as told } from './observers.mjs';

const CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'];

/** Records a Chrome trace around `run` and returns its events. */
async function traced(page, run) {
  const browser = page.context().browser();
  await browser.startTracing(page, { categories: CATEGORIES });
  const result = await run();
  const buffer = await browser.stopTracing();
  const trace = JSON.parse(buffer.toString('utf8'));
  return { result, events: trace.traceEvents ?? trace };
}

/** Names of threads, by "pid:tid". */
function threadNames(events) {
  const names = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  return names;
}

/** The app's measure `name` in the trace (the begin event of the async pair, or a complete event). */
function userTiming(events, name) {
  return events.filter((e) => e.cat?.includes('blink.user_timing') && e.name === name && (e.ph === 'b' || e.ph === 'X' || e.ph === 'R'));
}

test('a blocking run: the app agrees with Chrome trace, and its own steps are in it', async ({ lab, page }) => {
  await lab.open();
  await lab.waitReady();
  const { result: report, events } = await traced(page, () => lab.run({ parse: 'blocking', docs: 4, size: 2048, latency: 300 }));
  expect(report.outcome).toBe('finished');
  const names = threadNames(events);
  // The page's main thread: the renderer main thread that carries the app's measures.
  const parse1 = userTiming(events, 'parse doc 1');
  expect(parse1.length, "the app's measure 'parse doc 1' is in Chrome's trace").toBeGreaterThan(0);
  const mainKey = `${parse1[0].pid}:${parse1[0].tid}`;
  expect(names.get(mainKey)).toBe('CrRendererMain');
  for (const name of ['doc 1: waiting for the server', 'parse doc 4']) {
    expect(userTiming(events, name).length, `measure ${name}`).toBeGreaterThan(0);
  }
  // Align the trace clock with the page's clock through that measure's start.
  const doc1 = report.documents.find((d) => d.id === 1);
  const offsetUs = parse1[0].ts - doc1.parse_start_ms * 1000;
  const tasks = events
    .filter((e) => `${e.pid}:${e.tid}` === mainKey && e.ph === 'X' && (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask'))
    .map((e) => ({ start: (e.ts - offsetUs) / 1000, duration: e.dur / 1000 }))
    .filter((t) => t.start + t.duration >= report.started_ms && t.start <= report.finished_ms);
  // Nested RunTask events describe the same task: keep the outermost.
  const outer = tasks.filter((t) => !tasks.some((o) => o !== t && o.start <= t.start && o.start + o.duration >= t.start + t.duration && o.duration > t.duration));
  const long = outer.filter((t) => t.duration >= 50);
  const chromeLongest = Math.max(0, ...long.map((t) => t.duration));
  const app = report.main_thread;
  expect(Math.abs(app.longest_task_ms - chromeLongest), `app ${app.longest_task_ms} ms vs Chrome ${chromeLongest} ms`).toBeLessThanOrEqual(Math.max(25, 0.15 * chromeLongest));
  expect(Math.abs(app.long_tasks.length - long.length), `long tasks: app ${app.long_tasks.length}, Chrome ${long.length}`).toBeLessThanOrEqual(1);
  expect(chromeLongest, 'a blocking parse of 2 MiB is a long task').toBeGreaterThanOrEqual(100);
});

test('a worker run: every parse is measured on a worker thread, none on the main thread', async ({ lab, page }) => {
  await lab.open();
  await lab.waitReady();
  const { result: report, events } = await traced(page, () => lab.run({ parse: 'worker', docs: 4, size: 1024, latency: 300 }));
  expect(report.outcome).toBe('finished');
  const names = threadNames(events);
  for (const d of report.documents) {
    const parse = userTiming(events, `parse doc ${d.id}`);
    expect(parse.length, `parse doc ${d.id} measured`).toBeGreaterThan(0);
    for (const e of parse) expect(names.get(`${e.pid}:${e.tid}`), `thread of parse doc ${d.id}`).toBe('DedicatedWorker thread');
  }
});

test('Export trace downloads the run as Trace Event JSON that tells what the browser saw', async ({ lab, page }) => {
  await observe(page);
  await lab.open();
  await lab.waitReady();
  const m = await runMeasured(page, { parse: 'blocking', docs: 3, size: 1024, latency: 200 });
  const { report } = m;
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-trace').click()]);
  expect(download.suggestedFilename()).toBe(`event-loop-lab-run-${report.run_id}.json`);
  const file = JSON.parse(await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8')));
  expect(await page.evaluate(() => window.eventLoopLab.trace()), 'trace() returns the same object').toEqual(file);
  const events = file.traceEvents;
  const named = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.tid));
  for (const e of events.filter((e) => e.ph === 'X')) {
    for (const key of ['ts', 'dur', 'pid', 'tid']) expect(typeof e[key], `${key} of ${e.name}`).toBe('number');
    expect(named.has(e.tid), `lane of ${e.name} is named`).toBe(true);
  }
  const margin = (ms) => Math.max(25, 0.15 * ms);
  const span = (e) => ({ start: e.ts / 1000, duration: e.dur / 1000 });
  // The long-tasks lane against the test's own `longtask` observer: the same tasks,
  // each at the same time and of the same length (within 15 % or 25 ms).
  const traced = events.filter((e) => e.cat === 'longtask').map(span);
  expect(m.longTasks.length, `the test's observer saw the blocking parses: ${told(m)}`).toBeGreaterThan(0);
  expect(Math.abs(traced.length - m.longTasks.length), `long tasks: trace ${traced.length}, observer ${m.longTasks.length}`).toBeLessThanOrEqual(1);
  for (const seen of m.longTasks) {
    const match = traced.find((t) => Math.abs(t.start - seen.start) <= 25);
    expect(match, `a traced long task at ${seen.start.toFixed(0)} ms (${seen.duration.toFixed(0)} ms)`).toBeTruthy();
    expect(Math.abs(match.duration - seen.duration), `its length: trace ${match.duration} ms, observer ${seen.duration} ms`)
      .toBeLessThanOrEqual(margin(seen.duration));
  }
  // The frames lane against the test's own rAF loop: the longest gap.
  const gaps = events.filter((e) => e.cat === 'frames').map(span);
  const longestGap = Math.max(0, ...gaps.map((g) => g.duration));
  const ownGap = m.maxGapAsTheAppCounts; // the run's window, as the trace's lane has it
  expect(Math.abs(longestGap - ownGap), `longest frame gap: trace ${longestGap} ms, the test's rAF loop ${ownGap} ms`)
    .toBeLessThanOrEqual(margin(ownGap));
  // Each parse on the main thread was a long task the observer saw, at the same time.
  for (const d of report.documents) {
    const parse = events.find((e) => e.ph === 'X' && e.name === `parse doc ${d.id}`);
    expect(parse, `parse span of doc ${d.id}`).toBeTruthy();
    expect(parse.args.links, `the span carries doc ${d.id}'s links`).toBe(d.links);
    const p = span(parse);
    if (p.duration < 50) continue;
    const task = m.longTasks.find((t) => t.start <= p.start + 1 && t.start + t.duration >= p.start + p.duration - 1);
    expect(task, `a long task the observer saw holds parse doc ${d.id} (${p.start.toFixed(0)} ms, ${p.duration.toFixed(0)} ms)`).toBeTruthy();
  }
});
