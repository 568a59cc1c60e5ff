//! What a finished run measured, in words: the verdict of a lesson step, written from
//! the run's record and the main thread's measurements, never from expectations.

use crate::lab::activity::{segments, time_in, Activity, Segment};
use crate::lab::num::Num;
use crate::lab::report::{DocRecord, RunLog, RunOutcome};
use crate::lab::scenario::{FetchStrategy, ParseStrategy, WaitKind, YieldKind};
use crate::lab::timeline::{MainThreadReport, LAB_DRAWING, LONG_TASK_MS};

/// `1234 ms`: a measured time as the verdicts write it.
fn ms(v: f64) -> String {
    format!("{:.0} ms", Num(v))
}

/// The longest task in words, that there was none, or that this browser cannot tell
/// (no `longtask`, no `long-animation-frame`): not measured is not "none".
fn tasks_phrase(main: &MainThreadReport) -> String {
    let (Some(tasks), Some(longest)) = (&main.long_tasks, main.longest_task_ms) else {
        return "an unknown number of long tasks (not measured in this browser)".to_string();
    };
    let long = tasks
        .iter()
        .filter(|t| t.duration_ms >= LONG_TASK_MS)
        .count();
    let phrase = match long {
        0 => return format!("no task of {} or more", ms(LONG_TASK_MS)),
        1 => format!("1 long task of {}", ms(longest)),
        n => format!("{n} long tasks, the longest {}", ms(longest)),
    };
    // A task the lab's own drawing made is said to be that, never a parse's freeze.
    let drawing = tasks
        .iter()
        .filter(|t| t.duration_ms >= LONG_TASK_MS && t.cause == LAB_DRAWING)
        .count();
    match drawing {
        0 => phrase,
        d if d == long => format!("{phrase}, all of it the lab's own drawing (none from parsing)"),
        d => format!("{phrase} ({d} of them the lab's own drawing)"),
    }
}

/// What the lab itself cost the main thread during the run, as a sentence (empty where
/// it was not measured).
fn own_cost(run: &RunLog, main: &MainThreadReport) -> String {
    let Some(own) = main.own_ms else {
        return String::new();
    };
    let total = total(run);
    let share = if total > 0.0 {
        100.0 * own / total
    } else {
        0.0
    };
    format!(
        " The lab itself (its drawing and bookkeeping) used {} of the main thread ({:.1} %).",
        ms(own),
        Num(share)
    )
}

/// What the run measured, in words: the verdict of step `step` (or of the free lab,
/// `None`). Empty until the run has finished.
pub fn verdict(step: Option<u32>, run: &RunLog, main: &MainThreadReport) -> Vec<String> {
    if run.outcome != RunOutcome::Finished {
        return Vec::new();
    }
    let s = &run.scenario;
    let mut out = Vec::new();
    let fetch_step = matches!(step, Some(1 | 2) | None);
    if fetch_step {
        out.push(fetch_verdict(run));
    }
    if let Some(text) = connections_verdict(run) {
        out.push(text);
    }
    if s.wait_ms > 0 {
        out.push(wait_verdict(run, main));
    } else if !matches!(step, Some(1 | 2 | 7)) {
        out.push(match s.parse {
            ParseStrategy::Blocking => blocking_verdict(run, main),
            ParseStrategy::Worker => worker_verdict(run, main),
            ParseStrategy::Sliced => sliced_verdict(s.yield_kind, run, main),
        });
    }
    if !s.forget.is_empty() {
        out.push(forget_verdict(run));
    }
    out
}

fn ran(run: &RunLog) -> u32 {
    run.docs
        .iter()
        .filter(|d| !run.scenario.forgets(d.id))
        .count() as u32
}

fn total(run: &RunLog) -> f64 {
    run.elapsed_ms(run.started_ms)
}

fn fetch_verdict(run: &RunLog) -> String {
    let s = &run.scenario;
    let n = ran(run);
    match s.fetch {
        FetchStrategy::Sequential => {
            let last = run
                .docs
                .iter()
                .rev()
                .find_map(|d| d.fetch_start_ms)
                .map(|t| t - run.started_ms)
                .unwrap_or(0.0);
            format!(
                "The {n} documents took {} in all, about {n} × {} ms: each request went out only after the document before it was done, so the last one left at {}.",
                ms(total(run)),
                s.latency_ms,
                ms(last)
            )
        }
        FetchStrategy::Concurrent if s.limit.is_some_and(|k| k < n) => limited_verdict(run, n),
        FetchStrategy::Concurrent => {
            let sum = f64::from(s.latency_ms) * f64::from(n);
            let ratio = if total(run) > 0.0 {
                sum / total(run)
            } else {
                0.0
            };
            let pace = if ratio >= 1.05 {
                format!("{:.1} × faster", Num(ratio))
            } else {
                "no faster: the work, not the waiting, set the pace".to_string()
            };
            format!(
                "All {n} requests were in flight at once, so their waits overlapped: {} in all, against {} for {n} latencies one after another ({pace}).",
                ms(total(run)),
                ms(sum)
            )
        }
    }
}

