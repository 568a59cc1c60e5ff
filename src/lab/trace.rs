//! A finished run as a trace in Chrome's Trace Event Format: the JSON object
//! `{ "traceEvents": [...] }` that Perfetto UI and DevTools' Performance panel open
//! ("Load profile"). Times are µs from the page's `performance.timeOrigin`, as the
//! report's `performance.now()` milliseconds are.
//!
//! Lanes (threads of one process, named by `M` events, in this order):
//! - `main thread: work`: parses that ran on the main thread, and inputs;
//! - `main thread: long tasks`: the long tasks, named by their attributed cause;
//! - `main thread: frames`: gaps between animation frames longer than two frames, and
//!   the stretches the page was hidden (no frames drawn on purpose, none dropped);
//! - `worker-1` … `worker-k`: the parses each worker did;
//! - `doc N`: one lane per document (concurrent fetches overlap, so they cannot share
//!   one): its [segments](super::activity::segments) off any thread (waiting for the
//!   server, answered but waiting for the page's loop, awaiting a timer, queued).
//!
//! NOTE: written by derived `Serialize` structs, not `serde_json::Value`: building
//! `json!` trees brought `Value`, its map and its writer into the wasm module for this
//! one file.

use serde::Serialize;

use super::activity::{segments, Activity};
use super::report::{DocRecord, Report, MAIN_THREAD};
use super::scenario::{Scenario, WaitKind};
use super::sort::sort_by;
use crate::lab::num::Num;

/// The one process of the trace.
const PID: u32 = 1;
const MAIN_WORK: u32 = 1;
const MAIN_LONG_TASKS: u32 = 2;
const MAIN_FRAMES: u32 = 3;
/// `worker-i` is thread `WORKER_BASE + i`.
const WORKER_BASE: u32 = 10;
/// `doc N` is thread `DOC_BASE + N`.
const DOC_BASE: u32 = 100;

/// One trace event. Fields the format leaves out for a phase are skipped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceEvent {
    /// The event's name.
    pub name: String,
    /// Category, for filtering in the viewers.
    pub cat: &'static str,
    /// Phase: `X` complete, `i` instant, `M` metadata.
    pub ph: &'static str,
    /// Start, µs from `timeOrigin`.
    pub ts: f64,
    /// Length, µs (`X` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dur: Option<f64>,
    /// Process id.
    pub pid: u32,
    /// Thread (lane) id.
    pub tid: u32,
    /// Scope of an instant event (`t`: its thread).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s: Option<&'static str>,
    /// Details shown when the event is selected.
    pub args: Args,
}

/// What an event shows when it is selected in a viewer: one shape per kind of event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Args {
    /// The process's or a lane's name (`M` events).
    Name { name: String },
    /// A lane's place among the lanes (`M` events).
    SortIndex { sort_index: usize },
    /// A parse, and what its work found.
    Parse {
        doc: u32,
        bytes: u64,
        links: u32,
        words: u32,
        hits: u32,
        thread: Option<String>,
        work_ms: Option<f64>,
    },
    /// Any other segment of a document.
    Doc {
        doc: u32,
        bytes: u64,
        thread: Option<String>,
    },
    /// A document's error.
    Error { doc: u32, error: String },
    /// A long task and the cause it was attributed to.
    LongTask { duration_ms: f64, cause: String },
    /// A gap between frames, or a stretch the page was hidden (which dropped no frame).
    Frames {
        duration_ms: f64,
        #[serde(skip_serializing_if = "Option::is_none")]
        dropped_frames: Option<u32>,
    },
    /// An input and how long it waited.
    Input { delay_ms: f64 },
}

fn us(ms: f64) -> f64 {
    (ms * 1000.0).round()
}

fn meta(name: &'static str, tid: u32, args: Args) -> TraceEvent {
    TraceEvent {
        name: name.to_string(),
        cat: "__metadata",
        ph: "M",
        ts: 0.0,
        dur: None,
        pid: PID,
        tid,
        s: None,
        args,
    }
}

fn span(
    name: String,
    cat: &'static str,
    tid: u32,
    from_ms: f64,
    to_ms: f64,
    args: Args,
) -> TraceEvent {
    TraceEvent {
        name,
        cat,
        ph: "X",
        ts: us(from_ms),
        dur: Some(us(to_ms.max(from_ms)) - us(from_ms)),
        pid: PID,
        tid,
        s: None,
        args,
    }
}

fn instant(name: String, cat: &'static str, tid: u32, at_ms: f64, args: Args) -> TraceEvent {
    TraceEvent {
        name,
        cat,
        ph: "i",
        ts: us(at_ms),
        dur: None,
        pid: PID,
        tid,
        s: Some("t"),
        args,
    }
}

/// The lane of a parse on `thread` (`"main"` or `"worker-<i>"`).
fn thread_tid(thread: &str) -> u32 {
    thread
        .strip_prefix("worker-")
        .and_then(|i| i.parse::<u32>().ok())
        .map_or(MAIN_WORK, |i| WORKER_BASE + i)
}

