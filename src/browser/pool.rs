//! The pool of parse workers: a small typed bridge over `web_sys::Worker`. Workers
//! are started once and kept across runs; a cancelled job is stopped by its worker,
//! and a worker that dies is terminated and replaced. See [`crate::worker`] for how
//! a worker loads.
//!
//! Each worker has one job at a time (the run engine hands out jobs), so a reply or
//! an error event always belongs to the job the slot holds. Replies go to that job's
//! stream as [`JobEvent`]s; a worker's `error` event ends its job with
//! [`JobEvent::Died`].

use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::mpsc;
use futures::StreamExt;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

use super::clock::{now_ms, with_timeout};
use crate::lab::error::LabError;
use crate::protocol::{JobId, WorkerReply, WorkerRequest, BODY_KEY, REQUEST_KEY};

/// The script a pool worker runs, relative to the page's `<base>`.
pub const WORKER_SCRIPT: &str = "./boot.js";

/// What boot.js, started as a worker, posts to ask for the page's compiled module.
const MODULE_REQUEST: &str = "event-loop-lab:module?";

/// What happens to a job posted to a worker.
#[derive(Debug, Clone, PartialEq)]
pub enum JobEvent {
    /// The body was posted; the page's main thread spent `cost_ms` doing it.
    HandedOff {
        /// Main-thread time of the `postMessage`.
        cost_ms: f64,
    },
    /// The worker answered.
    Reply(WorkerReply),
    /// The worker died (an uncaught error, a trap) before it finished the job.
    Died(String),
}

/// A job waiting for its worker to be ready.
struct Queued {
    message: js_sys::Object,
}

#[derive(Default)]
struct SlotState {
    ready: bool,
    /// Set when the worker reported an error: it is not used again.
    dead: Option<String>,
    /// The job it holds, and where that job's events go.
    job: Option<(JobId, mpsc::UnboundedSender<JobEvent>)>,
    /// A job posted before the worker was ready.
    queued: Option<Queued>,
    /// Told once the worker is ready (or dead): see [`WorkerPool::ready`].
    waiting: Vec<mpsc::UnboundedSender<bool>>,
}

type MessageHandler = Closure<dyn FnMut(MessageEvent)>;
type ErrorHandler = Closure<dyn FnMut(ErrorEvent)>;

struct Slot {
    worker: Worker,
    state: Rc<RefCell<SlotState>>,
    _on_message: MessageHandler,
    _on_error: ErrorHandler,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

/// A resizable pool of parse workers.
pub struct WorkerPool {
    script_url: String,
    module: JsValue,
    slots: RefCell<Vec<Option<Slot>>>,
}

impl WorkerPool {
    /// An empty pool whose workers will load `script_url` (normally [`WORKER_SCRIPT`])
    /// and run `module`, the compiled `WebAssembly.Module` of the app (normally
    /// `wasm_bindgen::module()`: the page's own).
    pub fn new(script_url: &str, module: JsValue) -> Self {
        Self {
            script_url: script_url.to_string(),
            module,
            slots: RefCell::default(),
        }
    }

    /// Grows or shrinks the pool to `k` workers and starts any that are missing.
    /// Existing workers are kept. Returns how many were started; the first worker
    /// that cannot be started is the error (its slot stays empty, and a job for it
    /// fails with that error).
    pub fn resize(&self, k: usize) -> Result<usize, LabError> {
        let mut slots = self.slots.borrow_mut();
        // Dropping a slot terminates its worker.
        slots.truncate(k);
        slots.resize_with(k, || None);
        let mut started = 0;
        for slot in slots.iter_mut().filter(|s| s.is_none()) {
            *slot = Some(spawn(&self.script_url, &self.module)?);
            started += 1;
        }
        Ok(started)
    }

    /// Grows the pool to `k` workers if it has fewer; never stops a worker (a run may
    /// be using a larger pool). Returns how many it started.
    pub fn grow_to(&self, k: usize) -> Result<usize, LabError> {
        let have = self.slots.borrow().len();
        if have >= k {
            return Ok(0);
        }
        self.resize(k)
    }

