//! What just happened, in plain words, with the Rust that ran and its asyncio twin.

use yew::prelude::*;

use crate::lab::report::{RunLog, RunOutcome};
use crate::lab::scenario::{FetchStrategy, ParseStrategy};

/// Props of [`Lesson`].
#[derive(Properties, PartialEq)]
pub struct LessonProps {
    /// The last run, if any.
    pub run: Option<RunLog>,
}

/// The lesson panel.
#[component]
pub fn Lesson(props: &LessonProps) -> Html {
    let Some(run) = props
        .run
        .as_ref()
        .filter(|r| r.outcome == RunOutcome::Finished)
    else {
        return html! {
            <section class="lesson" aria-label="What happened">
                <p>{ "Each document is fetched from a simulated server (a service worker that holds the answer for the latency you set), then parsed: links counted, words indexed, the query searched. Try concurrent vs sequential, then blocking vs worker, and watch the dot." }</p>
            </section>
        };
    };
    let s = &run.scenario;
    let total = run.elapsed_ms(run.ended_ms.unwrap_or(run.started_ms));
    let fetch = match s.fetch {
        FetchStrategy::Concurrent => format!(
            "All {} requests were in flight at once, so the waiting overlapped: {:.0} ms in all against {:.0} ms for the latencies one after another.",
            s.docs, total, run.sum_of_latencies_ms()
        ),
        FetchStrategy::Sequential => format!(
            "Each request waited for the previous document to finish, so the waits added up: {:.0} ms in all, about {} × {} ms.",
            total, s.docs, s.latency
        ),
    };
    let longest_parse = run
        .docs
        .iter()
        .filter_map(|d| d.parse_ms())
        .fold(0.0, f64::max);
    let parse = match s.parse {
        ParseStrategy::Blocking => format!("Parsing ran on the main thread in one go (up to {longest_parse:.0} ms per document): nothing else could run meanwhile — no frame, no typing, no other fetch's continuation. That is the frozen dot, and it is why the later waits stretch: the server had answered (the dashed part of a bar), but the page's code that takes the response could not run until the parse before it finished."),
        ParseStrategy::Sliced => "Parsing ran on the main thread in slices of about 8 ms with a real yield between them, so frames and input got through — at the cost of some overhead. One document is worked on at a time; the others wait their turn (grey).".to_string(),
        ParseStrategy::Worker => format!("The page fetched every document on its own event loop and handed only the parse to {} Web Worker(s), moving the bytes without a copy — as run_in_executor moves only the call. The main thread stayed free, so each wait ended when the server answered, and the page kept drawing frames. A document whose workers were all busy waited its turn (grey).", s.workers.min(s.docs)),
    };
    let (rust, python) = match (s.fetch, s.parse) {
        (FetchStrategy::Concurrent, ParseStrategy::Worker) => ("join_all(docs.map(|d| async { let body = fetch(d).await; pool.run(work, body).await }))", "await asyncio.gather(*(fetch_then_run_in_executor(pool, work, d) for d in docs))"),
        (FetchStrategy::Concurrent, ParseStrategy::Sliced) => ("join_all(docs.map(|d| async { let html = fetch(d).await; parse_sliced(&html).await }))", "await asyncio.gather(*(fetch_then_parse_with_sleep0(d) for d in docs))"),
        (FetchStrategy::Concurrent, ParseStrategy::Blocking) => ("join_all(docs.map(|d| async { let html = fetch(d).await; analyze(&html) }))", "await asyncio.gather(*(fetch_then_parse(d) for d in docs))  # parse blocks the loop"),
        (FetchStrategy::Sequential, ParseStrategy::Worker) => ("for d in docs { let body = fetch(d).await; pool.run(work, body).await }", "for d in docs: data = await download(d); await loop.run_in_executor(pool, parse, data)"),
        (FetchStrategy::Sequential, _) => ("for d in docs { let html = fetch(d).await; analyze(&html) }", "for d in docs: html = await fetch(d); parse(html)"),
    };
    html! {
        <section class="lesson" aria-label="What happened" aria-live="polite">
            <p>{ fetch }{ " " }{ parse }</p>
            <p class="code"><span class="lang">{ "Rust" }</span><code>{ rust }</code></p>
            <p class="code"><span class="lang">{ "asyncio" }</span><code>{ python }</code></p>
        </section>
    }
}
