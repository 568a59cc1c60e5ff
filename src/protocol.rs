//! Messages between the page and its parse workers, shared by both sides.
//!
//! The page fetches every document itself and hands only the work to a worker, as
//! `run_in_executor` does. A job is posted as a plain object
//! `{ request: "<JSON of WorkerRequest>", body: Blob }`. The body is the `Blob` the
//! page's `fetch` gave it: posting a `Blob` passes a handle to the same bytes, so
//! nothing is copied and the bytes never cross the page's main thread (the worker
//! reads them on its own thread). The JSON part and every reply are a few hundred
//! bytes: a worker never sends a document or an index back, since decoding a big
//! reply on the main thread would itself be a freeze. Every reply echoes the
//! [`JobId`] of its request.
//!
//! NOTE: the choice, measured (`scripts/bench.sh` has the hand-over row):
//! - gloo-worker copies every message through its codec (bincode into a fresh buffer,
//!   no transfer list): a 1 MB body cost the page ~1 ms as a `String`, ~5 ms as a
//!   `Vec<u8>`;
//! - `response.arrayBuffer()` then a transferred `ArrayBuffer` costs ~0.03 ms to post
//!   at any size, but reading the body into the page's memory stalled its frames up
//!   to 56 ms for 6 × 3 MiB (see `browser::fetch`);
//! - a `Blob` handle costs about as little to post, and the page never reads the bytes.

use serde::{Deserialize, Serialize};

pub use crate::lab::engine::JobId;
use crate::lab::error::LabError;
use crate::lab::work::WorkSummary;

/// The property of a posted message that holds the JSON request.
pub const REQUEST_KEY: &str = "request";
/// The property of a posted message that holds the transferred body.
pub const BODY_KEY: &str = "body";

/// What the page asks of a worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum WorkerRequest {
    /// Decode the transferred body and run the work on it with `query`.
    Work {
        /// Echoed in every reply.
        job: JobId,
        /// The search query.
        query: String,
        /// Panic instead of working (`fail=N:crash`): with `panic = "abort"` that
        /// kills the worker the way a parser bug would.
        crash: bool,
        /// Hold the worker this long before the work (`wait=blocking`), ms.
        #[serde(default)]
        hold_ms: u32,
    },
    /// Stop `job` at the end of its current slice and do not reply to it: its run
    /// was cancelled.
    Cancel {
        /// The job to stop.
        job: JobId,
    },
}

/// What a worker answers. Times are `performance.timeOrigin + performance.now()` on
/// the worker's clock (its time origin differs from the page's); the page converts
/// them to its own `performance.now()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum WorkerReply {
    /// The worker is loaded and listening; sent once, before anything else.
    Ready,
    /// The work on `job` started.
    Started {
        /// The request's id.
        job: JobId,
        /// When the work began.
        at_epoch_ms: f64,
        /// When a hold before the work (`wait=blocking`) began; it ended at `at_epoch_ms`.
        #[serde(default)]
        held_from_epoch_ms: Option<f64>,
    },
    /// The work finished.
    Parsed {
        /// The request's id.
        job: JobId,
        /// What it found.
        summary: WorkSummary,
        /// When it ended.
        end_epoch_ms: f64,
        /// Time spent working, ms.
        work_ms: f64,
    },
    /// The body could not be worked on (not UTF-8, too large, a missing body).
    Failed {
        /// The request's id.
        job: JobId,
        /// Why.
        error: LabError,
        /// When.
        at_epoch_ms: f64,
    },
}

impl WorkerRequest {
    /// The request as the JSON text posted beside the body.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a WorkerRequest always serializes")
    }
}

impl WorkerReply {
    /// The reply as the JSON text the worker posts.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a WorkerReply always serializes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_through_json() {
        let job = JobId { run: 3, doc: 2 };
        let request = WorkerRequest::Work {
            job,
            query: "async \"await\"".into(),
            crash: false,
            hold_ms: 300,
        };
        let back: WorkerRequest = serde_json::from_str(&request.to_json()).unwrap();
        assert_eq!(back, request);
        let reply = WorkerReply::Failed {
            job,
            error: LabError::NotUtf8 { offset: 7 },
            at_epoch_ms: 1.5,
        };
        let back: WorkerReply = serde_json::from_str(&reply.to_json()).unwrap();
        assert_eq!(back, reply);
    }
}
