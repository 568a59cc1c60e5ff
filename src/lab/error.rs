//! Everything that can go wrong with a document or a run, as one enum whose
//! `Display` the UI shows as is (on the document's row or in the status line).

use serde::Serialize;
use thiserror::Error;

/// A failure the app reports instead of panicking.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
pub enum LabError {
    /// The server answered with an error status.
    #[error("the server answered {status} {status_text}")]
    Status {
        /// HTTP status code.
        status: u16,
        /// Its reason phrase, possibly empty.
        status_text: String,
    },
    /// The request failed before any response (offline, refused, reset).
    #[error("network error: {0}")]
    Network(String),
    /// No response within the time limit.
    #[error("no response within {0} ms")]
    Timeout(u32),
    /// The body is not HTML.
    #[error("not an HTML document (content-type {content_type})")]
    NotHtml {
        /// The response's content type.
        content_type: String,
    },
    /// The body is not valid UTF-8.
    #[error("the body is not valid UTF-8 (first bad byte at offset {offset})")]
    NotUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// The body is larger than the app accepts.
    #[error("the document is {bytes} bytes; the limit is {limit}")]
    TooLarge {
        /// Size of the body.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// A body with no announced size grew past the limit while it streamed in; its
    /// download was stopped there.
    #[error("the document is over the limit of {limit} bytes; its download was stopped after {read} bytes")]
    TooLargeWhileRead {
        /// Bytes read when it was stopped (the limit was passed in the last chunk).
        read: usize,
        /// The limit.
        limit: usize,
    },
    /// A worker could not be started or died.
    #[error("the parse worker failed: {0}")]
    Worker(String),
    /// The page no longer held a fetched document's body when a thread came to take it:
    /// a broken invariant of the lab, said as such on the document's row (not blamed
    /// on a worker, since it also happens to main-thread work).
    #[error("doc {doc}'s body went missing before its work began (a bug in the lab)")]
    BodyMissing {
        /// The document.
        doc: u32,
    },
    /// The latency simulator (a service worker) cannot run here.
    #[error("the latency simulator is unavailable: {0}")]
    Simulator(String),
}
