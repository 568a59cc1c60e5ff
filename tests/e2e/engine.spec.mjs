// Issue "the run engine": the page fetches on its own event loop in every mode and only
// the work moves; cancel stops the work; a failure stays with its document; the ideal
// never exceeds the total.
//
// The waits are checked against the browser's own Resource Timing (when the response's
// last byte arrived), not only against the app's report.
import { test, expect } from './fixtures.mjs';
import { startTrace, mainThreadTasks, busyMs } from './owncost.mjs';

const LATENCY = 800;
/** The book's target for the run after a cancel against a clean one (Benchmark, row 5). */
const CANCEL_RATIO = 1.1;
/** Pairs of runs (clean, after a cancel) whose medians are compared, as the benchmark does. */
const CANCEL_PAIRS = 3;
/** How long before and after a cancel the main thread is watched, ms. */
const WINDOW_MS = 300;
/**
 * A task this long is a parse slice: a `frame` slice fills a frame up to 2 ms before the
 * next (~14 ms); the lab's own tasks after a cancel were 1-7 ms here.
 */
const SLICE_TASK_MS = 10;

/** Resource Timing entries of the run's document requests, by doc id: { start, responseEnd }. */
async function resourceTimes(page, report) {
  const entries = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => ({ name: e.name, start: e.startTime, responseEnd: e.responseEnd })),
  );
  const byDoc = new Map();
  for (const e of entries) {
    const m = /\/doc\/(\d+)\?/.exec(e.name);
    if (m && e.start >= report.started_ms - 1 && e.start <= report.finished_ms) byDoc.set(Number(m[1]), e);
  }
  return byDoc;
}

/**
 * Watches, from outside the app, what the browser's network layer does with the
 * document requests of `page` (CDP Network): for each, its URL, when it was sent and
 * ended (CDP's monotonic clock, s), the body bytes delivered (CDP counts those of a
 * streamed body; a Blob body from the service worker reaches the page as a handle and
 * counts none), and how it ended
 * ('finished', 'canceled' or 'failed: …').
 */
async function watchDocRequests(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const requests = new Map();
  const ended = (id, end, e) => {
    const r = requests.get(id);
    if (r) Object.assign(r, { end, endedAt: e.timestamp, encoded: e.encodedDataLength ?? r.encoded });
  };
  cdp.on('Network.requestWillBeSent', (e) => {
    const m = /\/doc\/(\d+)\?/.exec(e.request.url);
    if (m) requests.set(e.requestId, { doc: Number(m[1]), url: e.request.url, sentAt: e.timestamp, bytes: 0, encoded: 0, end: null });
  });
  cdp.on('Network.dataReceived', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.bytes += e.dataLength;
  });
  cdp.on('Network.loadingFinished', (e) => ended(e.requestId, 'finished', e));
  cdp.on('Network.loadingFailed', (e) => ended(e.requestId, e.canceled ? 'canceled' : `failed: ${e.errorText}`, e));
  return requests;
}

