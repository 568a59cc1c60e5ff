// Starts the app: on the page, and in each parse worker (the pool starts this same
// file as a module worker, so the page and its workers share one wasm module). An
// external module instead of trunk's inline boot script, so the page runs under
// `script-src 'self' 'wasm-unsafe-eval'`. Paths are relative to this file, so the app
// works under any sub-path.
import init from './app.js';

await init({ module_or_path: new URL('./app_bg.wasm', import.meta.url) });
