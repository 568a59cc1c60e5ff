//! The engine's vocabulary: what it asks the driver to do ([`Command`]), and the
//! names it gives documents ([`JobId`]) and threads ([`Thread`]).

use serde::Serialize;

use crate::lab::report::MAIN_THREAD;

/// Names one document of one run. Every message about a document carries it, so a
/// reply of an older run is never taken for one of the current run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct JobId {
    /// The run it belongs to (increases with every run).
    pub run: u32,
    /// The document's 1-based number.
    pub doc: u32,
}

/// Where a document's work runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thread {
    /// The page's main thread.
    Main,
    /// Pool worker number `n` (1-based).
    Worker(u32),
}

impl Thread {
    /// The name used in reports: `"main"` or `"worker-<n>"`.
    pub fn name(self) -> String {
        match self {
            Thread::Main => MAIN_THREAD.to_string(),
            Thread::Worker(n) => format!("worker-{n}"),
        }
    }
}

/// What the driver must do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Fetch `doc` on the page's event loop, with its own abort signal and timeout,
    /// and say when it started ([`super::Engine::handle_fetch_started`]).
    StartFetch {
        /// Document id.
        doc: u32,
    },
    /// Work on `doc`'s body on the main thread (in one go, or in slices, as the
    /// scenario's parse strategy says).
    WorkOnMain {
        /// Document id.
        doc: u32,
    },
    /// Hand `doc`'s body to pool worker `worker` (1-based), without a copy.
    PostToWorker {
        /// Document id.
        doc: u32,
        /// The worker.
        worker: u32,
    },
    /// Await a timer of `ms` on the page's event loop for `doc` (`wait=async`), then
    /// say so ([`super::Engine::handle_slept`]).
    Sleep {
        /// Document id.
        doc: u32,
        /// How long.
        ms: u32,
    },
    /// Create `doc`'s fetch future and drop it without `.await` (`forget=`): a Rust
    /// future does nothing until it is polled, so no request goes out.
    DropUnpolled {
        /// Document id.
        doc: u32,
    },
    /// Abort `doc`'s request: the run was cancelled.
    AbortFetch {
        /// Document id.
        doc: u32,
    },
    /// Tell pool worker `worker` to stop the work on `doc` at the end of its current
    /// slice: the run was cancelled.
    CancelOnWorker {
        /// Document id.
        doc: u32,
        /// The worker (1-based).
        worker: u32,
    },
    /// Terminate pool worker `worker` and start a fresh one in its place: it died.
    ReplaceWorker {
        /// The worker (1-based).
        worker: u32,
    },
}