    /// Terminates worker `worker` (1-based) and starts a fresh one in its place. If
    /// the fresh one cannot start, the slot stays empty and its next job fails.
    pub fn replace(&self, worker: u32) {
        let mut slots = self.slots.borrow_mut();
        if let Some(slot) = (worker as usize)
            .checked_sub(1)
            .and_then(|i| slots.get_mut(i))
        {
            *slot = None;
            *slot = spawn(&self.script_url, &self.module).ok();
        }
    }

    /// Resolves once every worker of the pool is ready (loaded and listening), or
    /// after `timeout_ms`. Returns whether all were.
    pub async fn ready(&self, timeout_ms: u32) -> bool {
        let receivers: Vec<mpsc::UnboundedReceiver<bool>> = self
            .slots
            .borrow()
            .iter()
            .flatten()
            .filter(|slot| !slot.state.borrow().ready)
            .map(|slot| {
                let (tx, rx) = mpsc::unbounded();
                slot.state.borrow_mut().waiting.push(tx);
                rx
            })
            .collect();
        let all = futures::future::join_all(
            receivers
                .into_iter()
                .map(|mut rx| async move { rx.next().await.unwrap_or(false) }),
        );
        with_timeout(all, timeout_ms)
            .await
            .is_ok_and(|answers| answers.into_iter().all(|ok| ok))
    }

    /// Asks worker `worker` (1-based) to stop `job` at the end of its current slice.
    /// The worker stays: a fresh one would have to start and warm up again.
    pub fn cancel(&self, worker: u32, job: JobId) {
        let slots = self.slots.borrow();
        let slot = (worker as usize)
            .checked_sub(1)
            .and_then(|i| slots.get(i))
            .and_then(Option::as_ref);
        if let Some(slot) = slot {
            let mut state = slot.state.borrow_mut();
            if state
                .job
                .as_ref()
                .is_some_and(|(current, _)| *current == job)
            {
                state.job = None;
                state.queued = None;
            }
            let message = js_sys::Object::new();
            let request = WorkerRequest::Cancel { job }.encode();
            if js_sys::Reflect::set(&message, &REQUEST_KEY.into(), &request.into()).is_ok() {
                // A worker that is not listening any more has nothing to stop.
                let _ = slot.worker.post_message(&message);
            }
        }
    }

    /// Posts the work on `job` with its `body` to worker `worker` (1-based). A `Blob`
    /// is posted as a handle: no byte is copied. Returns the stream of the job's events.
    pub fn post(
        &self,
        worker: u32,
        job: JobId,
        query: &str,
        crash: bool,
        hold_ms: u32,
        body: &web_sys::Blob,
    ) -> Result<mpsc::UnboundedReceiver<JobEvent>, LabError> {
        let request = WorkerRequest::Work {
            job,
            query: query.to_string(),
            crash,
            hold_ms,
        };
        let mut slots = self.slots.borrow_mut();
        let index = (worker as usize)
            .checked_sub(1)
            .filter(|&i| i < slots.len())
            .ok_or_else(|| LabError::Worker(format!("the pool has no worker-{worker}")))?;
        // An empty slot (its worker could not start) or a worker that died while idle
        // gets a fresh worker: that is no fault of this job.
        let usable = slots[index]
            .as_ref()
            .is_some_and(|slot| slot.state.borrow().dead.is_none());
        if !usable {
            slots[index] = None;
            slots[index] = Some(spawn(&self.script_url, &self.module)?);
        }
        let slot = slots[index].as_ref().expect("the slot was just filled");
        let mut state = slot.state.borrow_mut();
        let (tx, rx) = mpsc::unbounded();
        let message = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&message, &key.into(), value);
        set(REQUEST_KEY, &request.encode().into())
            .and_then(|_| set(BODY_KEY, body))
            .map_err(|_| LabError::Worker("could not build the message".into()))?;
        let queued = Queued { message };
        state.job = Some((job, tx.clone()));
        if state.ready {
            send(&slot.worker, queued, &tx)?;
        } else {
            // Posted on `Ready`: a module worker may not listen yet, and a message
            // that arrives before its handler is set is lost.
            state.queued = Some(queued);
        }
        Ok(rx)
    }
}

