//! What everything was doing at one instant of a run: each document's activity, read
//! from the one account of a run ([`activity_at`]), and the main thread's state, read
//! from the run's measured long tasks and frame gaps. `window.eventLoopLab.at(ms)`
//! returns it for the last finished run; it derives no span of its own.

use serde::Serialize;

use super::activity::{activity_at, segments, Activity};
use super::num::Num;
use super::report::{Report, MAIN_THREAD};
use super::sort::sort_dedup_ms;

/// One document at the instant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocAt {
    /// The document's number.
    pub id: u32,
    /// Its activity, written by [`Activity::as_str`]: `waiting_for_server`, `parsing`, ….
    pub state: Activity,
    /// The thread it occupied, while parsing or held by a blocking wait.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread: Option<String>,
}

/// What the page's main thread was doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MainState {
    /// Free: nothing the run measured held it.
    Idle,
    /// Working on a document (a parse or a slice of one, or a blocking wait), in
    /// tasks under the long-task mark.
    Parsing,
    /// Inside a measured long task (50 ms or more).
    LongTask,
    /// No frame was drawn, though no long task was measured there.
    FrameGap,
}

/// The main thread at the instant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MainAt {
    /// Its state.
    pub state: MainState,
    /// The document it worked on, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<u32>,
    /// A long task's cause, as the report attributes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

/// Everything at one instant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Instant {
    /// The instant, on the report's clock (`performance.now()` ms).
    pub t_ms: f64,
    /// Every document, in order.
    pub documents: Vec<DocAt>,
    /// The page's main thread.
    pub main: MainAt,
}

/// What `report`'s run was doing at `t_ms` (on the report's clock).
pub fn at(report: &Report, t_ms: f64) -> Instant {
    let wait = report.config.wait;
    let mut main_doc = None;
    let documents = report
        .documents
        .iter()
        .map(|d| {
            let activity = activity_at(d, wait, t_ms);
            let thread = activity
                .occupies_thread()
                .then(|| d.thread.clone())
                .flatten();
            if thread.as_deref() == Some(MAIN_THREAD) {
                main_doc = Some(d.id);
            }
            DocAt {
                id: d.id,
                state: activity,
                thread,
            }
        })
        .collect();
    let covers = |start: f64, length: f64| start <= t_ms && t_ms < start + length;
    let main_thread = &report.main_thread;
    let task = main_thread
        .long_tasks
        .iter()
        .flatten()
        .find(|t| covers(t.start_ms, t.duration_ms));
    let main = if let Some(task) = task {
        MainAt {
            state: MainState::LongTask,
            doc: main_doc,
            cause: Some(task.cause.clone()),
        }
    } else if main_doc.is_some() {
        MainAt {
            state: MainState::Parsing,
            doc: main_doc,
            cause: None,
        }
    } else if main_thread
        .frame_gaps
        .iter()
        .any(|g| covers(g.start_ms, g.duration_ms))
    {
        MainAt {
            state: MainState::FrameGap,
            doc: None,
            cause: None,
        }
    } else {
        MainAt {
            state: MainState::Idle,
            doc: None,
            cause: None,
        }
    };
    Instant {
        t_ms,
        documents,
        main,
    }
}

/// The instants where something changes, sorted, without repeats: the run's start and
/// end, each document's segment boundaries (a fetch start, an answer, a parse start or
/// end…), and each long task's start and end. A keyboard cursor steps through these.
pub fn events(report: &Report) -> Vec<f64> {
    let wait = report.config.wait;
    let mut out = vec![report.started_ms, report.finished_ms];
    for d in &report.documents {
        for s in segments(d, wait) {
            out.push(s.start_ms);
            out.extend(s.end_ms);
        }
        out.extend(d.ended_ms);
    }
    for t in report.main_thread.long_tasks.iter().flatten() {
        out.push(t.start_ms);
        out.push(t.start_ms + t.duration_ms);
    }
    out.retain(|t| (report.started_ms..=report.finished_ms).contains(t));
    sort_dedup_ms(&mut out);
    out
}

/// The event instants of several runs drawn one above the other, aligned at their
/// starts: each run's [`events`] as ms from its own start, merged in order without
/// repeats. One keyboard cursor steps through them all.
pub fn aligned_events(reports: &[Report]) -> Vec<f64> {
    let mut out: Vec<f64> = reports
        .iter()
        .flat_map(|r| events(r).into_iter().map(move |t| t - r.started_ms))
        .collect();
    sort_dedup_ms(&mut out);
    out
}

impl Instant {
    /// The instant in words, from the run's start: what a live region announces.
    pub fn describe(&self, started_ms: f64) -> String {
        let main = match (self.main.state, self.main.doc, &self.main.cause) {
            (MainState::LongTask, _, Some(cause)) => format!("a long task ({cause})"),
            (MainState::LongTask, _, None) => "a long task".to_string(),
            (MainState::Parsing, Some(doc), _) => format!("working on doc {doc}"),
            (MainState::Parsing, None, _) => "working".to_string(),
            (MainState::FrameGap, ..) => "no frame drawn".to_string(),
            (MainState::Idle, ..) => "idle".to_string(),
        };
        let docs = self
            .documents
            .iter()
            .map(|d| {
                let label = d.state.label();
                match &d.thread {
                    Some(thread) => format!("doc {} {label} on {thread}", d.id),
                    None => format!("doc {} {label}", d.id),
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        format!(
            "At {:.0} ms: main thread {main}. {docs}.",
            Num(self.t_ms - started_ms)
        )
    }
}
