// Trunk post_build hook: in a release build, minifies the page's own scripts and the
// stylesheet in trunk's staging folder, in place, with esbuild (installed by
// scripts/setup.sh into $ELL_TOOLS). The repository keeps the readable sources.
//
// Why not trunk's own `minify = "on_release"`: its JS minifier (minify-js 0.5) fails on
// wasm-bindgen's app.js and leaves it as it is, and its HTML minifier drops the comment
// that src/bin/prerender.rs fills. Measured (gzip -9, scripts/size.sh): app.js 11.1 ->
// 8.8 KB, sw.js 6.6 -> 3.3, style.css 5.8 -> 3.8, boot.js and first-screen.js 2.1 -> 0.8.
//
// Every top-level .js and .css file is minified, so a new one is not forgotten. A
// debug build (`trunk serve`) is left readable. Fails the build if esbuild is missing
// or a file does not parse.
import { createRequire } from 'node:module';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const stage = process.env.TRUNK_STAGING_DIR;
if (!stage) {
  console.error('minify.mjs: TRUNK_STAGING_DIR is not set (run it as a trunk hook)');
  process.exit(2);
}
if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const tools = process.env.ELL_TOOLS;
if (!tools) {
  console.error('minify.mjs: ELL_TOOLS is not set (source scripts/setup.sh first)');
  process.exit(2);
}
const esbuild = createRequire(join(tools, 'package.json'))('esbuild');

for (const name of readdirSync(stage)) {
  const loader = name.endsWith('.js') ? 'js' : name.endsWith('.css') ? 'css' : null;
  if (!loader) continue;
  const path = join(stage, name);
  const before = readFileSync(path, 'utf8');
  // No target: esbuild keeps the language level as written (ES modules stay modules,
  // sw.js and first-screen.js classic scripts). Besides spaces, comments and local
  // names, it rewrites syntax: a constant's value is written where it is used (so a
  // test that edits the built sw.js's PROTOCOL would change nothing: connections.spec).
  const { code } = esbuild.transformSync(before, { loader, minify: true, legalComments: 'none' });
  writeFileSync(path, code);
  console.error(`minify.mjs: ${name} ${before.length} -> ${code.length} bytes`);
}
