//! Messages between the page and its parse workers, shared by both sides.
//!
//! The page fetches every document itself and hands only the work to a worker, as
//! `run_in_executor` does. A job is posted as a plain object
//! `{ request: "<WorkerRequest as text>", body: Blob }`. The body is the `Blob` the
//! page's `fetch` gave it: posting a `Blob` passes a handle to the same bytes, so
//! nothing is copied and the bytes never cross the page's main thread (the worker
//! reads them on its own thread). The request and every reply are one short line of
//! text (see [`WorkerRequest::encode`]): a worker never sends a document or an index
//! back, since decoding a big reply on the main thread would itself be a freeze. Every
//! reply echoes the [`JobId`] of its request.
//!
//! NOTE: the choice, measured (`scripts/bench.sh` has the hand-over row):
//! - gloo-worker copies every message through its codec (bincode into a fresh buffer,
//!   no transfer list): a 1 MB body cost the page ~1 ms as a `String`, ~5 ms as a
//!   `Vec<u8>`;
//! - `response.arrayBuffer()` then a transferred `ArrayBuffer` costs ~0.03 ms to post
//!   at any size, but reading the body into the page's memory stalled its frames up
//!   to 56 ms for 6 × 3 MiB (see `browser::fetch`);
//! - a `Blob` handle costs about as little to post, and the page never reads the bytes.

pub use crate::lab::engine::JobId;
use crate::lab::error::LabError;
use crate::lab::work::WorkSummary;

pub const REQUEST_KEY: &str = "request";
pub const BODY_KEY: &str = "body";

/// What the page asks of a worker.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerRequest {
    /// Work on the document posted with this request (its `Blob`).
    Work {
        job: JobId,
        query: String,
        /// `fail=N:crash`: the worker panics, as a parser bug would.
        crash: bool,
        /// `wait=blocking` in worker mode: hold this thread so long first, ms.
        hold_ms: u32,
    },
    /// Stop that job at its next slice.
    Cancel { job: JobId },
}

/// What a worker tells the page. Every reply about a job echoes its [`JobId`].
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerReply {
    /// The worker listens (sent once, when it has started).
    Ready,
    /// The job's body is read and its work begins (after a held wait, if any).
    Started {
        job: JobId,
        at_epoch_ms: f64,
        held_from_epoch_ms: Option<f64>,
    },
    /// The work is done.
    Parsed {
        job: JobId,
        summary: WorkSummary,
        end_epoch_ms: f64,
        work_ms: f64,
    },
    /// The document could not be worked on.
    Failed {
        job: JobId,
        error: LabError,
        at_epoch_ms: f64,
    },
}

// NOTE: why not JSON: serde_json's deserializer, with a `Deserialize` for every type
// in these messages, was ~30 KB of the wasm module (~4 %) and did nothing else. The
// messages are a handful of numbers: each is one line of words separated by single
// spaces, and the one free text (a query, an error message) always comes last, so it
// may hold anything. Native tests round-trip every message and every error.
//
// Times and durations travel as whole microseconds (`us`): the browsers' clocks are
// coarser than that (5 µs at best, 100 µs in Firefox), and whole numbers need no float
// parser in the module (`f64::from_str` and its table of powers of five were ~12 KB of
// it, gzip).

impl WorkerRequest {
    /// `work <run> <doc> <crash 0|1> <hold_ms> <query…>` or `cancel <run> <doc>`.
    pub fn encode(&self) -> String {
        match self {
            Self::Work {
                job,
                query,
                crash,
                hold_ms,
            } => format!(
                "work {} {} {} {hold_ms} {query}",
                job.run,
                job.doc,
                u8::from(*crash)
            ),
            Self::Cancel { job } => format!("cancel {} {}", job.run, job.doc),
        }
    }

    /// The request in `text`, or `None` for anything [`Self::encode`] does not write.
    pub fn decode(text: &str) -> Option<Self> {
        let mut words = Words(text);
        match words.next()? {
            "work" => {
                let job = words.job()?;
                let crash = match words.next()? {
                    "0" => false,
                    "1" => true,
                    _ => return None,
                };
                let hold_ms = words.number()?;
                Some(Self::Work {
                    job,
                    crash,
                    hold_ms,
                    query: words.rest().to_string(),
                })
            }
            "cancel" => Some(Self::Cancel { job: words.job()? }),
            _ => None,
        }
    }
}