/// With a connection ceiling (`connections=6`): how long the requests waited for a
/// connection, and why the lab's default has none.
fn connections_verdict(run: &RunLog) -> Option<String> {
    let n = run.scenario.connections?;
    let waits: Vec<f64> = run
        .docs
        .iter()
        .filter_map(|d| {
            time_in(
                &segments(d, run.scenario.wait),
                Activity::WaitingForConnection,
            )
        })
        .filter(|w| *w >= 1.0)
        .collect();
    let waited = match waits.len() {
        0 => "no request had to wait for one".to_string(),
        1 => format!("1 request waited {} for one", ms(waits[0])),
        k => format!(
            "{k} requests waited for one, the longest {}",
            ms(waits.iter().copied().fold(0.0, f64::max))
        ),
    };
    Some(format!(
        "The server had {n} connections for this page, as a browser opens to one origin over HTTP/1.1: {waited}. HTTP/2 carries every request of a page over one connection, which lifts this ceiling; the lab's default is unlimited because static hosts serve HTTP/2 today and the lessons are about the page's own loop."
    ))
}

/// A concurrent run with a limit of `k` requests at a time, below its `n` documents:
/// the requests went out in about ⌈n / k⌉ waves of one latency each.
fn limited_verdict(run: &RunLog, n: u32) -> String {
    let s = &run.scenario;
    let k = s.limit.unwrap_or(n);
    let waves = n.div_ceil(k);
    let expected = f64::from(waves) * f64::from(s.latency_ms);
    // The most requests the record shows in flight at one time, from the fetch spans.
    let spans: Vec<(f64, f64)> = run
        .docs
        .iter()
        .filter_map(|d| Some((d.fetch_start_ms?, d.fetch_end_ms?)))
        .collect();
    let most = spans
        .iter()
        .map(|&(start, _)| {
            spans
                .iter()
                .filter(|&&(s2, e2)| s2 <= start && start < e2)
                .count()
        })
        .max()
        .unwrap_or(0);
    format!(
        "At most {k} requests were in flight at a time (the record shows {most} at the busiest moment), so the {n} documents went out in {waves} waves: {} in all, about ⌈{n} / {k}⌉ × {} ms = {} (all at once would take about one latency).",
        ms(total(run)),
        s.latency_ms,
        ms(expected)
    )
}

/// The document whose response waited longest for the page's loop: (id, answered,
/// taken), both from the run's start.
fn most_delayed(run: &RunLog) -> Option<(u32, f64, f64)> {
    run.docs
        .iter()
        .flat_map(|d| loop_waits(run, d).map(move |s| (d.id, s)))
        .filter_map(|(id, s)| Some((id, s.start_ms - run.started_ms, s.end_ms? - run.started_ms)))
        .max_by(|a, b| (a.2 - a.1).total_cmp(&(b.2 - b.1)))
}

/// `d`'s stretches between its server's answer and the page's code taking it.
fn loop_waits(run: &RunLog, d: &DocRecord) -> impl Iterator<Item = Segment> {
    segments(d, run.scenario.wait)
        .into_iter()
        .filter(|s| s.activity == Activity::AnsweredWaitingForLoop)
}

fn blocking_verdict(run: &RunLog, main: &MainThreadReport) -> String {
    let gap = main.max_frame_gap_ms;
    let mut out = format!(
        "The dot stopped for {}, {:.1} × the {} budget: {}.",
        ms(gap),
        Num(gap / LONG_TASK_MS),
        ms(LONG_TASK_MS),
        tasks_phrase(main)
    );
    if let Some((doc, answered, taken)) = most_delayed(run).filter(|(_, a, t)| t - a >= 20.0) {
        out.push_str(&format!(
            " Doc {doc}'s server answered after {}, but its code could not run until {}.",
            ms(answered),
            ms(taken)
        ));
    }
    out.push_str(&own_cost(run, main));
    out
}

