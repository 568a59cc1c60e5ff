//! The parse worker: receives a document (a `Blob` handle), reads its bytes, runs
//! the heavy work on them in slices and replies with a summary. It runs in a
//! dedicated Web Worker, so its long work never blocks the page's event loop.
//!
//! Worker loading (written down once, here): a pool worker is a *module* worker of
//! `./boot.js`, the same script that starts the page. boot.js asks the page for its
//! compiled `WebAssembly.Module` and instantiates that with the same `app.js` glue: one wasm module for the page and its workers, downloaded and
//! compiled once. The app's `main` sees that it runs in a worker and calls [`start`]
//! instead of rendering; [`start`] posts `Ready`, and the pool holds jobs until then.

use std::cell::RefCell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::spawn_local;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::browser::clock::{epoch_ms, hold_thread, next_message_task, now_ms};
use crate::browser::fetch::read_blob;
use crate::browser::measures::{measure, Colour};
use crate::browser::slices::analyze_in_slices;
use crate::lab::body::decode_document;
use crate::lab::error::LabError;
use crate::lab::small_map::SmallMap;
use crate::protocol::{JobId, WorkerReply, WorkerRequest, BODY_KEY, REQUEST_KEY};

/// Work done between two looks at the message queue, ms.
///
/// NOTE: why slices in a worker at all: `Worker.terminate()` did not stop a worker in
/// the middle of a parse here (Chromium 156): the terminated worker kept a core busy
/// until its parse ended, up to a second later, and slowed the next run. So a
/// cancelled job is stopped by the worker itself, at the end of its current slice.
const WORKER_SLICE_MS: f64 = 20.0;

type MessageHandler = Closure<dyn FnMut(MessageEvent)>;

thread_local! {
    /// The page's message handler, kept for the worker's whole life.
    static ON_MESSAGE: RefCell<Option<MessageHandler>> = const { RefCell::new(None) };
    /// The jobs running here, and whether the page cancelled each.
    static JOBS: RefCell<SmallMap<JobId, bool>> = const { RefCell::new(SmallMap::new()) };
}

/// Whether this code runs in a dedicated worker (and not on a page).
pub fn in_worker() -> bool {
    js_sys::global()
        .dyn_into::<DedicatedWorkerGlobalScope>()
        .is_ok()
}

/// Starts listening for work and tells the page so with [`WorkerReply::Ready`].
/// Runs once, when the worker's module has loaded.
pub fn start() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let reply_scope = scope.clone();
    let on_message = MessageHandler::new(move |event: MessageEvent| {
        handle(&reply_scope, &event.data());
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ON_MESSAGE.with(|slot| *slot.borrow_mut() = Some(on_message));
    post(&scope, &WorkerReply::Ready);
}

fn post(scope: &DedicatedWorkerGlobalScope, reply: &WorkerReply) {
    // Posting a string cannot fail (it is always cloneable).
    let _ = scope.post_message(&JsValue::from_str(&reply.encode()));
}

/// Runs when the page posts a message: a job to start, or one to cancel.
fn handle(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    let request = js_sys::Reflect::get(data, &REQUEST_KEY.into())
        .ok()
        .and_then(|r| r.as_string())
        .and_then(|text| WorkerRequest::decode(&text));
    // Only the page posts here, and always a valid request: anything else is dropped.
    match request {
        Some(WorkerRequest::Work {
            job,
            query,
            crash,
            hold_ms,
        }) => {
            let body = js_sys::Reflect::get(data, &BODY_KEY.into())
                .ok()
                .and_then(|b| b.dyn_into::<web_sys::Blob>().ok());
            spawn_local(work(scope.clone(), job, query, crash, hold_ms, body));
        }
        Some(WorkerRequest::Cancel { job }) => JOBS.with(|jobs| {
            // A job that already ended is not remembered: nothing grows.
            if let Some(cancelled) = jobs.borrow_mut().get_mut(&job) {
                *cancelled = true;
            }
        }),
        None => {}
    }
}

fn cancelled(job: JobId) -> bool {
    JOBS.with(|jobs| jobs.borrow().get(&job).copied().unwrap_or(false))
}

/// One job, from its arrival to its reply.
async fn work(
    scope: DedicatedWorkerGlobalScope,
    job: JobId,
    query: String,
    crash: bool,
    hold_ms: u32,
    body: Option<web_sys::Blob>,
) {
    JOBS.with(|jobs| jobs.borrow_mut().insert(job, false));
    let reply = run_job(job, &query, crash, hold_ms, body, &scope).await;
    JOBS.with(|jobs| jobs.borrow_mut().remove(&job));
    // `None`: cancelled, and the page no longer waits for it.
    if let Some(reply) = reply {
        post(&scope, &reply);
    }
}

/// Reads the body, decodes it and works on it in slices.
async fn run_job(
    job: JobId,
    query: &str,
    crash: bool,
    hold_ms: u32,
    body: Option<web_sys::Blob>,
    scope: &DedicatedWorkerGlobalScope,
) -> Option<WorkerReply> {
    // The bytes come out of the browser's blob storage on this thread, not the page's.
    let bytes = match body {
        Some(blob) => read_blob(&blob)
            .await
            .map(|buffer| js_sys::Uint8Array::new(buffer.as_ref()).to_vec()),
        None => Err(LabError::BodyMissing { doc: job.doc }),
    };
    if cancelled(job) {
        return None;
    }
    // `wait=blocking` in worker mode: the blocking call runs here, off the page's
    // loop, as `run_in_executor(ThreadPoolExecutor, …)` runs it on a pool thread.
    let held_from_epoch_ms = (hold_ms > 0).then(|| {
        let (from, _) = hold_thread(hold_ms);
        epoch_ms() - (now_ms() - from)
    });
    post(
        scope,
        &WorkerReply::Started {
            job,
            at_epoch_ms: epoch_ms(),
            held_from_epoch_ms,
        },
    );
    if crash {
        // `fail=N:crash`: a parser bug, as the lesson shows it. With panic = "abort"
        // the wasm instance traps, the worker reports an uncaught error to the page,
        // and the pool replaces it.
        panic!(
            "doc {}: simulated parser crash (fail={}:crash)",
            job.doc, job.doc
        );
    }
    let started = now_ms();
    // The content type was checked on the page, from the headers.
    let html = match bytes.and_then(|bytes| decode_document(bytes, None)) {
        Ok(html) => html,
        Err(error) => {
            return Some(WorkerReply::Failed {
                job,
                error,
                at_epoch_ms: epoch_ms(),
            })
        }
    };
    let decode_ms = now_ms() - started;
    let mut first = true;
    let (summary, slices_ms) = analyze_in_slices(&html, query, || {
        let yield_first = !std::mem::replace(&mut first, false);
        async move {
            if yield_first {
                next_message_task().await;
                if cancelled(job) {
                    return None;
                }
            }
            Some(WORKER_SLICE_MS)
        }
    })
    .await?;
    // This worker's own track in a DevTools recording.
    measure(
        &format!("parse doc {}", job.doc),
        started,
        now_ms(),
        "worker parses",
        Colour::Secondary,
    );
    Some(WorkerReply::Parsed {
        job,
        summary,
        end_epoch_ms: epoch_ms(),
        work_ms: decode_ms + slices_ms,
    })
}
