// Event Loop Lab — latency simulator (service worker).
//
// Answers GET <scope>doc/<n>?latency_ms=&size_kb=&fail= with a deterministic
// HTML document built from the real pages in ./corpus/, after an artificial
// server delay. Every other request goes to the network untouched. Each answer
// carries the moment it was sent (x-answered-epoch-ms: timeOrigin + now, ms), so
// the page can tell the server's time from the time the response then waited for
// the page's own event loop.
// With connections=N&run=KEY it serves at most N answers of that run at once, as a
// browser's per-origin pool over HTTP/1.1 does; the rest wait for a free connection,
// and each answer then also says when it got one (x-connected-epoch-ms).
// Every answer names the simulator's protocol version (x-lab-simulator), and
// GET <scope>doc/version answers with it alone, so a page can tell a simulator of
// another deploy from its own (see src/browser/service_worker.rs).
// Plain ES2020, no imports, no build step, no Cache API, no external requests.
'use strict';

// The simulator's protocol version: raise it with every change a page relies on
// (SIMULATOR_PROTOCOL in src/browser/service_worker.rs must say the same).
const PROTOCOL = 2;

const PREFIX_HEAD = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>doc ';
const PREFIX_TAIL = '</title></head><body>\n';
const SUFFIX = '</body></html>\n';
const HANG_LIMIT_MS = 120000;
const LT = 0x3c; // '<' is ASCII, so in UTF-8 it always starts a character.
const enc = new TextEncoder();
const STATUS_TEXT = { 200: 'OK', 400: 'Bad Request', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' };

// Take over immediately, so the very first visit is controlled without a
// reload (otherwise the page's first doc fetches would bypass the simulator).
// Loading the corpus during install keeps that one-off cost out of the first run's
// timings (a failure is not fatal here: the first document request tries again).
self.addEventListener('install', (event) => {
  self.skipWaiting();
  event.waitUntil(loadCorpus().catch(() => {}));
});
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  // The simulated server time starts now, on the same monotonic clock that stamps the
  // answer (x-answered-epoch-ms): Date.now() is wall-clock time, coarse and free to jump.
  const arrived = performance.now();
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  let scope = new URL(self.registration.scope).pathname;
  if (!scope.endsWith('/')) scope += '/';
  const path = url.pathname.startsWith(scope) ? url.pathname.slice(scope.length) : null;
  if (path === 'doc/version') {
    event.respondWith(textResponse(200, String(PROTOCOL), 0));
    return;
  }
  const m = path !== null && /^doc\/([1-9][0-9]{0,14})$/.exec(path);
  if (!m) return; // not ours: no respondWith, the network handles it
  event.respondWith(handleDoc(Number(m[1]), url.searchParams, req.signal, arrived));
});

// Integer query parameter: default when absent or not a number, else clamped.
function intParam(params, name, min, max, def) {
  const v = Number.parseInt(params.get(name) ?? '', 10);
  return Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : def;
}

// Resolves true after `ms`, or false as soon as `signal` aborts.
function wait(ms, signal) {
  return new Promise((resolve) => {
    if (signal && signal.aborted) return resolve(false);
    const timer = setTimeout(() => resolve(true), ms);
    if (signal) signal.addEventListener('abort', () => { clearTimeout(timer); resolve(false); }, { once: true });
  });
}

// Each run's connections (connections=N): how many are busy, and who waits for one.
const pools = new Map();

// Resolves with a release function once one of run `key`'s `limit` connections is free,
// or with null if `signal` aborts first (the request is then never served).
function connection(key, limit, signal) {
  let pool = pools.get(key);
  if (!pool) pools.set(key, (pool = { busy: 0, waiting: [] }));
  const release = () => {
    // Straight to the next waiter, else one connection fewer busy.
    const next = pool.waiting.shift();
    if (next) return next();
    pool.busy -= 1;
    if (pool.busy === 0 && pool.waiting.length === 0) pools.delete(key);
  };
  if (pool.busy < limit) {
    pool.busy += 1;
    return Promise.resolve(release);
  }
  return new Promise((resolve) => {
    const take = () => resolve(release);
    pool.waiting.push(take);
    if (signal) {
      signal.addEventListener('abort', () => {
        const i = pool.waiting.indexOf(take);
        if (i >= 0) {
          pool.waiting.splice(i, 1);
          resolve(null);
        }
      }, { once: true });
    }
  });
}

