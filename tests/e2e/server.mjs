// A small static file server for the end-to-end tests (node's http only, no dependencies).
//
// It serves one built dist folder under two sub-paths of the same origin:
//   /docs/lab/  plain
//   /csp/lab/   with a strict Content-Security-Policy header on every response
// the repository's docs/ folder (the embedding example) under /book/, and the built
// mdBook (scripts/book.sh, the lab in its lab/ folder) under /guide/; all are also
// served on a second port (E2E_OTHER_PORT, default E2E_PORT + 2), another origin.
// Anything else is 404; `/docs/lab` and `/csp/lab` redirect to the path with a slash.
// With E2E_CSP=1 the CSP header is sent on every response of both sub-paths.
//
// Environment:
//   E2E_DIST  folder to serve (default: ../../target/e2e-dist, relative to this file)
//   E2E_BOOK  the built book (default: ../../target/book)
//   E2E_PORT  port on 127.0.0.1 (default: 4178)
//   E2E_CSP   "1": CSP on every response
//   E2E_LOG   "1": log each request to stdout
//   E2E_GZIP  "1": gzip text and wasm for clients that accept it (the benchmark does)
// Every file carries an ETag, so `cache-control: no-cache` revalidates with a 304.
//
//   node server.mjs            (or: npm run serve)

import { createServer } from 'node:http';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export const HOST = '127.0.0.1';
export const PORT = Number(process.env.E2E_PORT || 4178);
// A relative E2E_DIST is taken from the current directory; the default from this file.
export const DIST = process.env.E2E_DIST
  ? path.resolve(process.env.E2E_DIST)
  : path.resolve(HERE, '../../target/e2e-dist');
export const PLAIN_BASE = '/docs/lab/';
export const CSP_BASE = '/csp/lab/';
// The strict policy (script-src, worker-src, connect-src), made stricter still
// with default-src 'self' and style-src 'self' (no inline styles); the app's only
// image is its empty data: favicon.
export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; " +
  "connect-src 'self'; style-src 'self'; img-src 'self' data:";
// The repository's docs/ folder (the embedding example), served beside the app.
export const DOCS_DIR = path.resolve(HERE, '../../docs');
export const DOCS_BASE = '/book/';
// The built book (scripts/book.sh), the lab inside it.
export const BOOK_DIR = process.env.E2E_BOOK
  ? path.resolve(process.env.E2E_BOOK)
  : path.resolve(HERE, '../../target/book');
export const BOOK_BASE = '/guide/';
// A second port: the same content on another origin, for cross-origin embedding.
export const OTHER_PORT = Number(process.env.E2E_OTHER_PORT || PORT + 2);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

function contentType(file) {
  return TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

function send(res, status, headers, body = '') {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}

/** Resolves a request path below a base to a file inside `dist`, or null. */
function resolveFile(dist, rest) {
  let decoded;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = path.resolve(dist, '.' + path.posix.normalize('/' + decoded));
  if (file !== dist && !file.startsWith(dist + path.sep)) return null;
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return null;
  }
  if (stat.isDirectory()) {
    const index = path.join(file, 'index.html');
    try {
      const indexStat = statSync(index);
      return indexStat.isFile() ? { file: index, size: indexStat.size, mtimeMs: indexStat.mtimeMs } : null;
    } catch {
      return null;
    }
  }
  return stat.isFile() ? { file, size: stat.size, mtimeMs: stat.mtimeMs } : null;
}

// Types worth compressing (`gzip` option): text and wasm, as a static host would.
const COMPRESSIBLE = /^(text\/|application\/(wasm|json|manifest\+json)|image\/svg)/;
const gzipCache = new Map();

/** The gzip -9 bytes of a file, made once per version of it. */
function gzipped(found) {
  const key = `${found.file}:${found.mtimeMs}`;
  if (!gzipCache.has(key)) gzipCache.set(key, gzipSync(readFileSync(found.file), { level: 9 }));
  return gzipCache.get(key);
}

