//! What can happen to a document or a run, each with its time on the page's clock:
//! the events a [`RunLog`](super::report::RunLog) is built from.

#[cfg(doc)]
use super::doc_record::DocRecord;
use super::error::LabError;
use super::work::WorkSummary;

/// Something that happened to a document or the run, at a time on the page's clock.
#[derive(Debug, Clone, PartialEq)]
pub enum RunEvent {
    /// The request for `doc` was sent.
    FetchStarted {
        /// Document id.
        doc: u32,
        /// When.
        at_ms: f64,
    },
    /// The simulated server took `doc`'s request up on a free connection (see
    /// [`DocRecord::connected_ms`]).
    Connected {
        /// Document id.
        doc: u32,
        /// When, as the server stamped it.
        at_ms: f64,
    },
    /// The page holds the whole body of `doc`.
    Fetched {
        /// Document id.
        doc: u32,
        /// When.
        at_ms: f64,
        /// Body size.
        bytes: u64,
        /// When the server answered, if it said (see [`DocRecord::answered_ms`]).
        answered_ms: Option<f64>,
    },
    /// The work on `doc` started on `thread`.
    ParseStarted {
        /// Document id.
        doc: u32,
        /// When.
        at_ms: f64,
        /// `"main"` or `"worker-<i>"`.
        thread: String,
    },
    /// The work on `doc` ended.
    Parsed {
        /// Document id.
        doc: u32,
        /// When.
        at_ms: f64,
        /// What it found.
        summary: WorkSummary,
        /// Time actually spent working (see [`DocRecord::work_ms`]).
        work_ms: f64,
    },
    /// `doc` was handed to a worker, which cost the main thread `cost_ms`.
    HandedOff {
        /// Document id.
        doc: u32,
        /// Main-thread time of the hand-over.
        cost_ms: f64,
    },
    /// The wait after `doc`'s fetch began (`wait_ms`; see [`DocRecord::wait_start_ms`]).
    WaitStarted {
        /// Document id.
        doc: u32,
        /// When.
        at_ms: f64,
    },
    /// The wait after `doc`'s fetch ended.
    WaitEnded {
        /// Document id.
        doc: u32,
        /// When.
        at_ms: f64,
    },
    /// `doc`'s future was created and dropped without `.await`: it never ran.
    NeverPolled {
        /// Document id.
        doc: u32,
    },
    /// `doc` failed.
    Failed {
        /// Document id.
        doc: u32,
        /// When.
        at_ms: f64,
        /// Why.
        error: LabError,
    },
}
