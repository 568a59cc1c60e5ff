//! One document's record within a run: where it is in its life ([`DocState`]) and
//! what happened to it when ([`DocRecord`]). [`RunLog`](super::report::RunLog) keeps
//! one per document and updates it from events; both are re-exported from
//! [`report`](super::report).

use serde::Serialize;

/// Where a document is in its life: the coarse state the report's `state` field and
/// the rows' `data-state` attribute give. The engine keeps its documents in the same
/// states. What a document was doing at any instant, finer than this (answered but
/// waiting for the loop, a held wait), is [`Activity`](super::activity::Activity).
///
/// NOTE: the wire names are a public interface older than these variant names, and
/// keep their meaning: `"queued"` is a document whose request has not gone out, and
/// `"waiting"` one fetched and waiting for a thread (which `Activity` calls `queued`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocState {
    /// Its request has not gone out (a sequential run's later documents).
    #[serde(rename = "queued")]
    NotStarted,
    /// Its request is in flight.
    Fetching,
    /// The page holds its body and awaits a timer (`wait=async`) before the work.
    Sleeping,
    /// The page holds its body; it waits for a thread to work on it.
    #[serde(rename = "waiting")]
    AwaitingThread,
    /// Its body is being worked on.
    Parsing,
    /// Finished with a summary.
    Done,
    /// Finished with an error.
    Error,
    /// The run was cancelled before it finished.
    Cancelled,
    /// Its future was created and dropped without `.await` (`forget=`): it never ran.
    NeverPolled,
}

impl DocState {
    /// Whether a document in this state has finished, well or not.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            Self::Done | Self::Error | Self::Cancelled | Self::NeverPolled
        )
    }

    /// The lowercase name used in reports and `data-state` attributes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "queued",
            Self::Fetching => "fetching",
            Self::Sleeping => "sleeping",
            Self::AwaitingThread => "waiting",
            Self::Parsing => "parsing",
            Self::Done => "done",
            Self::Error => "error",
            Self::Cancelled => "cancelled",
            Self::NeverPolled => "never_polled",
        }
    }
}

/// One document of a run. Times are `performance.now()` ms on the page's clock.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocRecord {
    /// 1-based document number.
    pub id: u32,
    /// Where it is now.
    pub state: DocState,
    /// Body size in bytes, once fetched.
    pub bytes: u64,
    /// `<a href>` count, once parsed.
    pub links: u32,
    /// Words in the text, once parsed.
    pub words: u32,
    /// Distinct words, once parsed.
    pub distinct_words: u32,
    /// Query hits, once parsed.
    pub hits: u32,
    /// Words within a typo of a query word, once parsed.
    pub fuzzy_hits: u32,
    /// When its request was sent.
    pub fetch_start_ms: Option<f64>,
    /// When its body had fully arrived (the page's code saw it).
    pub fetch_end_ms: Option<f64>,
    /// When the simulated server took the request up on a free connection, as
    /// stamped by the server: only with `connections=6`. Before it the request waited
    /// for a connection, as a browser's seventh request to one origin over HTTP/1.1 does.
    pub connected_ms: Option<f64>,
    /// When the simulated server sent its answer, as stamped by the server. Between
    /// this and `fetch_end_ms` the response sat ready while the page's code could not
    /// run: in blocking mode, that is the stretch the lesson is about.
    pub answered_ms: Option<f64>,
    /// When the wait after its fetch (`wait_ms`) began: on the page's loop for
    /// `wait=async`, on the thread that works on it for `wait=blocking`.
    pub wait_start_ms: Option<f64>,
    /// When that wait ended.
    pub wait_end_ms: Option<f64>,
    /// From `fetch_end_ms` (or the end of an async wait) until its thread took it:
    /// waiting for a free worker or for the main thread. Filled in for the report from
    /// the document's [segments](super::activity::segments).
    pub queued_ms: Option<f64>,
    /// When the work on it started.
    pub parse_start_ms: Option<f64>,
    /// When the work on it ended.
    pub parse_end_ms: Option<f64>,
    /// When it ended: done, failed or cancelled (`None` while it runs, and for a
    /// future that never ran).
    pub ended_ms: Option<f64>,
    /// Time actually spent working on it, ms: the sum of the slices in `sliced` mode
    /// (where the wall span also holds the yields), the whole span otherwise.
    pub work_ms: Option<f64>,
    /// `"main"` or `"worker-<i>"` (1-based), once parsing started.
    pub thread: Option<String>,
    /// Main-thread time spent handing the document to a worker, ms (worker mode only).
    pub handoff_ms: Option<f64>,
    /// What went wrong, as shown on its row.
    pub error: Option<String>,
}

impl DocRecord {
    /// A document not started yet: queued, nothing measured.
    pub(super) fn new(id: u32) -> Self {
        Self {
            id,
            state: DocState::NotStarted,
            bytes: 0,
            links: 0,
            words: 0,
            distinct_words: 0,
            hits: 0,
            fuzzy_hits: 0,
            fetch_start_ms: None,
            fetch_end_ms: None,
            connected_ms: None,
            answered_ms: None,
            wait_start_ms: None,
            wait_end_ms: None,
            queued_ms: None,
            parse_start_ms: None,
            parse_end_ms: None,
            ended_ms: None,
            work_ms: None,
            thread: None,
            handoff_ms: None,
            error: None,
        }
    }

    /// Whether the document has finished, well or not.
    pub fn is_finished(&self) -> bool {
        self.state.is_finished()
    }
}