test.describe('the shape of a run', () => {
  test('worker mode: the page takes each body as the server answers; blocking mode: the waits stretch past the answer', async ({ lab, page }) => {
    await lab.open();
    await lab.waitReady();

    const worker = await lab.run({ parse: 'worker', latency: LATENCY });
    expect(worker.outcome).toBe('finished');
    const workerTimes = await resourceTimes(page, worker);
    for (const d of worker.documents) {
      expect(d.error, `doc ${d.id}`).toBeNull();
      expect(d.answered_ms, `doc ${d.id} answered`).not.toBeNull();
      // The page took each body within a few frames of the server's answer: nothing on
      // its loop held the response (the browser's Resource Timing agrees). Measured
      // here: 10–25 ms for a 3 MiB body (its transport), up to 51 ms in a fresh page's
      // first run; blocking mode below holds them for hundreds of ms.
      expect(d.fetch_end_ms - d.answered_ms, `doc ${d.id}: answered, then held by the page after (ms)`).toBeLessThanOrEqual(80);
      const rt = workerTimes.get(d.id);
      expect(rt, `a Resource Timing entry for doc ${d.id}`).toBeTruthy();
      expect(d.fetch_end_ms - rt.responseEnd, `doc ${d.id}: app vs Resource Timing (ms)`).toBeLessThanOrEqual(80);
      // The whole wait: the latency, the simulator's own lateness, and those few frames.
      // The service worker answers late when the two workers parsing the first bodies
      // hold both cores of this machine: the wait is usually within 50 ms of the
      // latency, but was 161 ms over once in a fresh clone's CI run, at least 81 ms of
      // it the server's (the check above held). The page's part is checked above.
      const wait = d.fetch_end_ms - d.fetch_start_ms;
      expect(wait, `doc ${d.id}: waited ${wait.toFixed(0)} ms for an ${LATENCY} ms server`).toBeLessThanOrEqual(LATENCY + 250);
      expect(d.thread).toMatch(/^worker-\d+$/);
      expect(d.queued_ms).not.toBeNull();
      expect(d.work_ms).toBeGreaterThan(0);
    }

    const blocking = await lab.run({ parse: 'blocking', latency: LATENCY });
    expect(blocking.outcome).toBe('finished');
    const blockingTimes = await resourceTimes(page, blocking);
    // The responses arrived on time (Resource Timing), but the page's code took them
    // only after the parses before them: the longest stretch is at least one parse.
    const stretch = Math.max(...blocking.documents.map((d) => d.fetch_end_ms - blockingTimes.get(d.id).responseEnd));
    expect(stretch, 'the longest time a response waited for the blocked loop (ms)').toBeGreaterThanOrEqual(200);
    const loopWait = Math.max(...blocking.documents.map((d) => d.fetch_end_ms - d.answered_ms));
    expect(loopWait, 'the app shows the same stretch as "answered, waiting for the loop"').toBeGreaterThanOrEqual(200);
    for (const d of blocking.documents) {
      expect(d.answered_ms - d.fetch_start_ms, `doc ${d.id}: the server answered on time`).toBeLessThan(LATENCY + 100);
    }
  });

  test('ideal never exceeds the total, in all three modes', async ({ lab }) => {
    await lab.open();
    await lab.waitReady();
    for (const parse of ['blocking', 'sliced', 'worker']) {
      const report = await lab.run({ parse, docs: 4, size: 1024, latency: 300 });
      expect(report.outcome).toBe('finished');
      expect(report.ideal_ms, `${parse}: ideal ${report.ideal_ms} vs total ${report.total_ms}`).toBeLessThanOrEqual(report.total_ms);
      const work = report.documents.reduce((sum, d) => sum + d.work_ms, 0);
      expect(work, `${parse}: work was measured`).toBeGreaterThan(0);
    }
  });
});