fn worker_verdict(run: &RunLog, main: &MainThreadReport) -> String {
    let work: f64 = run.docs.iter().filter_map(|d| d.work_ms).sum();
    let loop_wait = run
        .docs
        .iter()
        .flat_map(|d| loop_waits(run, d))
        .filter_map(|s| s.closed_ms())
        .fold(0.0, f64::max);
    // Said from the measured gap, not assumed: a busy machine or another browser can
    // stall the page even when no parse runs on it.
    let drew = main
        .long_tasks
        .iter()
        .flatten()
        .any(|t| t.cause == LAB_DRAWING);
    let dot = if main.max_frame_gap_ms < 2.0 * LONG_TASK_MS {
        "the dot kept moving"
    } else if drew {
        "the dot stalled, though no parse ran on the page: the lab's own drawing held the main thread"
    } else {
        "the dot stalled, though no parse ran on the page: something else held the main thread"
    };
    format!(
        "The parsing, {} of work, ran on {} workers. The page had {}, and its longest gap between frames was {}: {dot}. Every response was taken within {} of its server's answer.{}",
        ms(work),
        run.work_threads(),
        tasks_phrase(main),
        ms(main.max_frame_gap_ms),
        ms(loop_wait),
        own_cost(run, main)
    )
}

/// What a sliced run did to the page, in words, from what was measured.
pub fn sliced_verdict(kind: YieldKind, run: &RunLog, main: &MainThreadReport) -> String {
    let total = total(run);
    let work: f64 = run.docs.iter().filter_map(|d| d.work_ms).sum();
    let share = if total > 0.0 {
        100.0 * work / total
    } else {
        0.0
    };
    let frames = format!(
        "{} frames dropped, the longest gap between frames {}",
        main.dropped_frames,
        ms(main.max_frame_gap_ms)
    );
    let tasks = tasks_phrase(main);
    let one_at_a_time = "One document is worked on at a time; the others wait their turn (grey).";
    match kind {
        YieldKind::Frame => format!("Parsing ran on the main thread in slices that fill each frame up to a few ms before the next one is due, then wait for it (the next animation frame, then a new task): {frames}, {tasks}. The work still had {share:.0} % of the run. {one_at_a_time}", share = Num(share)),
        YieldKind::Timeout => format!("Parsing ran on the main thread in slices of about 8 ms with setTimeout(0) between them: a new task each time, so frames got through — but whenever the browser found room, not when a frame was due: {frames}, {tasks}. {one_at_a_time}"),
        YieldKind::Scheduler => format!("Parsing ran in slices of about 8 ms with scheduler.yield() between them. Its continuation is queued ahead of other tasks, so the work resumed before the browser could draw, and a frame got through only now and then: {frames}, {tasks}. {one_at_a_time}"),
        YieldKind::Microtask => format!("Parsing ran in slices of about 8 ms with .await on a resolved promise between them. It looks like a yield, but it continues in a microtask, and the browser runs every microtask before it draws a frame or handles input: each document was one long task, as in blocking — {tasks}; {frames}."),
    }
}

fn wait_verdict(run: &RunLog, main: &MainThreadReport) -> String {
    let s = &run.scenario;
    let n = ran(run);
    let w = s.wait_ms;
    match (s.wait, s.parse) {
        (WaitKind::Async, _) => format!(
            "Each document awaited a {w} ms timer on the page's loop. The waits overlapped, so the run took {}, about {} + {w} ms, and the page had {}.",
            ms(total(run)),
            s.latency_ms,
            tasks_phrase(main)
        ),
        (WaitKind::Blocking, ParseStrategy::Worker) => {
            let threads = run.work_threads();
            format!(
                "Each document's blocking wait of {w} ms held a worker, not the page: {threads} workers took them {} at a time. The page had {}, and the run took {}, about {} + {} × {w} ms.",
                threads,
                tasks_phrase(main),
                ms(total(run)),
                s.latency_ms,
                n.div_ceil(threads)
            )
        }
        (WaitKind::Blocking, _) => format!(
            "Each document held the main thread for {w} ms after its fetch. The waits could not overlap: {}, and the dot stopped for {}. The run took {}, about {} + {n} × {w} ms.",
            tasks_phrase(main),
            ms(main.max_frame_gap_ms),
            ms(total(run)),
            s.latency_ms
        ),
    }
}

fn forget_verdict(run: &RunLog) -> String {
    let forgotten: Vec<String> = run
        .scenario
        .forget
        .iter()
        .filter(|&&d| d <= run.scenario.docs)
        .map(|d| format!("Doc {d}"))
        .collect();
    format!(
        "{}'s future was created and dropped without .await: it never ran, so it has no times and no request for it left the page. The other {} documents finished in {}. In JavaScript, fetch(url) without await would still have sent the request.",
        forgotten.join(" and "),
        ran(run),
        ms(total(run))
    )
}