// `type` is the whole Content-Type. A Blob body also gets its Content-Length, so the
// page can refuse a body that is too large before it reads any of it. `connected` is
// when the request got its connection (epoch ms), with connections=N.
function respond(status, body, type, latency, connected) {
  const headers = {
    'content-type': type,
    'cache-control': 'no-store',
    'x-simulated-latency-ms': String(latency),
    'x-answered-epoch-ms': String(performance.timeOrigin + performance.now()),
    'x-lab-simulator': String(PROTOCOL),
  };
  if (connected !== undefined) headers['x-connected-epoch-ms'] = String(connected);
  if (body instanceof Blob) headers['content-length'] = String(body.size);
  return new Response(body, { status, statusText: STATUS_TEXT[status] ?? '', headers });
}
const HTML = 'text/html; charset=utf-8';
// The largest body the app accepts (MAX_DOCUMENT_BYTES in src/lab/body.rs).
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
// What `huge-stream` sends if nobody stops it (HUGE_STREAM_BYTES in src/lab/body.rs),
// in chunks of STREAM_CHUNK_BYTES (as src/browser/page_simulator.rs streams it).
const HUGE_STREAM_BYTES = 4 * MAX_DOCUMENT_BYTES;
const STREAM_CHUNK_BYTES = 64 * 1024;
const textResponse = (status, message, latency) => respond(status, message + '\n', 'text/plain; charset=utf-8', latency);

async function handleDoc(n, params, signal, arrived) {
  const limit = intParam(params, 'connections', 1, 64, 0);
  const key = params.get('run');
  if (!limit || !key) return serveDoc(n, params, signal, arrived);
  const release = await connection(key, limit, signal);
  if (!release) return Response.error(); // the page gave up while it waited
  const connected = performance.now();
  try {
    // The server's time starts once it has a connection for the request.
    return await serveDoc(n, params, signal, connected, performance.timeOrigin + connected);
  } finally {
    release();
  }
}

async function serveDoc(n, params, signal, arrived, connected) {
  const latency = intParam(params, 'latency_ms', 0, 60000, 0);
  // Every answer of this request says when it got its connection, if it waited for one.
  const answer = (status, body, type) => respond(status, body, type, latency, connected);
  const text = (status, message) => answer(status, message + '\n', 'text/plain; charset=utf-8');
  const sizeKb = intParam(params, 'size_kb', 1, 65536, 64);
  const fail = params.get('fail');

  if (fail === 'hang') {
    // Never answers; ends (network error) when the request's signal aborts,
    // or after a safety limit so the worker is not kept alive forever.
    // Chromium 156 does not forward the page's abort to this signal: there
    // the page's fetch rejects at once, and the limit ends this side.
    await wait(HANG_LIMIT_MS, signal);
    return Response.error();
  }
  const KINDS = ['500', '404', 'network', 'not-html', 'not-utf8', 'huge', 'huge-stream', 'hostile'];
  if (fail !== null && !KINDS.includes(fail)) {
    return text(400, `unknown fail mode "${fail}" (use ${KINDS.join(', ')} or hang)`);
  }

  // The delay is a timer in the worker, not in the page: the page's own
  // event loop plays no part, so even a page whose main thread is blocked
  // sees its fetches complete on time. Each request has its own timer, so
  // concurrent requests wait in parallel. The body is built meanwhile.
  const delay = wait(Math.max(0, latency - (performance.now() - arrived)), signal);

  if (fail === '500' || fail === '404') {
    if (!(await delay)) return Response.error();
    const message = fail === '500' ? `simulated server error for doc ${n}` : `doc ${n} is not here (simulated)`;
    return text(Number(fail), message);
  }
  if (fail === 'network') {
    await delay;
    return Response.error();
  }
  if (fail === 'not-html') {
    if (!(await delay)) return Response.error();
    return answer(200, new Blob([JSON.stringify({ doc: n, note: 'not HTML' })]), 'application/json; charset=utf-8');
  }
  if (fail === 'not-utf8') {
    if (!(await delay)) return Response.error();
    return answer(200, new Blob([notUtf8Doc(n)]), 'text/html');
  }
  if (fail === 'hostile') {
    if (!(await delay)) return Response.error();
    return answer(200, new Blob([hostileDoc(n)]), HTML);
  }
  if (fail === 'huge') {
    // One byte over the limit, of zeros: cheap to make, refused from its headers.
    if (!(await delay)) return Response.error();
    return answer(200, new Blob([new Uint8Array(MAX_DOCUMENT_BYTES + 1)]), HTML);
  }
  if (fail === 'huge-stream') {
    // Four times the limit, streamed with no Content-Length: only a reader that counts
    // can stop it. A pull source makes each chunk when the reader wants one, so when
    // the page cancels, nothing more is made or sent.
    if (!(await delay)) return Response.error();
    let sent = 0;
    const stream = new ReadableStream({
      pull(controller) {
        if (sent >= HUGE_STREAM_BYTES) return controller.close();
        const n = Math.min(STREAM_CHUNK_BYTES, HUGE_STREAM_BYTES - sent);
        controller.enqueue(new Uint8Array(n));
        sent += n;
      },
    });
    return answer(200, stream, HTML);
  }

  let corpus;
  try {
    corpus = await loadCorpus();
  } catch (err) {
    await delay;
    return text(503, `latency simulator: cannot load the HTML corpus (corpus/index.json): ${err}`);
  }
  // A Blob body: the page can take it as a Blob handle (response.blob()) without the
  // bytes crossing its main thread (see src/browser/fetch.rs for the measurement).
  // Built while the delay runs, from references to the corpus (see buildDoc).
  const body = buildDoc(n, sizeKb * 1024, corpus);
  if (!(await delay)) return Response.error(); // the page gave up already
  return answer(200, body, HTML);
}