impl WorkerReply {
    /// `ready`, `started <run> <doc> <at> <held from|->`,
    /// `parsed <run> <doc> <links> <words> <distinct> <hits> <fuzzy> <end> <work_ms>`
    /// or `failed <run> <doc> <at> <error>` (the error as `encode_error` writes it).
    pub fn encode(&self) -> String {
        match self {
            Self::Ready => "ready".to_string(),
            Self::Started {
                job,
                at_epoch_ms,
                held_from_epoch_ms,
            } => {
                let held =
                    held_from_epoch_ms.map_or_else(|| "-".to_string(), |h| us(h).to_string());
                format!(
                    "started {} {} {} {held}",
                    job.run,
                    job.doc,
                    us(*at_epoch_ms)
                )
            }
            Self::Parsed {
                job,
                summary: s,
                end_epoch_ms,
                work_ms,
            } => format!(
                "parsed {} {} {} {} {} {} {} {} {}",
                job.run,
                job.doc,
                s.links,
                s.words,
                s.distinct_words,
                s.hits,
                s.fuzzy_hits,
                us(*end_epoch_ms),
                us(*work_ms)
            ),
            Self::Failed {
                job,
                error,
                at_epoch_ms,
            } => format!(
                "failed {} {} {} {}",
                job.run,
                job.doc,
                us(*at_epoch_ms),
                encode_error(error)
            ),
        }
    }

    /// The reply in `text`, or `None` for anything [`Self::encode`] does not write.
    pub fn decode(text: &str) -> Option<Self> {
        let mut words = Words(text);
        match words.next()? {
            "ready" => Some(Self::Ready),
            "started" => Some(Self::Started {
                job: words.job()?,
                at_epoch_ms: words.ms()?,
                held_from_epoch_ms: match words.next()? {
                    "-" => None,
                    held => Some(ms(held.parse().ok()?)),
                },
            }),
            "parsed" => Some(Self::Parsed {
                job: words.job()?,
                summary: WorkSummary {
                    links: words.number()?,
                    words: words.number()?,
                    distinct_words: words.number()?,
                    hits: words.number()?,
                    fuzzy_hits: words.number()?,
                },
                end_epoch_ms: words.ms()?,
                work_ms: words.ms()?,
            }),
            "failed" => Some(Self::Failed {
                job: words.job()?,
                at_epoch_ms: words.ms()?,
                error: decode_error(words)?,
            }),
            _ => None,
        }
    }
}

/// A [`LabError`] as a kind and its fields, the free text last.
fn encode_error(error: &LabError) -> String {
    match error {
        LabError::Status {
            status,
            status_text,
        } => format!("status {status} {status_text}"),
        LabError::Network(why) => format!("network {why}"),
        LabError::Timeout(ms) => format!("timeout {ms}"),
        LabError::NotHtml { content_type } => format!("not-html {content_type}"),
        LabError::NotUtf8 { offset } => format!("not-utf8 {offset}"),
        LabError::TooLarge { bytes, limit } => format!("too-large {bytes} {limit}"),
        LabError::TooLargeWhileRead { read, limit } => {
            format!("too-large-while-read {read} {limit}")
        }
        LabError::Worker(why) => format!("worker {why}"),
        LabError::BodyMissing { doc } => format!("body-missing {doc}"),
        LabError::Simulator(why) => format!("simulator {why}"),
    }
}

fn decode_error(mut words: Words<'_>) -> Option<LabError> {
    Some(match words.next()? {
        "status" => LabError::Status {
            status: words.number()?,
            status_text: words.rest().to_string(),
        },
        "network" => LabError::Network(words.rest().to_string()),
        "timeout" => LabError::Timeout(words.number()?),
        "not-html" => LabError::NotHtml {
            content_type: words.rest().to_string(),
        },
        "not-utf8" => LabError::NotUtf8 {
            offset: words.number()?,
        },
        "too-large" => LabError::TooLarge {
            bytes: words.number()?,
            limit: words.number()?,
        },
        "too-large-while-read" => LabError::TooLargeWhileRead {
            read: words.number()?,
            limit: words.number()?,
        },
        "worker" => LabError::Worker(words.rest().to_string()),
        "body-missing" => LabError::BodyMissing {
            doc: words.number()?,
        },
        "simulator" => LabError::Simulator(words.rest().to_string()),
        _ => return None,
    })
}

/// Milliseconds as whole microseconds, for the wire.
#[allow(clippy::cast_possible_truncation)] // times since the epoch in µs fit an i64
fn us(ms: f64) -> i64 {
    (ms * 1000.0).round() as i64
}

/// Whole microseconds from the wire as milliseconds.
#[allow(clippy::cast_precision_loss)] // below 2^53 µs (285 years), exact
fn ms(us: i64) -> f64 {
    us as f64 / 1000.0
}

/// Reads a message word by word (single spaces), then its free text.
struct Words<'a>(&'a str);

impl<'a> Words<'a> {
    fn next(&mut self) -> Option<&'a str> {
        if self.0.is_empty() {
            return None;
        }
        let (word, rest) = self.0.split_once(' ').unwrap_or((self.0, ""));
        self.0 = rest;
        Some(word)
    }

    fn number<T: std::str::FromStr>(&mut self) -> Option<T> {
        self.next()?.parse().ok()
    }

    /// A time or duration written by [`us`].
    fn ms(&mut self) -> Option<f64> {
        self.number().map(ms)
    }

    fn job(&mut self) -> Option<JobId> {
        Some(JobId {
            run: self.number()?,
            doc: self.number()?,
        })
    }

    /// Everything left, spaces included.
    fn rest(self) -> &'a str {
        self.0
    }
}

#[cfg(test)]
mod tests;