/// Posts a job and reports what that cost the main thread.
fn send(
    worker: &Worker,
    job: Queued,
    events: &mpsc::UnboundedSender<JobEvent>,
) -> Result<(), LabError> {
    let before = now_ms();
    worker.post_message(&job.message).map_err(|e| {
        LabError::Worker(format!(
            "postMessage failed: {}",
            super::error_text(&e, "unknown error")
        ))
    })?;
    let cost_ms = now_ms() - before;
    let _ = events.unbounded_send(JobEvent::HandedOff { cost_ms });
    Ok(())
}

fn spawn(script_url: &str, module: &JsValue) -> Result<Slot, LabError> {
    let global = js_sys::global();
    if !js_sys::Reflect::has(&global, &"Worker".into()).unwrap_or(false) {
        return Err(LabError::Worker("this browser has no Web Workers".into()));
    }
    // A frame sandboxed without allow-same-origin has an opaque origin ("null"), and
    // `new Worker` of a URL on the server throws there (it is never same-origin).
    let origin = js_sys::Reflect::get(&global, &"origin".into())
        .ok()
        .and_then(|o| o.as_string());
    if origin.as_deref() == Some("null") {
        return Err(LabError::Worker(
            "this frame is sandboxed without allow-same-origin, where Web Workers cannot start"
                .into(),
        ));
    }
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    // `new Worker` throws instead of panicking like gloo-worker's spawn: the job's row
    // shows the error and the page goes on.
    let worker = Worker::new_with_options(script_url, &options).map_err(|e| {
        LabError::Worker(format!(
            "the browser refused to start a worker: {}",
            super::error_text(&e, "unknown error")
        ))
    })?;
    let state = Rc::new(RefCell::new(SlotState::default()));

    let on_message = {
        let (state, worker, module) = (Rc::clone(&state), worker.clone(), module.clone());
        MessageHandler::new(move |event: MessageEvent| {
            let text = event.data().as_string();
            if text.as_deref() == Some(MODULE_REQUEST) {
                // The worker runs the page's compiled module: no second download or
                // compile. `null` (if the module cannot be posted) makes it load the
                // wasm by URL.
                if worker.post_message(&module).is_err() {
                    let _ = worker.post_message(&JsValue::NULL);
                }
                return;
            }
            let reply = text.and_then(|text| WorkerReply::decode(&text));
            let Some(reply) = reply else { return };
            let mut state = state.borrow_mut();
            let job = match &reply {
                WorkerReply::Ready => {
                    state.ready = true;
                    state.waiting.drain(..).for_each(|tx| {
                        let _ = tx.unbounded_send(true);
                    });
                    if let (Some(queued), Some((_, tx))) = (state.queued.take(), state.job.clone())
                    {
                        if let Err(error) = send(&worker, queued, &tx) {
                            let _ = tx.unbounded_send(JobEvent::Died(error.to_string()));
                        }
                    }
                    return;
                }
                WorkerReply::Started { job, .. }
                | WorkerReply::Parsed { job, .. }
                | WorkerReply::Failed { job, .. } => *job,
            };
            let finished = !matches!(reply, WorkerReply::Started { .. });
            if let Some((current, tx)) = &state.job {
                if *current == job {
                    let _ = tx.unbounded_send(JobEvent::Reply(reply));
                    if finished {
                        state.job = None;
                    }
                }
            }
        })
    };
    let on_error = {
        let state = Rc::clone(&state);
        ErrorHandler::new(move |event: ErrorEvent| {
            // The default action would log it as an uncaught error of the page; the
            // row shows it instead.
            event.prevent_default();
            let message = event.message();
            let why = if message.is_empty() {
                "it could not load or threw an error".to_string()
            } else {
                message
            };
            let mut state = state.borrow_mut();
            state.dead = Some(why.clone());
            state.queued = None;
            state.waiting.drain(..).for_each(|tx| {
                let _ = tx.unbounded_send(false);
            });
            if let Some((_, tx)) = state.job.take() {
                let _ = tx.unbounded_send(JobEvent::Died(why));
            }
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Slot {
        worker,
        state,
        _on_message: on_message,
        _on_error: on_error,
    })
}