// The corpus is loaded once and kept as the <body> inner bytes of each file, in a
// Blob, with where its '<' are (see corpusPart). One shared promise, so concurrent first requests share one load;
// it is forgotten on failure so that a later request can retry.
let corpusPromise = null;

function loadCorpus() {
  if (!corpusPromise) {
    corpusPromise = fetchCorpus().catch((err) => { corpusPromise = null; throw err; });
  }
  return corpusPromise;
}

async function fetchCorpus() {
  const get = async (path) => {
    const res = await fetch(new URL('corpus/' + path, self.registration.scope), { cache: 'no-store' });
    if (!res.ok) throw new Error(`corpus/${path}: HTTP ${res.status}`);
    return res;
  };
  const index = await (await get('index.json')).json();
  if (!Array.isArray(index.files) || index.files.length === 0) throw new Error('corpus/index.json lists no files');
  return Promise.all(index.files.map(async (name) => corpusPart(bodyInner(new Uint8Array(await (await get(name)).arrayBuffer())))));
}

// A corpus file's body as a Blob (what documents are made of) and where its '<' are.
function corpusPart(bytes) {
  const lts = [];
  for (let i = bytes.indexOf(LT); i >= 0; i = bytes.indexOf(LT, i + 1)) lts.push(i);
  return { blob: new Blob([bytes]), length: bytes.length, lts: Int32Array.from(lts) };
}

// The last '<' of `part` before `end`, or -1.
function lastLtBefore(part, end) {
  let lo = 0, hi = part.lts.length; // the first index whose position is >= end
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (part.lts[mid] < end) lo = mid + 1; else hi = mid;
  }
  return lo > 0 ? part.lts[lo - 1] : -1;
}

