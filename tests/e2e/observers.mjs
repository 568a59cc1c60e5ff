// The test's own instruments in the page, independent of anything the app measures:
//   - a `longtask` PerformanceObserver (buffered, so a task before it was registered
//     still counts), read to the end with takeRecords();
//   - a requestAnimationFrame heartbeat that takes performance.now() inside the
//     callback (the timestamp rAF passes in is the frame's start and under-reports a
//     gap by a frame or more);
//   - Event Timing (`event` entries of 16 ms or more, the browser's own input delay:
//     processingStart − startTime) and, for every key and pointer press, the delay from
//     the event's timestamp to a capturing listener of the test's own.
//
// `observe(page)` installs them with addInitScript (so they watch a page from its first
// task, before the app's code) and in the page already open, once. `measure(page,
// window)` reads them for a run's window. Chrome-trace helpers live in owncost.mjs.

/** A frame at 60 Hz, ms; a gap over two of them is a slow frame (as the book counts). */
export const FRAME_MS = 1000 / 60;
/** The Long Tasks API's threshold and RAIL's budget, ms. */
export const LONG_TASK_MS = 50;

/**
 * The book's targets for `yield=frame` and worker mode (Benchmark, note 4): at most
 * 5 % slow frames and no frame gap over 50 ms (and no long task, checked as such).
 * Worker mode is held to them.
 */
export const BOOK_FRAMES = { slowShare: 0.05, maxGap: LONG_TASK_MS };

/**
 * What a sliced run (`frame`, `timeout`, and `scheduler` without scheduler.yield) is held
 * to as a fresh page's first run, with no warm-up; no long task is still required.
 *
 * FINDING, so wider than BOOK_FRAMES: measured here (2-core machine shared with other
 * work, 2026-12-03, 1-min load 0.9-4.9), `yield=frame` on the default scenario met the
 * the book's numbers in 23 of 32 first runs: slow frames 0-7.0 %, longest gap 23-239 ms
 * (over 50 ms: 57, 59, 80, 82, 99, 113, 239; the 82 and 239 ms runs also had long tasks
 * of 76, 189 and 100 ms). All 5 runs of the quietest stretch (the machine's other work
 * idle, load 1.6-2.8) met them (0-0.4 %, 24-34 ms). Most misses came while other work
 * held the cores (the machine's CPU use 81-94 % during the run, against 55-65 % for the
 * test alone); three came at 66-69 %. `timeout` met them in 14 of 16 (a 102 ms task; a
 * 59 ms gap at the run's start); `scheduler` falling back to timeout in 15 of 22 (gaps
 * 58-306 ms, the worst with long tasks, all at load 2.4 or more). Worker mode, on the
 * same machine and loads, met them in 20 of 22, both misses with long tasks of 100-490
 * ms that no parse made: it is held to the book's numbers.
 */
export const SLICED_FIRST_RUN_FRAMES = { slowShare: 0.08, maxGap: 120 };

/**
 * A run's start, ms from its clock's start: the frame gaps that begin before it are the
 * start's (see WORKER_FIRST_RUN_START_GAP_MS).
 */
export const RUN_START_MS = 50;

/**
 * The longest frame gap a fresh page's first worker run may have at its start (gaps
 * that begin within RUN_START_MS of its clock's start); after that, BOOK_FRAMES holds.
 *
 * FINDING, so wider than BOOK_FRAMES.maxGap: the start of a run is the task that starts
 * it and its first fetches (the fetch() calls alone ~8 ms for six documents), the next
 * fetches a task later, then the frame that draws every row: 20-45 ms of main thread
 * back to back at full speed. Measured here (2-core machine, 2026-12-03, after the
 * simulator stopped copying documents), 55 first worker runs of the default scenario:
 * longest gap 20-54 ms, over 50 ms once, and in most runs the longest gap was the
 * start's; a full e2e run failed once on a gap of 53 ms with no long task. No long task
 * is still required, from the run's start on.
 */
export const WORKER_FIRST_RUN_START_GAP_MS = 80;

