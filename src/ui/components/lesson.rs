//! What just happened, in plain words, with the Rust that ran and its asyncio twin.

use yew::prelude::*;

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
}

/// What a sliced run did to the page, in words, from what was measured.
fn sliced_verdict(kind: YieldKind, run: &RunLog, main: Option<&MainThreadReport>) -> String {
    let main = main.cloned().unwrap_or_default();
    let total = run.elapsed_ms(run.ended_ms.unwrap_or(run.started_ms));
    let work: f64 = run.docs.iter().filter_map(|d| d.work_ms).sum();
    let share = if total > 0.0 {
        100.0 * work / total
    } else {
        0.0
    };
    let frames = format!(
        "{} frames dropped, the longest gap between frames {:.0} ms",
        main.dropped_frames, main.max_frame_gap_ms
    );
    let tasks = match main.long_tasks.len() {
        0 => "no long task".to_string(),
        1 => format!("1 long task of {:.0} ms", main.longest_task_ms),
        n => format!("{n} long tasks, the longest {:.0} ms", main.longest_task_ms),
    };
    let one_at_a_time = "One document is worked on at a time; the others wait their turn (grey).";
    match kind {
        YieldKind::Frame => format!("Parsing ran on the main thread in slices that fill each frame up to a few ms before the next one is due, then wait for it (the next animation frame, then a new task): {frames}, {tasks}. The work still had {share:.0} % of the run. {one_at_a_time}"),
        YieldKind::Timeout => format!("Parsing ran on the main thread in slices of about 8 ms with setTimeout(0) between them: a new task each time, so frames got through — but whenever the browser found room, not when a frame was due: {frames}, {tasks}. {one_at_a_time}"),
        YieldKind::Scheduler => format!("Parsing ran in slices of about 8 ms with scheduler.yield() between them. Its continuation is queued ahead of other tasks, so the work resumed before the browser could draw, and a frame got through only now and then: {frames}, {tasks}. {one_at_a_time}"),
        YieldKind::Microtask => format!("Parsing ran in slices of about 8 ms with .await on a resolved promise between them. It looks like a yield, but it continues in a microtask, and the browser runs every microtask before it draws a frame or handles input: each document was one long task, as in blocking — {tasks}; {frames}."),
    }
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
        ParseStrategy::Sliced => sliced_verdict(s.yield_kind, run, props.main.as_ref()),
        ParseStrategy::Worker => format!("The page fetched every document on its own event loop and handed only the parse to {} Web Worker(s), moving the bytes without a copy — as run_in_executor moves only the call. The main thread stayed free, so each wait ended when the server answered, and the page kept drawing frames. A document whose workers were all busy waited its turn (grey).", s.workers.min(s.docs)),
    };
    let (rust, python) = match (s.fetch, s.parse) {
        (FetchStrategy::Concurrent, ParseStrategy::Worker) => ("join_all(docs.map(|d| async { let body = fetch(d).await; pool.run(work, body).await }))", "await asyncio.gather(*(fetch_then_run_in_executor(pool, work, d) for d in docs))"),
        (_, ParseStrategy::Sliced) => sliced_code(s.yield_kind),
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