function indexOfBytes(hay, needle, from) {
  outer: for (let i = from; i <= hay.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

// Bytes between the end of the first <body ...> tag and the last </body>;
// the whole file if there is no such tag.
function bodyInner(bytes) {
  const openTag = enc.encode('<body');
  let open = -1;
  for (let i = indexOfBytes(bytes, openTag, 0); i >= 0; i = indexOfBytes(bytes, openTag, i + 1)) {
    const next = bytes[i + 5];
    if (next === 0x3e || next === 0x20 || next === 0x09 || next === 0x0a || next === 0x0d) { open = i; break; }
  }
  if (open < 0) return bytes;
  const start = bytes.indexOf(0x3e, open) + 1;
  const closeTag = enc.encode('</body>');
  let end = -1;
  for (let i = indexOfBytes(bytes, closeTag, start); i >= 0; i = indexOfBytes(bytes, closeTag, i + 1)) end = i;
  return start > 0 && end >= start ? bytes.subarray(start, end) : bytes;
}

// Exactly `size` bytes, deterministic in (n, size): prefix, then the body of
// corpus file (n - 1) % len and of the following files (wrapping) until full,
// cut before the last '<' so no tag is split, padded, then the suffix.
// Byte for byte what `build_doc` in src/lab/corpus.rs builds (a wasm test compares them).
//
// NOTE: a Blob of slices of the corpus's own Blobs, not a copy of the bytes. Copied,
// the default run's six 3 MiB documents kept this worker busy for 60-80 ms at the
// start of every run (a fresh Uint8Array, the copies, then a new Blob's bytes sent to
// the browser's blob store), on the same two cores as the page's first frame of the
// run, which then ran past 50 ms now and then (Chrome trace, 2-core machine).
function buildDoc(n, size, corpus) {
  const prefix = enc.encode(PREFIX_HEAD + n + PREFIX_TAIL);
  const suffix = enc.encode(SUFFIX);
  if (prefix.length + suffix.length >= size) return new Blob([prefix, suffix]);
  const limit = size - suffix.length;
  const total = corpus.reduce((sum, part) => sum + part.length, 0);
  const pieces = []; // [part, bytes taken from its start]
  let pos = prefix.length;
  for (let i = (n - 1) % corpus.length; total > 0 && pos < limit; i = (i + 1) % corpus.length) {
    const take = Math.min(corpus[i].length, limit - pos);
    pieces.push([corpus[i], take]);
    pos += take;
  }
  const last = pieces.at(-1);
  if (last && last[1] < last[0].length) {
    // Truncated: cut before the last '<' of the content (none at all: no content).
    pos = prefix.length;
    while (pieces.length) {
      const [part, take] = pieces.at(-1);
      const cut = lastLtBefore(part, take);
      if (cut >= 0) {
        pieces[pieces.length - 1] = [part, cut];
        pos = prefix.length + pieces.reduce((sum, [, t]) => sum + t, 0);
        break;
      }
      pieces.pop();
    }
  }
  const padding = new Uint8Array(limit - pos).fill(0x20); // spaces...
  if (padding.length) padding[padding.length - 1] = 0x0a; // ...and a newline before the suffix
  const slices = pieces.map(([part, take]) => (take === part.length ? part.blob : part.blob.slice(0, take)));
  return new Blob([prefix, ...slices, padding, suffix]);
}

// A small page in Latin-1 with no charset to say so: "café crème brûlée".
// Byte for byte what `not_utf8_doc` in src/lab/corpus.rs builds.
function notUtf8Doc(n) {
  const parts = [PREFIX_HEAD + n + PREFIX_TAIL + '<p>caf', [0xe9], ' cr', [0xe8], 'me br', [0xfb], 'l', [0xe9], 'e</p>' + SUFFIX];
  return parts.map((p) => (typeof p === 'string' ? enc.encode(p) : new Uint8Array(p))).reduce(concat);
}

// An HTML page built to attack and to choke. Byte for byte what `hostile_doc` in
// src/lab/corpus.rs builds (a wasm test compares them); the app only parses it.
function hostileDoc(n) {
  const o = 'http://attacker.invalid';
  const html =
    `<!doctype html><html><head><title>doc ${n}</title><base href="${o}/">` +
    `<meta http-equiv="refresh" content="0;url=${o}/refresh">` +
    `<script>window.__hostileRan='script';fetch('${o}/script')</script></head>` +
    `<body onload="window.__hostileRan='onload'">` +
    `<img src="${o}/img.png" onerror="window.__hostileRan='onerror'">` +
    `<iframe srcdoc="<script>parent.__hostileRan='srcdoc'</script>"></iframe>` +
    `<a href="javascript:window.__hostileRan='link'">thread</a>` +
    `<a href="${o}/page">thread spawn</a>` +
    `<svg onload="window.__hostileRan='svg'"><a href="${o}/svg">x</a></svg>` +
    '<div><span>'.repeat(10000) +
    'deep thread &amp &lt &#x41 &#65 &bogus' +
    '</span></div>'.repeat(10000) +
    `<p title="${'a'.repeat(1 << 20)}">long</p>` +
    '<p>nul\0bytes\0</p></body></html>\n';
  return enc.encode(html);
}

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
