//! What just happened, in plain words, with the Rust that ran and its asyncio twin.

use yew::prelude::*;

use crate::lab::lesson::{self, Step};
use crate::lab::report::{RunLog, RunOutcome};
use crate::lab::scenario::{FetchStrategy, ParseStrategy, YieldKind};
use crate::lab::timeline::MainThreadReport;

/// Props of [`Lesson`].
#[derive(Properties, PartialEq)]
pub struct LessonProps {
    /// The last run, if any.
    pub run: Option<RunLog>,
    /// The main thread during that run.
    pub main: Option<MainThreadReport>,
    /// The open lesson step, or `None` in the free lab.
    pub step: Option<u32>,
    /// Whether a step's code is folded, open on request (an embed, where a docs page
    /// wants the step, its verdict, the dot and the timeline within a screen).
    #[prop_or_default]
    pub folded: bool,
}

/// The Rust that ran between slices, and its asyncio twin.
fn sliced_code(kind: YieldKind) -> (&'static str, &'static str) {
    match kind {
        YieldKind::Frame => ("loop { next_frame().await; next_task().await; work_until(frame + interval - margin) }", "await asyncio.sleep(0)  # the loop gets a turn between slices"),
        YieldKind::Timeout => ("loop { work_for(8.0); TimeoutFuture::new(0).await }  // setTimeout(0): a new task", "await asyncio.sleep(0)  # the loop gets a turn between slices"),
        YieldKind::Scheduler => ("loop { work_for(8.0); JsFuture::from(scheduler.yield_()).await }  // resumes ahead of other tasks", "await asyncio.sleep(0)  # a turn, but the loop resumes this first"),
        YieldKind::Microtask => ("loop { work_for(8.0); JsFuture::from(Promise::resolve(&UNDEFINED)).await }  // a microtask", "await done_future  # already done: returns at once, the loop never gets a turn"),
    }
}

/// The code of a lesson step: the Rust that runs, cut from the source, beside its
/// asyncio (and, where it differs, JavaScript) twin.
fn step_code(step: &'static Step, folded: bool) -> Html {
    let figures = html! {
        <>
            { for step.rust.iter().map(|(what, snippet)| html! {
                <figure class="snippet">
                    <figcaption><span class="lang">{ "Rust" }</span>{ format!("{what}, from ") }<code>{ snippet.file }</code></figcaption>
                    <pre><code data-testid="rust-snippet">{ snippet.code }</code></pre>
                </figure>
            }) }
            <figure class="snippet">
                <figcaption><span class="lang">{ "asyncio" }</span>{ " the same idea in Python" }</figcaption>
                <pre><code>{ step.python }</code></pre>
            </figure>
            if let Some(js) = step.js {
                <figure class="snippet">
                    <figcaption><span class="lang">{ "JavaScript" }</span>{ " where a promise behaves differently" }</figcaption>
                    <pre><code>{ js }</code></pre>
                </figure>
            }
        </>
    };
    if folded {
        return html! {
            <details class="lesson step-code" aria-label="The code of this step" data-testid="step-code">
                <summary>{ "The code of this step: the Rust that runs, and its asyncio twin" }</summary>
                { figures }
            </details>
        };
    }
    html! {
        <section class="lesson step-code" aria-label="The code of this step" data-testid="step-code">
            { figures }
        </section>
    }
}

/// The lesson panel: a step's code, or in the free lab what the last run did.
#[component]
pub fn Lesson(props: &LessonProps) -> Html {
    if let Some(step) = props.step.and_then(lesson::step) {
        return step_code(step, props.folded);
    }
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
    let main = props.main.clone().unwrap_or_default();
    let verdict = lesson::verdict(None, run, &main).join(" ");
    let (rust, python) = match (s.fetch, s.parse) {
        (FetchStrategy::Concurrent, ParseStrategy::Worker) => ("join_all(docs.map(|d| async { let body = fetch(d).await; pool.run(work, body).await }))", "await asyncio.gather(*(fetch_then_run_in_executor(pool, work, d) for d in docs))"),
        (_, ParseStrategy::Sliced) => sliced_code(s.yield_kind),
        (FetchStrategy::Concurrent, ParseStrategy::Blocking) if s.limit.is_some() => ("stream::iter(docs).map(|d| fetch(d)).buffer_unordered(k) // then analyze(&html) as each arrives", "gate = asyncio.Semaphore(k); await asyncio.gather(*(fetch_gated_then_parse(gate, d) for d in docs))"),
        (FetchStrategy::Concurrent, ParseStrategy::Blocking) => ("join_all(docs.map(|d| async { let html = fetch(d).await; analyze(&html) }))", "await asyncio.gather(*(fetch_then_parse(d) for d in docs))  # parse blocks the loop"),
        (FetchStrategy::Sequential, ParseStrategy::Worker) => ("for d in docs { let body = fetch(d).await; pool.run(work, body).await }", "for d in docs: data = await download(d); await loop.run_in_executor(pool, parse, data)"),
        (FetchStrategy::Sequential, _) => ("for d in docs { let html = fetch(d).await; analyze(&html) }", "for d in docs: html = await fetch(d); parse(html)"),
    };
    html! {
        <section class="lesson" aria-label="What happened">
            <p data-testid="free-verdict">{ verdict }</p>
            <p class="code"><span class="lang">{ "Rust" }</span><code>{ rust }</code></p>
            <p class="code"><span class="lang">{ "asyncio" }</span><code>{ python }</code></p>
        </section>
    }
}
