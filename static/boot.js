// Starts the app: on the page, and in each parse worker (the pool starts this same
// file as a module worker, so the page and its workers run one wasm module). An
// external module instead of trunk's inline boot script, so the page runs under
// `script-src 'self' 'wasm-unsafe-eval'`. Paths are relative to this file, so the app
// works under any sub-path.
import init from './app.js';

if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  // A parse worker: the page posts its compiled WebAssembly.Module first, so the
  // worker neither downloads nor compiles the wasm again, and shares the code the
  // page's engine has already optimized. (src/browser/pool.rs posts it.)
  const module = await new Promise((resolve) =>
    self.addEventListener('message', (event) => resolve(event.data), { once: true }),
  );
  await init({ module_or_path: module });
} else {
  await init({ module_or_path: new URL('./app_bg.wasm', import.meta.url) });
}
