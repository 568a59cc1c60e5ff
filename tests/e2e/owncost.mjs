// The lab's own cost on the page's main thread during a run, measured from outside the
// app: a Chrome trace recorded through CDP (devtools.timeline), whose top-level tasks on
// the page's renderer main thread (`RunTask` on `CrRendererMain`) are summed over the
// run's window, and split by the page's own animation frames. Used by the benchmark
// (bench.mjs), the phone-class e2e test, and engine.spec.mjs (the main thread around a
// cancel: mainThreadTasks, busyMs).
//
// The window is marked with `performance.mark` in the page, so the trace's clock and
// `performance.now()` are tied by the marks themselves (the trace holds each mark as a
// `blink.user_timing` event), never by guessing an offset.

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'blink.user_timing',
].join(',');

/** Starts a Chrome trace of `page`'s browser; returns a function that stops it and
 * resolves with its events. */
export async function startTrace(page) {
  const browser = page.context().browser();
  await browser.startTracing(page, { categories: CATEGORIES.split(',') });
  return async () => JSON.parse((await browser.stopTracing()).toString()).traceEvents;
}

/**
 * In the page: marks the window, runs `config` through `window.eventLoopLab.run`, and
 * records every animation frame of the window with the test's own rAF loop and
 * `longtask` observer. Returns the report's figures and the page-side measurements.
 */
export async function markedRun(page, config) {
  return page.evaluate(async (config) => {
    const longTasks = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
    });
    observer.observe({ type: 'longtask' });
    const frames = [];
    let looping = true;
    const tick = () => {
      frames.push(performance.now());
      if (looping) requestAnimationFrame(tick);
    };
    await new Promise((resolve) => requestAnimationFrame(() => {
      frames.push(performance.now());
      requestAnimationFrame(tick);
      resolve();
    }));
    performance.mark('owncost:start');
    const report = await window.eventLoopLab.run(config);
    performance.mark('owncost:end');
    // One more frame and a task, so the run's last frame and long-task entries are in.
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    looping = false;
    for (const e of observer.takeRecords()) longTasks.push({ start: e.startTime, duration: e.duration });
    observer.disconnect();
    const start = performance.getEntriesByName('owncost:start').at(-1).startTime;
    const end = performance.getEntriesByName('owncost:end').at(-1).startTime;
    performance.clearMarks('owncost:start');
    performance.clearMarks('owncost:end');
    let maxGap = 0;
    const inRun = frames.filter((t) => t >= start && t <= end + 50);
    for (let i = 1; i < inRun.length; i += 1) maxGap = Math.max(maxGap, inRun[i] - inRun[i - 1]);
    return {
      start,
      end,
      frames: inRun,
      maxGapMs: maxGap,
      longTasks: longTasks.filter((t) => t.start + t.duration >= start && t.start <= end),
      report: report && {
        outcome: report.outcome,
        total_ms: report.total_ms,
        own_ms: report.main_thread.own_ms ?? null,
        long_tasks: report.main_thread.long_tasks,
        max_frame_gap_ms: report.main_thread.max_frame_gap_ms,
      },
    };
  }, config);
}

/**
 * The page's main-thread busy time in `run`'s window, from the trace `events`: the sum
 * of top-level tasks on the renderer main thread of the page that made the marks, in
 * ms, overall and per frame (between two of the page's own animation frames).
 */
export function mainThreadBusy(events, run) {
  const { tasks: top, at: startTs } = mainThreadTasks(events, 'owncost:start');
  const end = events.find((e) => e.cat.includes('blink.user_timing') && e.name === 'owncost:end');
  if (!end) throw new Error('the trace has no owncost marks');
  // µs on the trace's clock for a performance.now() value in ms.
  const offset = startTs - run.start * 1000;
  const busyBetween = (from, to) => busyMs(top, from, to);
  const busy = busyBetween(startTs, end.ts);
  const perFrame = [];
  for (let i = 1; i < run.frames.length; i += 1) {
    perFrame.push(busyBetween(run.frames[i - 1] * 1000 + offset, run.frames[i] * 1000 + offset));
  }
  perFrame.sort((a, b) => a - b);
  const median = perFrame.length ? perFrame[perFrame.length >> 1] : null;
  const wallMs = (end.ts - startTs) / 1000;
  return { busyMs: busy, wallMs, share: busy / wallMs, medianPerFrameMs: median, frames: perFrame.length };
}

/**
 * The top-level tasks (`RunTask`) of the renderer main thread of the page that made
 * the `performance.mark` `name`, sorted, and that mark's time: all in µs on the
 * trace's clock.
 */
export function mainThreadTasks(events, name) {
  const mark = events.find((e) => e.cat.includes('blink.user_timing') && e.name === name);
  if (!mark) throw new Error(`the trace has no mark ${name}`);
  const { pid, tid } = mark;
  const tasks = events
    .filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.name === 'RunTask' && e.dur > 0)
    .sort((a, b) => a.ts - b.ts);
  // Top-level only: a task nested in another (the trace has a few) is counted once.
  const top = [];
  for (const t of tasks) {
    const last = top.at(-1);
    if (last && t.ts < last.ts + last.dur) continue;
    top.push(t);
  }
  return { tasks: top, at: mark.ts };
}

/** How long `tasks` (from mainThreadTasks) kept the thread busy between `from` and `to` (µs), ms. */
export function busyMs(tasks, from, to) {
  const clip = (t) => Math.max(0, Math.min(t.ts + t.dur, to) - Math.max(t.ts, from)) / 1000;
  return tasks.reduce((sum, t) => sum + clip(t), 0);
}