/// `d`'s segments: a parse or a held wait on the lane of the thread it occupied, every
/// other segment on the document's own lane; and an error as an instant.
fn doc_events(d: &DocRecord, wait: WaitKind, events: &mut Vec<TraceEvent>) {
    let lane = DOC_BASE + d.id;
    for segment in segments(d, wait) {
        let Some(end) = segment.end_ms else { continue };
        let (cat, tid) = match (segment.activity, segment.thread.as_deref()) {
            (Activity::Parsing, Some(thread)) => ("parse", thread_tid(thread)),
            (Activity::HeldWait, Some(thread)) => ("wait", thread_tid(thread)),
            (Activity::Sleeping, _) => ("wait", lane),
            (Activity::Queued, _) => ("queue", lane),
            _ => ("fetch", lane),
        };
        let args = if segment.activity == Activity::Parsing {
            Args::Parse {
                doc: d.id,
                bytes: d.bytes,
                links: d.links,
                words: d.words,
                hits: d.hits,
                thread: d.thread.clone(),
                work_ms: d.work_ms,
            }
        } else {
            Args::Doc {
                doc: d.id,
                bytes: d.bytes,
                thread: d.thread.clone(),
            }
        };
        events.push(span(
            segment.name(d.id),
            cat,
            tid,
            segment.start_ms,
            end,
            args,
        ));
    }
    if let (Some(error), Some(at)) = (&d.error, d.ended_ms) {
        events.push(instant(
            format!("doc {}: error", d.id),
            "error",
            lane,
            at,
            Args::Error {
                doc: d.id,
                error: error.clone(),
            },
        ));
    }
}

/// The trace of `report`: lanes named, then every span, long task, frame gap, hidden
/// stretch and input.
pub fn trace_events(report: &Report) -> Vec<TraceEvent> {
    let mut events = vec![meta(
        "process_name",
        MAIN_WORK,
        Args::Name {
            name: format!("Event Loop Lab, run {}", report.run_id),
        },
    )];
    let mut lanes: Vec<(u32, String)> = vec![
        (MAIN_WORK, format!("{MAIN_THREAD} thread: work")),
        (MAIN_LONG_TASKS, format!("{MAIN_THREAD} thread: long tasks")),
        (MAIN_FRAMES, format!("{MAIN_THREAD} thread: frames")),
    ];
    let mut workers: Vec<u32> = report
        .documents
        .iter()
        .filter_map(|d| d.thread.as_deref())
        .map(thread_tid)
        .filter(|&tid| tid != MAIN_WORK)
        .collect();
    sort_by(&mut workers, |a, b| a < b);
    workers.dedup();
    lanes.extend(
        workers
            .iter()
            .map(|&tid| (tid, format!("worker-{}", tid - WORKER_BASE))),
    );
    lanes.extend(
        report
            .documents
            .iter()
            .map(|d| (DOC_BASE + d.id, format!("doc {}", d.id))),
    );
    for (order, (tid, name)) in lanes.into_iter().enumerate() {
        events.push(meta("thread_name", tid, Args::Name { name }));
        events.push(meta(
            "thread_sort_index",
            tid,
            Args::SortIndex { sort_index: order },
        ));
    }
    for d in &report.documents {
        doc_events(d, report.config.wait, &mut events);
    }
    let main = &report.main_thread;
    for task in main.long_tasks.iter().flatten() {
        events.push(span(
            format!("long task: {}", task.cause),
            "longtask",
            MAIN_LONG_TASKS,
            task.start_ms,
            task.start_ms + task.duration_ms,
            Args::LongTask {
                duration_ms: task.duration_ms,
                cause: task.cause.clone(),
            },
        ));
    }
    // The frames lane: gaps between frames, and the stretches the page was hidden (no
    // frames drawn on purpose, so none counted as dropped).
    let gaps = main.frame_gaps.iter().map(|g| ("no frame for", g, false));
    let hidden = main.hidden.iter().map(|h| ("page hidden for", h, true));
    for (what, gap, hidden) in gaps.chain(hidden) {
        let args = Args::Frames {
            duration_ms: gap.duration_ms,
            dropped_frames: hidden.then_some(0),
        };
        events.push(span(
            format!("{what} {:.0} ms", Num(gap.duration_ms)),
            "frames",
            MAIN_FRAMES,
            gap.start_ms,
            gap.start_ms + gap.duration_ms,
            args,
        ));
    }
    for input in &main.inputs {
        events.push(instant(
            format!("input, waited {:.0} ms", Num(input.delay_ms)),
            "input",
            MAIN_WORK,
            input.at_ms,
            Args::Input {
                delay_ms: input.delay_ms,
            },
        ));
    }
    events
}

/// The trace file's object.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TraceFile<'a> {
    trace_events: Vec<TraceEvent>,
    display_time_unit: &'static str,
    other_data: OtherData<'a>,
}

/// What the file says of the run, besides its events.
#[derive(Serialize)]
struct OtherData<'a> {
    app: &'static str,
    run_id: u32,
    config: &'a Scenario,
    total_ms: f64,
}

/// The whole trace file as text: `{ "traceEvents": [...], "displayTimeUnit": "ms", ... }`.
pub fn trace_json(report: &Report) -> String {
    let file = TraceFile {
        trace_events: trace_events(report),
        display_time_unit: "ms",
        other_data: OtherData {
            app: "Event Loop Lab",
            run_id: report.run_id,
            config: &report.config,
            total_ms: report.total_ms,
        },
    };
    // Not `expect`: see `Report::to_json`.
    serde_json::to_string(&file).unwrap_or_else(|_| unreachable!("a trace always serializes"))
}

/// The file name a trace of run `run_id` is saved under.
pub fn trace_file_name(run_id: u32) -> String {
    format!("event-loop-lab-run-{run_id}.json")
}
