//! Messages between the app and its parse workers, shared by both sides.
//!
//! Every reply echoes the [`JobId`] of its request, so the app can match replies
//! to documents and drop those of a cancelled run. Replies are small summaries:
//! a worker never sends a document or an index back.
//!
//! NOTE: the worker fetches the document itself. gloo-worker copies every message
//! (bincode into a fresh buffer, no transfer list): handing over a fetched 1 MB body
//! cost the main thread ~1 ms as a `String` and ~5 ms as a `Vec<u8>` (TOOLCHAIN.md,
//! measured on this machine), while a URL costs the same at any size. So the main
//! thread still drives the run (it decides when each request starts, sequential or
//! concurrent) but no document bytes ever cross the thread boundary.

use serde::{Deserialize, Serialize};

use crate::lab::error::LabError;
use crate::lab::work::WorkSummary;

/// Names one document of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct JobId {
    /// The run it belongs to (increases with every run).
    pub run: u32,
    /// The document's 1-based number.
    pub doc: u32,
}

/// Where a document comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DocSource {
    /// A real `fetch` of this absolute URL (the service worker simulates the server).
    Url(String),
    /// Built by the thread itself after the latency (the in-page simulator).
    Simulated(SimulatedDoc),
}

/// A document for the in-page simulator to build.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulatedDoc {
    /// Absolute URL of the corpus folder, ending in `/`.
    pub corpus_url: String,
    /// Document number.
    pub doc: u32,
    /// Simulated server time.
    pub latency_ms: u32,
    /// Size, KiB.
    pub size_kb: u32,
    /// Answer 500 instead.
    pub fail: bool,
}

/// What the app asks of a worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ParseRequest {
    /// Get the document, then run the work on it with `query`.
    Load {
        /// Echoed in every reply.
        job: JobId,
        /// Where the document comes from.
        source: DocSource,
        /// The search query.
        query: String,
        /// Give up on the request after this long.
        timeout_ms: u32,
    },
    /// Answer with [`ParseResponse::Pong`] once loaded: tells the page the worker is up.
    Ping {
        /// Echoed in the reply (run 0: no run uses it).
        job: JobId,
    },
    /// Drop every job of runs up to and including `run`: abort their requests and
    /// do not start their work.
    Cancel {
        /// The newest run to drop.
        run: u32,
    },
}

/// What a worker answers. Times are `performance.timeOrigin + performance.now()`
/// on the worker's clock (its time origin differs from the page's); the app
/// converts them to its own `performance.now()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ParseResponse {
    /// The answer to a [`ParseRequest::Ping`].
    Pong {
        /// The ping's id.
        job: JobId,
    },
    /// The body arrived; the work starts right after this message is sent.
    Fetched {
        /// The request's id.
        job: JobId,
        /// Body size.
        bytes: u64,
        /// When the request was sent.
        fetch_start_epoch_ms: f64,
        /// When the body had arrived.
        fetch_end_epoch_ms: f64,
    },
    /// The work finished.
    Parsed {
        /// The request's id.
        job: JobId,
        /// What it found.
        summary: WorkSummary,
        /// When the work started.
        parse_start_epoch_ms: f64,
        /// When it ended.
        parse_end_epoch_ms: f64,
    },
    /// The fetch or the body failed.
    Failed {
        /// The request's id.
        job: JobId,
        /// Why.
        error: LabError,
        /// When.
        at_epoch_ms: f64,
    },
}
