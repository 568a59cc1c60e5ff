// Starts the app: on the page, and in each parse worker (the pool starts this same
// file as a module worker, so the page and its workers run one wasm module). An
// external module instead of trunk's inline boot script, so the page runs under
// `script-src 'self' 'wasm-unsafe-eval'`. Paths are relative to this file, so the app
// works under any sub-path.
const wasmUrl = new URL('./app_bg.wasm', import.meta.url);
// app.js is imported where it is needed, not statically: on the page its download
// then runs beside the wasm's instead of before it (below).
const glue = () => import('./app.js').then((app) => app.default);

if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  // A parse worker asks the page for its compiled WebAssembly.Module, so it neither
  // downloads nor compiles the wasm again (src/browser/pool.rs answers). It asks
  // rather than waits for one: a message posted before this module ran could be
  // lost. If the module cannot come (the page sends null, or the message cannot be
  // cloned into this worker), the worker loads the wasm by URL instead. app.js loads
  // meanwhile.
  const glued = glue();
  const module = await new Promise((resolve) => {
    self.addEventListener('message', (event) => resolve(event.data), { once: true });
    self.addEventListener('messageerror', () => resolve(null), { once: true });
    self.postMessage('event-loop-lab:module?');
  });
  const init = await glued;
  await init({ module_or_path: module instanceof WebAssembly.Module ? module : wasmUrl });
} else {
  // NOTE: the module is asked for once the first screen is painted (or after 100 ms,
  // where no frame comes: a hidden tab, a frame out of sight). Asked for earlier, on a
  // fast link the app could start before that paint, and Lighthouse then chains the
  // page's largest paint to the whole wasm download: LCP 3.0 s in 1 of 8 runs of
  // `?embed=1&lesson=4` against 1.3 s. This waits one frame at most; before it, the
  // page loads nothing but its stylesheet and its two small scripts.
  await new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 100);
  });
  // The wasm's download starts now, and app.js (the glue that instantiates it) comes
  // beside it: chained, app.js took one more round trip before the wasm's first byte.
  const wasm = fetch(wasmUrl);
  // Its failure is reported by init below; this only keeps it from also being an
  // unhandled rejection when app.js fails first.
  wasm.catch(() => {});
  try {
    const init = await glue();
    await init({ module_or_path: wasm });
  } catch (error) {
    // The page still shows index.html's static skeleton: say there why it stays so.
    const status = document.querySelector('#skeleton .status span');
    if (!status) throw error;
    status.textContent = `the app could not load: ${error?.message ?? error}`;
    status.parentElement.classList.add('failed');
    console.warn('Event Loop Lab could not load:', error);
  }
}
