// Starts the app: on the page, and in each parse worker (the pool starts this same
// file as a module worker, so the page and its workers run one wasm module). An
// external module instead of trunk's inline boot script, so the page runs under
// `script-src 'self' 'wasm-unsafe-eval'`. Paths are relative to this file, so the app
// works under any sub-path.
import init from './app.js';

const wasmUrl = new URL('./app_bg.wasm', import.meta.url);

if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  // A parse worker asks the page for its compiled WebAssembly.Module, so it neither
  // downloads nor compiles the wasm again (src/browser/pool.rs answers). It asks
  // rather than waits for one: a message posted before this module ran could be
  // lost. If the module cannot come (the page sends null, or the message cannot be
  // cloned into this worker), the worker loads the wasm by URL instead.
  const module = await new Promise((resolve) => {
    self.addEventListener('message', (event) => resolve(event.data), { once: true });
    self.addEventListener('messageerror', () => resolve(null), { once: true });
    self.postMessage('event-loop-lab:module?');
  });
  await init({ module_or_path: module instanceof WebAssembly.Module ? module : wasmUrl });
} else {
  // NOTE: the module is asked for once the first screen is painted (or after 100 ms,
  // where no frame comes: a hidden tab, a frame out of sight). Asked for earlier, on a
  // fast link the app could start before that paint, and Lighthouse then chains the
  // page's largest paint to the whole wasm download: LCP 3.0 s in 1 of 8 runs of
  // `?embed=1&lesson=4` against 1.3 s. On a slow link app.js comes after the paint
  // anyway, so this waits one frame at most.
  await new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 100);
  });
  try {
    await init({ module_or_path: wasmUrl });
  } catch (error) {
    // The page still shows index.html's static skeleton: say there why it stays so.
    const status = document.querySelector('#skeleton .status span');
    if (!status) throw error;
    status.textContent = `the app could not load: ${error?.message ?? error}`;
    status.parentElement.classList.add('failed');
    console.warn('Event Loop Lab could not load:', error);
  }
}
