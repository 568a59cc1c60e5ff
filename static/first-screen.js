// Shows the first screen of this URL's layout before the wasm arrives. The build
// (src/bin/prerender.rs) draws each layout with the app's own components into a
// <template data-layout> of index.html; this script stands after them and puts the
// chosen one into #lab-root, before the first paint. The app adopts those nodes (yew's
// hydration: src/ui/app.rs, `start`), so nothing may stand beside them in #lab-root.
// An external classic script, not an inline one: the page runs under `script-src 'self'`.
//
// The layout is read by the rules of PageOptions::from_query (src/lab/page.rs): the
// last `embed` wins; the last `lesson` that names a step (1-7) wins, and any other value
// leaves the free lab. The names are layout_key's (src/ui/screen.rs): page-free,
// page-3, embed-free, embed-3…
(() => {
  let embed = false;
  let lesson = 'free';
  for (const [key, raw] of new URLSearchParams(location.search)) {
    const value = raw.trim().toLowerCase();
    if (key === 'embed') embed = ['', '1', 'true', 'yes'].includes(value);
    if (key === 'lesson' && /^\+?\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 7) {
      lesson = String(Number(value));
    }
  }
  const templates = document.querySelectorAll('template[data-layout]');
  const chosen = [...templates].find((t) => t.dataset.layout === `${embed ? 'embed' : 'page'}-${lesson}`);
  const root = document.getElementById('lab-root');
  if (chosen && root) root.append(chosen.content.cloneNode(true));
  // The others are never shown: drop them from the document.
  templates.forEach((t) => t.remove());
})();
