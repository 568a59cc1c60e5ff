//! The one account of what each document was doing, and when: its [`Segment`]s, in
//! order, derived from its record once. The report's per-document figures, the trace
//! export, the DevTools measures, the timeline rows, the table view and the verdicts
//! all read this; none of them works out a span of its own, and every label lives in
//! [`Activity::label`].
//!
//! A document's life is a chain of segments that touch end to end, from the moment its
//! request went out until it ended (or until now, while it runs):
//!
//! ```text
//! waiting for the server → answered, waiting for the page's loop → [awaiting a timer]
//!   → queued for a thread → [blocking wait] → parsing
//! ```
//!
//! Each segment begins at a time the record holds and ends where the next begins, so
//! no two overlap and together they cover the document's time: a held wait ends where
//! the parse it precedes starts (the same instant on the same thread), and a time
//! stamped by a worker's clock a hair before the page's previous stamp is moved up to
//! it rather than drawn backwards.

use super::doc_record::{DocRecord, DocState};
use super::scenario::WaitKind;

/// What a document is doing at an instant: the vocabulary of every view of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Activity {
    /// Its request has not gone out (a sequential run's later documents).
    NotStarted,
    /// Its request is out but the server has no connection free for it yet
    /// (`connections=6`, HTTP/1.1's per-origin pool).
    WaitingForConnection,
    /// Its request is out; the server has not answered.
    WaitingForServer,
    /// The server answered, but the page's code could not take the response yet: its
    /// loop was busy. In blocking mode this is the stretch the lesson is about.
    AnsweredWaitingForLoop,
    /// The page awaits a timer before the work (`wait=async`): the loop stays free.
    Sleeping,
    /// The page holds the body and waits for a free thread (a worker, or the main
    /// thread busy with another document).
    Queued,
    /// The thread that will work on it is held by a busy wait (`wait=blocking`).
    HeldWait,
    /// Its body is being worked on.
    Parsing,
    /// Finished with a summary.
    Done,
    /// Finished with an error.
    Error,
    /// The run was cancelled before it finished.
    Cancelled,
    /// Its future was dropped without `.await` (`forget=`): it never ran.
    NeverPolled,
}

impl Activity {
    /// The snake_case name scripts read (`at(ms)`, `data-activity`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::WaitingForConnection => "waiting_for_connection",
            Self::WaitingForServer => "waiting_for_server",
            Self::AnsweredWaitingForLoop => "answered_waiting_for_loop",
            Self::Sleeping => "sleeping",
            Self::Queued => "queued",
            Self::HeldWait => "held_wait",
            Self::Parsing => "parsing",
            Self::Done => "done",
            Self::Error => "error",
            Self::Cancelled => "cancelled",
            Self::NeverPolled => "never_polled",
        }
    }

    /// The words every view uses for it (rows, legend, table, trace, DevTools).
    pub fn label(self) -> &'static str {
        match self {
            Self::NotStarted => "not started",
            Self::WaitingForConnection => "waiting for a connection",
            Self::WaitingForServer => "waiting for the server",
            Self::AnsweredWaitingForLoop => "answered, waiting for the page's loop",
            Self::Sleeping => "awaiting a timer",
            Self::Queued => "queued for a thread",
            Self::HeldWait => "blocking wait",
            Self::Parsing => "parsing",
            Self::Done => "done",
            Self::Error => "failed",
            Self::Cancelled => "cancelled",
            Self::NeverPolled => "never ran: its future was dropped without .await",
        }
    }

    /// Whether the document is on a thread's hands (its time belongs to that thread).
    pub fn occupies_thread(self) -> bool {
        matches!(self, Self::HeldWait | Self::Parsing)
    }
}

impl serde::Serialize for Activity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One stretch of a document's life.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// What it was doing.
    pub activity: Activity,
    /// When it began, ms on the page's clock.
    pub start_ms: f64,
    /// When it ended; `None` while it is still going.
    pub end_ms: Option<f64>,
    /// The thread it occupied, for a held wait or a parse (`"main"`, `"worker-<i>"`),
    /// once the record knows it.
    pub thread: Option<String>,
}

impl Segment {
    /// Its length, ms, with an open segment ending at `now_ms`.
    pub fn duration_ms(&self, now_ms: f64) -> f64 {
        (self.end_ms.unwrap_or(now_ms) - self.start_ms).max(0.0)
    }

    /// Its length, ms, once it has ended.
    pub fn closed_ms(&self) -> Option<f64> {
        Some(self.end_ms? - self.start_ms)
    }

