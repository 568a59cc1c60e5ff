//! The parse worker: fetches a document, runs the heavy work on it, replies with a
//! summary. It runs in a dedicated Web Worker, so its long synchronous work never
//! blocks the page's event loop.

use std::collections::HashMap;

use gloo_worker::{HandlerId, Worker, WorkerScope};
use web_sys::AbortController;

use crate::browser::clock::epoch_ms;
use crate::browser::fetch::{load_document, Fetched};
use crate::lab::error::LabError;
use crate::lab::work::analyze;
use crate::protocol::{JobId, ParseRequest, ParseResponse};

/// A worker of the parse pool. Created by gloo-worker when the page spawns it.
pub struct ParseWorker {
    /// Requests in flight, so `Cancel` can abort them.
    in_flight: HashMap<JobId, AbortController>,
    /// Jobs of runs up to this one are dropped.
    cancelled_up_to: u32,
}

/// A fetch that finished inside the worker.
pub struct FetchDone {
    job: JobId,
    query: String,
    from: HandlerId,
    started_epoch_ms: f64,
    result: Result<Fetched, LabError>,
}

impl Worker for ParseWorker {
    type Message = FetchDone;
    type Input = ParseRequest;
    type Output = ParseResponse;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        Self {
            in_flight: HashMap::new(),
            cancelled_up_to: 0,
        }
    }

    /// Runs when a fetch finished: report it, then do the work right away.
    fn update(&mut self, scope: &WorkerScope<Self>, done: FetchDone) {
        self.in_flight.remove(&done.job);
        if done.job.run <= self.cancelled_up_to {
            return;
        }
        let FetchDone {
            job,
            query,
            from,
            started_epoch_ms,
            result,
        } = done;
        match result {
            Err(error) => scope.respond(
                from,
                ParseResponse::Failed {
                    job,
                    error,
                    at_epoch_ms: epoch_ms(),
                },
            ),
            Ok(fetched) => {
                let fetch_end_epoch_ms = epoch_ms();
                scope.respond(
                    from,
                    ParseResponse::Fetched {
                        job,
                        bytes: fetched.bytes,
                        fetch_start_epoch_ms: started_epoch_ms,
                        fetch_end_epoch_ms,
                    },
                );
                let parse_start_epoch_ms = epoch_ms();
                let summary = analyze(&fetched.html, &query);
                scope.respond(
                    from,
                    ParseResponse::Parsed {
                        job,
                        summary,
                        parse_start_epoch_ms,
                        parse_end_epoch_ms: epoch_ms(),
                    },
                );
            }
        }
    }

    /// Runs when the page sends a request.
    fn received(&mut self, scope: &WorkerScope<Self>, request: ParseRequest, from: HandlerId) {
        match request {
            ParseRequest::Load {
                job,
                source,
                query,
                timeout_ms,
            } => {
                if job.run <= self.cancelled_up_to {
                    return;
                }
                let abort = match AbortController::new() {
                    Ok(abort) => abort,
                    Err(_) => {
                        let error = LabError::Worker("AbortController is unavailable".into());
                        scope.respond(
                            from,
                            ParseResponse::Failed {
                                job,
                                error,
                                at_epoch_ms: epoch_ms(),
                            },
                        );
                        return;
                    }
                };
                self.in_flight.insert(job, abort.clone());
                let started_epoch_ms = epoch_ms();
                scope.send_future(async move {
                    let result = load_document(&source, timeout_ms, &abort).await;
                    FetchDone {
                        job,
                        query,
                        from,
                        started_epoch_ms,
                        result,
                    }
                });
            }
            ParseRequest::Ping { job } => scope.respond(from, ParseResponse::Pong { job }),
            ParseRequest::Cancel { run } => {
                self.cancelled_up_to = self.cancelled_up_to.max(run);
                self.in_flight.retain(|job, abort| {
                    let keep = job.run > run;
                    if !keep {
                        abort.abort();
                    }
                    keep
                });
            }
        }
    }
}