function install() {
  if (window.__e2eObs) return;
  const obs = { longTasks: [], frames: [], events: [], inputs: [] };
  window.__e2eObs = obs;
  const keepTasks = (list) => {
    for (const e of list) obs.longTasks.push({ start: e.startTime, duration: e.duration });
  };
  const keepEvents = (list) => {
    for (const e of list) {
      obs.events.push({ name: e.name, start: e.startTime, delay: e.processingStart - e.startTime, duration: e.duration });
    }
  };
  try {
    obs.taskObserver = new PerformanceObserver((list) => keepTasks(list.getEntries()));
    obs.taskObserver.observe({ type: 'longtask', buffered: true });
  } catch {
    obs.taskObserver = null;
  }
  try {
    obs.eventObserver = new PerformanceObserver((list) => keepEvents(list.getEntries()));
    obs.eventObserver.observe({ type: 'event', durationThreshold: 16, buffered: true });
  } catch {
    obs.eventObserver = null;
  }
  obs.flush = () => {
    if (obs.taskObserver) keepTasks(obs.taskObserver.takeRecords());
    if (obs.eventObserver) keepEvents(obs.eventObserver.takeRecords());
  };
  for (const type of ['keydown', 'keypress', 'keyup', 'pointerdown']) {
    addEventListener(type, (e) => {
      obs.inputs.push({ name: type, start: e.timeStamp, delay: performance.now() - e.timeStamp });
    }, { capture: true });
  }
  const tick = () => {
    obs.frames.push(performance.now());
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** Installs the test's instruments in every document `page` loads, and in the one open. */
export async function observe(page) {
  await page.addInitScript(install);
  await page.evaluate(install);
}

/**
 * What the test's instruments saw between `from` and `to` (performance.now() ms, e.g.
 * a report's started_ms and finished_ms). Waits for one more frame and a task, then
 * takes the observers' pending records, so an entry not yet delivered still counts.
 *
 * Frame gaps include the one from the last frame before `from` into the window and
 * the one from the last frame in it to the first after `to`: a freeze at either edge
 * counts in full.
 */
export async function measure(page, { from, to }) {
  const raw = await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => {
      const obs = window.__e2eObs;
      obs.flush();
      resolve({ longTasks: obs.longTasks, frames: obs.frames, events: obs.events, inputs: obs.inputs });
    }, 0))),
  );
  const overlaps = (t) => t.start + t.duration >= from && t.start <= to;
  const before = raw.frames.filter((t) => t < from).at(-1);
  const after = raw.frames.find((t) => t > to);
  const frames = [
    ...(before === undefined ? [] : [before]),
    ...raw.frames.filter((t) => t >= from && t <= to),
    ...(after === undefined ? [] : [after]),
  ];
  const gaps = frames.slice(1).map((t, i) => t - frames[i]);
  // The app's own window (src/lab/timeline/summary.rs): from the frame before `from` to
  // the last frame at or before `to`, without the gap that runs on past `to`.
  const appGaps = after === undefined ? gaps : gaps.slice(0, -1);
  const longTasks = raw.longTasks.filter(overlaps);
  // Gaps by where they begin: at the run's start (RUN_START_MS), or after it.
  const startGaps = gaps.filter((g, i) => frames[i] < from + RUN_START_MS);
  const laterGaps = gaps.filter((g, i) => frames[i] >= from + RUN_START_MS);
  const inWindow = (e) => e.start >= from && e.start <= to;
  return {
    longTasks,
    longestTask: Math.max(0, ...longTasks.map((t) => t.duration)),
    frames,
    framesInside: raw.frames.filter((t) => t >= from && t <= to).length,
    gaps,
    maxGap: Math.max(0, ...gaps),
    maxStartGap: Math.max(0, ...startGaps),
    maxGapAfterStart: Math.max(0, ...laterGaps),
    maxGapAsTheAppCounts: Math.max(0, ...appGaps),
    slowShare: gaps.length ? gaps.filter((g) => g > 2 * FRAME_MS).length / gaps.length : 0,
    events: raw.events.filter(inWindow),
    inputs: raw.inputs.filter(inWindow),
  };
}

/** Runs `config` through window.eventLoopLab.run and measures its window; { report, ...measure }. */
export async function runMeasured(page, config) {
  const { report, wallMs } = await page.evaluate(async (c) => {
    const t0 = performance.now();
    const report = await window.eventLoopLab.run(c);
    return { report, wallMs: performance.now() - t0 };
  }, config);
  return { report, wallMs, ...(await measure(page, { from: report.started_ms, to: report.finished_ms })) };
}

/** A short account of a measurement, for assertion messages. */
export function describe(m) {
  const gaps = [...m.gaps].sort((a, b) => b - a).slice(0, 5).map((g) => g.toFixed(0));
  const tasks = m.longTasks.map((t) => t.duration.toFixed(0));
  return `${m.gaps.length} frame gaps, ${(100 * m.slowShare).toFixed(1)} % slow, longest ${gaps.join('/')} ms (at the run's start ${m.maxStartGap.toFixed(0)} ms); long tasks [${tasks}] ms`;
}
