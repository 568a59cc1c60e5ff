//! The pool of parse workers: created on first use, kept across runs, resized when
//! the scenario's `workers` changes, and dropped with the app.
//!
//! Worker loading (written down once, here): trunk builds `src/bin/worker.rs` as a
//! `no-modules` script with a loader shim (`data-loader-shim` in index.html), and
//! gloo-worker spawns it with `.with_loader(true).spawn("./worker_loader.js")`. The
//! path is relative to the page's `<base>` (trunk's public URL), so it works under
//! any sub-path, and no `blob:` URL is made, so a strict CSP allows it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::mpsc;
use futures::StreamExt;
use gloo_worker::{Spawnable, WorkerBridge};
use wasm_bindgen::JsValue;

use crate::lab::error::LabError;
use crate::protocol::{DocSource, JobId, ParseRequest, ParseResponse};
use crate::worker::ParseWorker;

type Routes = Rc<RefCell<HashMap<JobId, mpsc::UnboundedSender<ParseResponse>>>>;

struct Slot {
    bridge: WorkerBridge<ParseWorker>,
    /// Jobs sent and not yet answered with `Parsed` or `Failed`.
    outstanding: Rc<RefCell<u32>>,
}

/// The worker's loader shim, relative to the page's `<base>`.
pub const WORKER_SCRIPT: &str = "./worker_loader.js";

/// A resizable pool of [`ParseWorker`]s.
pub struct WorkerPool {
    script_url: String,
    slots: RefCell<Vec<Slot>>,
    routes: Routes,
}

impl WorkerPool {
    /// An empty pool whose workers will load `script_url` (normally [`WORKER_SCRIPT`]).
    pub fn new(script_url: &str) -> Self {
        Self {
            script_url: script_url.to_string(),
            slots: RefCell::default(),
            routes: Routes::default(),
        }
    }

    /// Grows or shrinks the pool to `k` workers. Existing workers are kept. Returns
    /// how many were started (they are loading until [`WorkerPool::warm`] says so).
    pub fn resize(&self, k: usize) -> Result<usize, LabError> {
        let mut slots = self.slots.borrow_mut();
        // Dropping a bridge tells its worker to close.
        slots.truncate(k);
        let before = slots.len();
        while slots.len() < k {
            slots.push(self.spawn()?);
        }
        Ok(k - before)
    }

    fn spawn(&self) -> Result<Slot, LabError> {
        // gloo-worker's `spawn` panics when the browser refuses to create a worker;
        // check first that there is a Worker constructor at all.
        let has_workers =
            js_sys::Reflect::has(&js_sys::global(), &JsValue::from_str("Worker")).unwrap_or(false);
        if !has_workers {
            return Err(LabError::Worker("this browser has no Web Workers".into()));
        }
        // A frame sandboxed without allow-same-origin has an opaque origin ("null"), and
        // `new Worker` of a URL on the server throws there (it is never same-origin).
        let origin = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("origin"))
            .ok()
            .and_then(|o| o.as_string());
        if origin.as_deref() == Some("null") {
            return Err(LabError::Worker(
                "this frame is sandboxed without allow-same-origin, where Web Workers cannot start"
                    .into(),
            ));
        }
        let routes = Rc::clone(&self.routes);
        let outstanding = Rc::new(RefCell::new(0u32));
        let counter = Rc::clone(&outstanding);
        let bridge = ParseWorker::spawner()
            .callback(move |response: ParseResponse| {
                let job = match &response {
                    ParseResponse::Fetched { job, .. } | ParseResponse::Pong { job } => *job,
                    ParseResponse::Parsed { job, .. } | ParseResponse::Failed { job, .. } => {
                        let mut n = counter.borrow_mut();
                        *n = n.saturating_sub(1);
                        *job
                    }
                };
                // Replies of cancelled runs have no route any more and are dropped here.
                if let Some(tx) = routes.borrow().get(&job) {
                    let _ = tx.unbounded_send(response);
                }
            })
            .with_loader(true)
            .spawn(&self.script_url);
        Ok(Slot {
            bridge,
            outstanding,
        })
    }

    /// Sends a job to the least busy worker. Returns that worker's 1-based number and
    /// the stream of its replies for this job (`Fetched`, then `Parsed` or `Failed`).
    pub fn load(
        &self,
        job: JobId,
        source: DocSource,
        query: String,
        timeout_ms: u32,
    ) -> (usize, mpsc::UnboundedReceiver<ParseResponse>) {
        let slots = self.slots.borrow();
        let (index, slot) = slots
            .iter()
            .enumerate()
            .min_by_key(|(_, s)| *s.outstanding.borrow())
            .expect("the pool is resized to at least one worker before a run");
        let (tx, rx) = mpsc::unbounded();
        self.routes.borrow_mut().insert(job, tx);
        *slot.outstanding.borrow_mut() += 1;
        slot.bridge.send(ParseRequest::Load {
            job,
            source,
            query,
            timeout_ms,
        });
        (index + 1, rx)
    }

    /// Resolves once every worker has answered a ping (they are loaded and listening),
    /// or after `timeout_ms`. Returns whether all answered.
    pub async fn warm(&self, timeout_ms: u32) -> bool {
        let pings: Vec<_> = self
            .slots
            .borrow()
            .iter()
            .enumerate()
            .map(|(i, slot)| {
                let job = JobId {
                    run: 0,
                    doc: i as u32,
                };
                let (tx, rx) = mpsc::unbounded();
                self.routes.borrow_mut().insert(job, tx);
                slot.bridge.send(ParseRequest::Ping { job });
                (job, rx)
            })
            .collect();
        let jobs: Vec<JobId> = pings.iter().map(|(job, _)| *job).collect();
        let all = futures::future::join_all(
            pings
                .into_iter()
                .map(|(_, mut rx)| async move { rx.next().await }),
        );
        let answered = match futures::future::select(
            Box::pin(all),
            gloo_timers::future::TimeoutFuture::new(timeout_ms),
        )
        .await
        {
            futures::future::Either::Left((replies, _)) => replies.iter().all(Option::is_some),
            futures::future::Either::Right(_) => false,
        };
        for job in jobs {
            self.forget(job);
        }
        answered
    }

    /// Forgets a finished job's route.
    pub fn forget(&self, job: JobId) {
        self.routes.borrow_mut().remove(&job);
    }

    /// Drops every job of `run` and older: their replies are ignored, workers abort
    /// their requests and skip their work. The pool stays usable.
    pub fn cancel(&self, run: u32) {
        self.routes.borrow_mut().retain(|job, _| job.run > run);
        for slot in self.slots.borrow().iter() {
            *slot.outstanding.borrow_mut() = 0;
            slot.bridge.send(ParseRequest::Cancel { run });
        }
    }
}