    /// Whether it holds the instant `t_ms` (start included, end excluded).
    pub fn contains(&self, t_ms: f64) -> bool {
        t_ms >= self.start_ms && self.end_ms.is_none_or(|end| t_ms < end)
    }

    /// Its name in a trace or a DevTools track: `"doc 3: queued for a thread"`, and a
    /// parse as `"parse doc 3"`.
    pub fn name(&self, doc: u32) -> String {
        match self.activity {
            Activity::Parsing => format!("parse doc {doc}"),
            activity => format!("doc {doc}: {}", activity.label()),
        }
    }
}

/// An answer stamped less than this before the page held the body is not drawn as a
/// wait for the loop of its own: it is the time the body took to arrive.
pub const LOOP_WAIT_MIN_MS: f64 = 1.0;

/// `d`'s segments, in order, from its record (`wait` is the run's wait kind).
pub fn segments(d: &DocRecord, wait: WaitKind) -> Vec<Segment> {
    // Boundaries in the order a document lives them: (when, what begins there).
    let mut starts: Vec<(f64, Activity)> = Vec::with_capacity(6);
    let Some(fetch_start) = d.fetch_start_ms else {
        return Vec::new();
    };
    match d.connected_ms {
        // With a connection ceiling: queued for a connection, then the server's time.
        Some(connected) => {
            starts.push((fetch_start, Activity::WaitingForConnection));
            starts.push((connected, Activity::WaitingForServer));
        }
        None => starts.push((fetch_start, Activity::WaitingForServer)),
    }
    if let (Some(answered), Some(fetched)) = (d.answered_ms, d.fetch_end_ms) {
        if fetched - answered >= LOOP_WAIT_MIN_MS {
            starts.push((answered, Activity::AnsweredWaitingForLoop));
        }
    }
    if let Some(fetched) = d.fetch_end_ms {
        match (wait, d.wait_start_ms) {
            // An awaited timer on the page's loop, then the queue from its end.
            (WaitKind::Async, Some(from)) => {
                starts.push((from, Activity::Sleeping));
                if let Some(to) = d.wait_end_ms {
                    starts.push((to, Activity::Queued));
                }
            }
            // Queued until a thread takes it; a held wait is that thread's first act.
            (WaitKind::Blocking, Some(from)) => {
                starts.push((fetched, Activity::Queued));
                starts.push((from, Activity::HeldWait));
            }
            (_, None) => starts.push((fetched, Activity::Queued)),
        }
    }
    if let Some(parse) = d.parse_start_ms {
        starts.push((parse, Activity::Parsing));
    }
    // The last segment ends where the document did (its parse's end, a failure or a
    // cancel), or is still open.
    let last_end = d.ended_ms.or(d.parse_end_ms);
    let mut out: Vec<Segment> = Vec::with_capacity(starts.len());
    let mut floor = fetch_start;
    for (i, &(at, activity)) in starts.iter().enumerate() {
        let start = at.max(floor);
        floor = start;
        let end = match starts.get(i + 1) {
            Some(&(next, _)) => Some(next.max(start)),
            None => last_end.map(|end| end.max(start)),
        };
        let thread = activity
            .occupies_thread()
            .then(|| d.thread.clone())
            .flatten();
        out.push(Segment {
            activity,
            start_ms: start,
            end_ms: end,
            thread,
        });
    }
    // Nothing of zero length: an awaited wait of 0 ms, or a queue the thread was free
    // for, is not a stretch of the document's life.
    out.retain(|s| s.end_ms.is_none_or(|end| end > s.start_ms));
    out
}

/// What `d` was doing at `t_ms` (on the page's clock), by its segments.
pub fn activity_at(d: &DocRecord, wait: WaitKind, t_ms: f64) -> Activity {
    if d.state == DocState::NeverPolled {
        return Activity::NeverPolled;
    }
    let segments = segments(d, wait);
    if let Some(s) = segments.iter().find(|s| s.contains(t_ms)) {
        return s.activity;
    }
    match segments.first() {
        Some(first) if t_ms < first.start_ms => Activity::NotStarted,
        // After its last segment ended (or with none at all: cancelled or failed
        // before its request went out).
        _ => match d.state {
            DocState::Done => Activity::Done,
            DocState::Error => Activity::Error,
            DocState::Cancelled if d.ended_ms.is_some_and(|end| t_ms >= end) => Activity::Cancelled,
            _ => Activity::NotStarted,
        },
    }
}

/// The total time `d` spent in `activity`, ms, counting only segments that ended.
pub fn time_in(segments: &[Segment], activity: Activity) -> Option<f64> {
    segments
        .iter()
        .filter(|s| s.activity == activity)
        .filter_map(Segment::closed_ms)
        .reduce(|a, b| a + b)
}