test.describe('cancel stops the work', () => {
  test('cancel mid-parse, then run: as fast as the same run on a clean pool, and no worker is leaked', async ({ lab, page }) => {
    await lab.open('workers=2');
    await lab.waitReady();
    await expect.poll(() => page.workers().length, { message: 'two pool workers' }).toBe(2);
    const small = { parse: 'worker', workers: 2, docs: 2, size: 1024, latency: 0 };
    const heavyConfig = { parse: 'worker', workers: 2, docs: 8, size: 6144, latency: 0 };

    // The book's statistic (Benchmark, row 5): the median of CANCEL_PAIRS small runs
    // right after a cancel against the median of as many on a clean pool, the two
    // kinds taking turns so neither is always the page's first.
    const clean = [];
    const afterCancel = [];
    for (let i = 0; i < CANCEL_PAIRS; i += 1) {
      const cleanRun = await lab.run(small);
      expect(cleanRun.outcome).toBe('finished');
      clean.push(cleanRun.total_ms);

      const heavy = page.evaluate((c) => window.eventLoopLab.run(c), heavyConfig);
      // Cancel mid-parse once every body has arrived: the simulated server's own work
      // on the heavy documents is then over, and only the app's work is left to stop.
      await expect(lab.docRows.and(page.locator('[data-state="parsing"]')).first()).toBeVisible();
      await expect(lab.docRows.and(page.locator('[data-state="fetching"], [data-state="queued"]'))).toHaveCount(0);
      await expect(lab.docRows.and(page.locator('[data-state="parsing"]')).first()).toBeVisible();
      await lab.cancelButton.click();
      expect((await heavy).outcome).toBe('cancelled');

      const next = await lab.run(small);
      expect(next.outcome).toBe('finished');
      afterCancel.push(next.total_ms);
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    // Had the cancelled parses (over a second each) kept the workers busy, the run
    // after the cancel would have waited for them: several times the clean run.
    // Measured here (2026-12-03): 15 of 17 medians within 1.1 (0.58-1.08, 1-min load
    // 1.6-4.2); over it 1.36 and 1.29, at load 4.1 and 4.6, when another process held
    // the cores: the same 1 MiB parse then took 137-213 ms from run to run, and no
    // document after a cancel waited over 7 ms for a worker. (One pair alone, as this
    // test had, was over 1.1 in 2 of 7.)
    expect(
      median(afterCancel) / median(clean),
      `after cancel ${afterCancel.map(Math.round)} ms vs clean ${clean.map(Math.round)} ms (medians)`,
    ).toBeLessThanOrEqual(CANCEL_RATIO);
    // The pool still has its two workers: none leaked, none lost.
    await expect.poll(() => page.workers().length, { message: 'still two pool workers' }).toBe(2);
  });
});

test.describe('cancel, seen from the browser', () => {
  test('Cancel aborts the run\'s requests: the network layer reports each canceled, long before its answer', async ({ lab, page }) => {
    const LONG = 4000;
    await lab.open();
    await lab.waitReady();
    const requests = await watchDocRequests(page);
    const failed = [];
    page.on('requestfailed', (r) => /\/doc\/\d+\?/.test(r.url()) && failed.push(r.failure()?.errorText));
    const run = lab.run({ parse: 'worker', docs: 4, size: 64, latency: LONG });
    await expect.poll(() => requests.size, { message: 'all four requests sent' }).toBe(4);
    await lab.cancelButton.click();
    const report = await run;
    expect(report.outcome).toBe('cancelled');
    expect(report.documents.map((d) => d.state)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    await expect.poll(() => [...requests.values()].map((r) => r.end), { message: 'how each request ended' })
      .toEqual(['canceled', 'canceled', 'canceled', 'canceled']);
    // (No byte count here: the service worker's Blob bodies reach the page as a handle,
    // and CDP counts no data bytes for them even when they are read.)
    for (const r of requests.values()) {
      const lived = (r.endedAt - r.sentAt) * 1000;
      expect(lived, `doc ${r.doc}: aborted after ${lived.toFixed(0)} ms, its server would answer at ${LONG}`).toBeLessThan(LONG / 2);
    }
    // Playwright's own events say the same.
    expect(failed).toEqual(['net::ERR_ABORTED', 'net::ERR_ABORTED', 'net::ERR_ABORTED', 'net::ERR_ABORTED']);
  });

  test('Cancel during a sliced parse: the main thread is free again within a slice or two', async ({ lab, page }) => {
    await lab.open();
    await lab.waitReady();
    // One big document, so its parse (~1 s) is well under way when the cancel comes.
    const config = { parse: 'sliced', yield: 'frame', docs: 1, size: 8192, latency: 0 };
    const stop = await startTrace(page);
    const run = page.evaluate((c) => window.eventLoopLab.run(c), config);
    await expect(lab.docRow(1)).toHaveAttribute('data-state', 'parsing');
    // The parse runs on for WINDOW_MS, then the cancel, marked in the trace.
    const cancelAt = await page.evaluate(async (windowMs) => {
      const from = performance.now();
      await new Promise((resolve) => {
        const wait = () => (performance.now() - from >= windowMs ? resolve() : setTimeout(wait, 10));
        wait();
      });
      performance.mark('e2e:cancel');
      window.eventLoopLab.cancel();
      return performance.now();
    }, WINDOW_MS);
    const report = await run;
    expect(report.outcome).toBe('cancelled');
    // The trace must cover the window after the cancel.
    await expect.poll(() => page.evaluate(() => performance.now()), { message: 'the window after the cancel has passed' })
      .toBeGreaterThan(cancelAt + WINDOW_MS);
    const events = await stop();
    // Chrome's own account of the page's main thread, not the app's.
    const { tasks, at } = mainThreadTasks(events, 'e2e:cancel');
    const before = busyMs(tasks, at - WINDOW_MS * 1000, at);
    const after = busyMs(tasks, at, at + WINDOW_MS * 1000);
    const slices = tasks
      .filter((t) => t.ts >= at && t.ts < at + WINDOW_MS * 1000 && t.dur >= SLICE_TASK_MS * 1000)
      .map((t) => ({ at: (t.ts - at) / 1000, ms: t.dur / 1000 }));
    const told = `busy ${before.toFixed(0)} ms before, ${after.toFixed(0)} ms after; tasks of ${SLICE_TASK_MS} ms or more after: ${JSON.stringify(slices)}`;
    // Before: a frame slice fills each frame, so the thread is all but always busy.
    expect(before, told).toBeGreaterThanOrEqual(0.5 * WINDOW_MS);
    // After: at most the slice under way and one more, both within two frames of the
    // cancel; then only the lab's own frames (measured: 31-34 ms in 300 ms, tasks of
    // 1-7 ms; a parse that went on would keep the thread busy as before).
    expect(slices.length, told).toBeLessThanOrEqual(2);
    for (const slice of slices) expect(slice.at, told).toBeLessThanOrEqual(2 * (1000 / 60));
    expect(after, told).toBeLessThanOrEqual(0.25 * before);
  });
});

test.describe('Reset', () => {
  test('Reset during a run cancels it, aborts its requests and puts the controls back to the defaults', async ({ lab, page }) => {
    await lab.open('docs=3&latency=4000&size=64&parse=worker');
    await lab.waitReady();
    await expect(lab.docsInput).toHaveValue('3');
    const requests = await watchDocRequests(page);
    const run = page.evaluate(() => window.eventLoopLab.run({}));
    await expect.poll(() => requests.size, { message: 'all three requests sent' }).toBe(3);
    await page.getByTestId('reset').click();
    const report = await run;
    expect(report.outcome).toBe('cancelled');
    await expect.poll(() => [...requests.values()].map((r) => r.end), { message: 'how each request ended' })
      .toEqual(['canceled', 'canceled', 'canceled']);
    await lab.waitStatus('cancelled');
    // The defaults (the book, URL parameters): docs 6, latency 800, size 3072, concurrent.
    await expect(lab.docsInput).toHaveValue('6');
    await expect(lab.latencyInput).toHaveValue('800');
    await expect(lab.sizeInput).toHaveValue('3072');
    await expect(lab.fetchConcurrent).toBeChecked();
    // The cancelled run is no report, and a run after Reset runs the defaults.
    expect(await lab.report(), 'report() holds only finished runs').toBeNull();
    const next = await lab.run({ size: 64, latency: 0 });
    expect(next.outcome).toBe('finished');
    expect(next.config).toMatchObject({ docs: 6, parse: 'blocking' });
  });
});

test.describe('a failure stays with its document', () => {
  for (const fetch of ['concurrent', 'sequential']) {
    test(`one hang with a short timeout leaves the others untouched (${fetch})`, async ({ lab }) => {
      await lab.open();
      await lab.waitReady();
      const report = await lab.run({ fetch, parse: 'worker', docs: 4, size: 64, latency: 300, timeout: 1000, fail: '3:hang' });
      expect(report.outcome).toBe('finished');
      expect(report.config.timeout).toBe(1000);
      expect(report.config.failures).toEqual([{ doc: 3, kind: 'hang' }]);
      for (const d of report.documents) {
        if (d.id === 3) {
          expect(d.error).toBe('no response within 1000 ms');
          const waited = d.fetch_end_ms - d.fetch_start_ms;
          expect(waited, 'doc 3 gave up at its own timeout').toBeGreaterThanOrEqual(990);
        } else {
          expect(d.error, `doc ${d.id}`).toBeNull();
          expect(d.fetch_end_ms - d.fetch_start_ms, `doc ${d.id} waited its latency only`).toBeLessThan(300 + 200);
        }
      }
      await expect(lab.docError(3)).toHaveText('no response within 1000 ms');
    });
  }

  test('crash: the row shows the worker error, the pool recovers, and the next run is whole', async ({ lab, page, monitor }) => {
    // The crashing worker's panic message is logged by the panic hook (that is its job).
    monitor.allowConsoleError(/simulated parser crash|unreachable/);
    await lab.open('workers=2');
    await lab.waitReady();
    const crashed = await lab.run({ parse: 'worker', workers: 2, docs: 4, size: 256, latency: 100, fail: '2:crash' });
    expect(crashed.outcome).toBe('finished');
    for (const d of crashed.documents) {
      if (d.id === 2) expect(d.error).toMatch(/^the parse worker failed: worker-\d stopped while working on doc 2/);
      else expect(d.error, `doc ${d.id}`).toBeNull();
    }
    await expect(lab.docError(2)).toContainText('stopped while working on doc 2');

    const next = await lab.run({ fail: '' });
    expect(next.outcome).toBe('finished');
    expect(next.documents.map((d) => d.error)).toEqual([null, null, null, null]);
    await expect.poll(() => page.workers().length, { message: 'the pool is back to two workers' }).toBe(2);
  });

  test('crash in a main-thread mode is ignored with a notice', async ({ lab }) => {
    await lab.open();
    await lab.waitReady();
    const report = await lab.run({ parse: 'blocking', docs: 2, size: 64, latency: 0, fail: '2:crash' });
    expect(report.documents.map((d) => d.error)).toEqual([null, null]);
    await expect(lab.noticeAbout('crash').first()).toContainText('applies only to parse=worker');
  });
});

test.describe('failures from the server: each with its own words on its row, the others finish', () => {
  const WORDS = {
    500: 'the server answered 500 Internal Server Error',
    404: 'the server answered 404 Not Found',
    network: 'network error: Failed to fetch',
    'not-html': 'not an HTML document (content-type application/json; charset=utf-8)',
    'not-utf8': /^the body is not valid UTF-8 \(first bad byte at offset \d+\)$/,
    huge: 'the document is 16777217 bytes; the limit is 16777216',
    'huge-stream': /^the document is over the limit of 16777216 bytes; its download was stopped after \d+ bytes$/,
  };
  const KINDS = Object.keys(WORDS);
  for (const parse of ['worker', 'blocking']) {
    for (const simulator of ['auto', 'page']) {
      test(`every server failure kind in one run (${parse}, simulator=${simulator})`, async ({ lab, monitor }) => {
        // Chromium logs the failed responses the simulator gives on purpose.
        monitor.allowConsoleError(/status of (500|404)|Failed to load resource|net::ERR_FAILED/);
        await lab.open(`simulator=${simulator}`);
        await lab.waitReady();
        const fail = KINDS.map((kind, i) => `${i + 1}:${kind}`).join(',');
        const report = await lab.run({ parse, docs: KINDS.length + 1, size: 64, latency: 100, fail });
        expect(report.outcome).toBe('finished');
        expect(report.config.failures.map((f) => f.kind)).toEqual(KINDS);
        KINDS.forEach((kind, i) => {
          const error = report.documents[i].error;
          if (WORDS[kind] instanceof RegExp) expect(error, kind).toMatch(WORDS[kind]);
          else expect(error, kind).toBe(WORDS[kind]);
        });
        const last = report.documents[KINDS.length];
        expect(last.error, 'the document that did not fail').toBeNull();
        expect(last.links).toBeGreaterThan(0);
        await expect(lab.docError(KINDS.indexOf('404') + 1)).toHaveText(WORDS[404]);
      });
    }
  }
});

test.describe('a body refused from its headers is not read', () => {
  test('not-html and huge: no read of the body starts, and the request is aborted (CDP Network)', async ({ lab, page }) => {
    // The test's own record of every read of a response body in the page (any of
    // Response's body methods, or its stream), by URL, before the app's first task.
    await page.addInitScript(() => {
      window.__e2eBodyReads = [];
      const proto = Response.prototype;
      for (const how of ['arrayBuffer', 'blob', 'bytes', 'formData', 'json', 'text']) {
        const original = proto[how];
        if (!original) continue;
        proto[how] = function (...args) {
          window.__e2eBodyReads.push({ url: this.url, how });
          return original.apply(this, args);
        };
      }
      const body = Object.getOwnPropertyDescriptor(proto, 'body');
      Object.defineProperty(proto, 'body', {
        ...body,
        get() {
          window.__e2eBodyReads.push({ url: this.url, how: 'body' });
          return body.get.call(this);
        },
      });
    });
    await lab.open();
    await lab.waitReady();
    const requests = await watchDocRequests(page);
    const report = await lab.run({ parse: 'worker', docs: 3, size: 64, latency: 100, fail: '1:not-html,2:huge' });
    expect(report.outcome).toBe('finished');
    expect(report.documents.map((d) => d.error)).toEqual([
      'not an HTML document (content-type application/json; charset=utf-8)',
      'the document is 16777217 bytes; the limit is 16777216',
      null,
    ]);
    const reads = await page.evaluate(() => window.__e2eBodyReads.filter((r) => /\/doc\/\d+\?/.test(r.url)));
    const readOf = (doc) => reads.filter((r) => new RegExp(`/doc/${doc}\\?`).test(r.url)).map((r) => r.how);
    expect(readOf(1), 'reads of the not-html body').toEqual([]);
    expect(readOf(2), 'reads of the huge body').toEqual([]);
    expect(readOf(3), 'the good body is taken whole, as a Blob').toEqual(['blob']);
    // The page aborted the refused requests; the good one ran to its end. (The
    // service worker answers with Blob bodies, which reach the page as a handle: CDP
    // counts no data bytes for any of them, so the bytes say nothing here. The
    // streamed huge-stream body, which does cross, is counted below.)
    await expect.poll(() => [...requests.values()].filter((r) => r.end).length, { message: 'all three requests ended' }).toBe(3);
    const byDoc = new Map([...requests.values()].map((r) => [r.doc, r.end]));
    expect(Object.fromEntries(byDoc)).toEqual({ 1: 'canceled', 2: 'canceled', 3: 'finished' });
  });
});

test.describe('the hostile document', () => {
  for (const parse of ['blocking', 'worker']) {
    test(`is parsed like any other; nothing in it runs or is requested (${parse})`, async ({ lab, page }) => {
      const requested = [];
      page.on('request', (request) => requested.push(request.url()));
      await lab.open();
      await lab.waitReady();
      const report = await lab.run({ parse, docs: 3, size: 64, latency: 100, fail: '2:hostile' });
      expect(report.outcome).toBe('finished');
      const hostile = report.documents[1];
      expect(hostile.error).toBeNull();
      expect(hostile.links, 'its three links are counted').toBe(3);
      expect(hostile.bytes, 'the whole 1 MiB+ page arrived').toBeGreaterThan(1 << 20);
      expect(report.documents.map((d) => d.error)).toEqual([null, null, null]);
      // Its handlers would set this global and its URLs all point at attacker.invalid.
      expect(await page.evaluate(() => window.__hostileRan)).toBeUndefined();
      expect(requested.filter((url) => url.includes('attacker.invalid'))).toEqual([]);
      await expect(lab.docRow(2)).toHaveAttribute('data-state', 'done');
    });
  }
});

test.describe('a body without Content-Length is limited while it streams in (huge-stream)', () => {
  test('a timeout in the middle of the streamed read ends it cleanly', async ({ lab }) => {
    await lab.open();
    await lab.waitReady();
    // Reading 16 MiB from the service worker in chunks takes the page some 200-400 ms
    // here: a 100 ms timeout stops it mid-stream. (The in-page simulator makes its
    // chunks faster than that, so it is not tried here.) The fixture fails the test on
    // any page error.
    const report = await lab.run({ parse: 'worker', docs: 2, size: 16, latency: 0, timeout: 100, fail: '2:huge-stream' });
    expect(report.outcome).toBe('finished');
    expect(report.documents[1].error).toBe('no response within 100 ms');
    const next = await lab.run({ timeout: 20000, fail: '' });
    expect(next.documents.map((d) => d.error)).toEqual([null, null]);
  });

  const LIMIT = 16 * 1024 * 1024;
  const SENT_IF_UNCHECKED = 4 * LIMIT;
  const WORDS = /^the document is over the limit of 16777216 bytes; its download was stopped after (\d+) bytes$/;
  for (const parse of ['worker', 'blocking']) {
    for (const simulator of ['auto', 'page']) {
      test(`the reader stops at the limit, the others finish (${parse}, simulator=${simulator})`, async ({ lab, page }) => {
        await lab.open(`simulator=${simulator}`);
        await lab.waitReady();
        // From outside the app: what the browser's network layer saw of doc 2's response.
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Network.enable');
        const requests = new Map();
        cdp.on('Network.requestWillBeSent', (e) => {
          if (/\/doc\/2\?.*fail=huge-stream/.test(e.request.url)) requests.set(e.requestId, { bytes: 0, end: null });
        });
        cdp.on('Network.responseReceived', (e) => {
          const r = requests.get(e.requestId);
          if (r) r.headers = e.response.headers;
        });
        cdp.on('Network.dataReceived', (e) => {
          const r = requests.get(e.requestId);
          if (r) r.bytes += e.dataLength;
        });
        cdp.on('Network.loadingFinished', (e) => requests.get(e.requestId) && (requests.get(e.requestId).end = 'finished'));
        cdp.on('Network.loadingFailed', (e) => requests.get(e.requestId) && (requests.get(e.requestId).end = e.canceled ? 'canceled' : `failed: ${e.errorText}`));

        const report = await lab.run({ parse, docs: 3, size: 64, latency: 100, fail: '2:huge-stream' });
        expect(report.outcome).toBe('finished');
        expect(report.config.failures).toEqual([{ doc: 2, kind: 'huge-stream' }]);
        const [first, huge, third] = report.documents;
        expect(huge.error).toMatch(WORDS);
        const read = Number(WORDS.exec(huge.error)[1]);
        // Stopped by the chunk that passed the limit (chunks are 64 KiB at the source;
        // the browser may hand them over merged), far short of the 64 MiB on offer.
        expect(read).toBeGreaterThan(LIMIT);
        expect(read, 'bytes read when the reader stopped').toBeLessThanOrEqual(LIMIT + 4 * 1024 * 1024);
        for (const d of [first, third]) {
          expect(d.error, `doc ${d.id}`).toBeNull();
          expect(d.links, `doc ${d.id}`).toBeGreaterThan(0);
        }
        await expect(lab.docError(2)).toHaveText(WORDS);
        // The chunks were never copied into wasm memory: it stayed below the limit.
        expect(report.memory.wasm_bytes, 'the page wasm memory (bytes)').toBeLessThan(LIMIT);

        if (simulator === 'auto') {
          await expect.poll(() => [...requests.values()].map((r) => r.end), { message: 'doc 2 request ended' }).toEqual(['canceled']);
          const [r] = [...requests.values()];
          expect(r.headers['content-length'], 'no Content-Length').toBeUndefined();
          expect(r.bytes, 'bytes the network layer delivered').toBeGreaterThan(LIMIT);
          expect(r.bytes, `bytes the network layer delivered, of the ${SENT_IF_UNCHECKED} on offer`).toBeLessThanOrEqual(LIMIT + 4 * 1024 * 1024);
        }
      });
    }
  }
});