export function startServer({
  dist = DIST,
  port = PORT,
  host = HOST,
  cspEverywhere = process.env.E2E_CSP === '1',
  log = process.env.E2E_LOG === '1',
  gzip = process.env.E2E_GZIP === '1',
  // (path within the base, bytes) => bytes to serve instead, or null: a test's own
  // version of a file (an older deploy's sw.js). Served without validators.
  rewrite = null,
} = {}) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, `http://${host}:${port}`);
    const pathname = url.pathname;
    const base = [PLAIN_BASE, CSP_BASE, DOCS_BASE, BOOK_BASE].find((b) => pathname.startsWith(b) || pathname === b.slice(0, -1));
    // CORS open, as many static hosts serve it: a sandboxed iframe (opaque origin)
    // loads the app's module scripts and wasm in CORS mode.
    const headers = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', 'access-control-allow-origin': '*' };
    if (cspEverywhere || base === CSP_BASE) headers['content-security-policy'] = CSP;
    if (log) console.log(`${req.method} ${req.url}`);

    if (!base) return send(res, 404, headers, 'not found\n');
    if (pathname === base.slice(0, -1)) {
      return send(res, 301, { ...headers, location: base + url.search }, `moved to ${base}\n`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, { ...headers, allow: 'GET, HEAD' }, 'method not allowed\n');
    }
    const root = { [DOCS_BASE]: DOCS_DIR, [BOOK_BASE]: BOOK_DIR }[base] || dist;
    const found = resolveFile(root, pathname.slice(base.length));
    if (!found) return send(res, 404, headers, 'not found\n');
    const rewritten = rewrite && rewrite(pathname.slice(base.length), readFileSync(found.file));
    if (rewritten) return send(res, 200, { ...headers, 'content-type': contentType(found.file) }, rewritten);

    // Validators, so that `no-cache` revalidates (a 304) instead of downloading again.
    const etag = `"${found.size.toString(36)}-${Math.floor(found.mtimeMs).toString(36)}"`;
    const type = contentType(found.file);
    const cached = { ...headers, 'content-type': type, etag, vary: 'accept-encoding' };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, cached);
      return res.end();
    }
    if (gzip && COMPRESSIBLE.test(type) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
      const body = gzipped(found);
      res.writeHead(200, { ...cached, 'content-encoding': 'gzip', 'content-length': body.length });
      return res.end(req.method === 'HEAD' ? undefined : body);
    }
    res.writeHead(200, { ...cached, 'content-length': found.size });
    if (req.method === 'HEAD') return res.end();
    createReadStream(found.file)
      .on('error', () => res.destroy())
      .pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  try {
    if (!statSync(path.join(DIST, 'index.html')).isFile()) throw new Error('not a file');
  } catch {
    console.error(`server.mjs: ${path.join(DIST, 'index.html')} not found. Build first:\n` +
      '  trunk build --release --public-url ./ --dist target/e2e-dist   (or run scripts/test.sh)');
    process.exit(1);
  }
  const servers = await Promise.all([startServer(), startServer({ port: OTHER_PORT })]).catch((err) => {
    console.error(`server.mjs: cannot listen on ${HOST}:${PORT} and ${OTHER_PORT}: ${err.message}`);
    process.exit(1);
  });
  console.log(`serving ${DIST}\n  http://${HOST}:${PORT}${PLAIN_BASE}\n  http://${HOST}:${PORT}${CSP_BASE} (with CSP)` +
    `\n  http://${HOST}:${PORT}${DOCS_BASE}embedding.html (docs/; also on port ${OTHER_PORT}, another origin)` +
    `\n  http://${HOST}:${PORT}${BOOK_BASE} (the book, if scripts/book.sh built it)` +
    (process.env.E2E_CSP === '1' ? '\n  E2E_CSP=1: CSP on every response' : ''));
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      let open = servers.length;
      for (const server of servers) {
        server.closeAllConnections(); // the browser keeps connections alive
        server.close(() => --open || process.exit(0));
      }
    });
  }
}
