//! The parse worker: receives a document (a `Blob` handle), reads its bytes, runs
//! the heavy work on them and replies with a summary. It runs in a dedicated Web Worker, so its long synchronous
//! work never blocks the page's event loop.
//!
//! Worker loading (written down once, here): a pool worker is a *module* worker of
//! `./boot.js`, the same script that starts the page. boot.js loads the same
//! `app.js` + `app_bg.wasm` (one wasm module for the page and its workers, downloaded
//! and cached once), and the app's `main` sees that it runs in a worker and calls
//! [`start`] instead of rendering. The path is relative to the page's `<base>`, so it
//! works under any sub-path, and no `blob:` URL is made, so a strict CSP
//! (`worker-src 'self'`) allows it.

use std::cell::RefCell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use wasm_bindgen_futures::spawn_local;

use crate::browser::clock::{epoch_ms, now_ms};
use crate::browser::fetch::read_blob;
use crate::lab::error::LabError;
use crate::lab::work::{analyze, decode_document};
use crate::protocol::{WorkerReply, WorkerRequest, BODY_KEY, REQUEST_KEY};

type MessageHandler = Closure<dyn FnMut(MessageEvent)>;

thread_local! {
    /// The message handler, kept for the worker's whole life (the worker ends with it).
    static ON_MESSAGE: RefCell<Option<MessageHandler>> = const { RefCell::new(None) };
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
    let _ = scope.post_message(&JsValue::from_str(&reply.to_json()));
}

/// Runs when the page posts a job: read the body, decode, work, reply.
fn handle(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    let request = js_sys::Reflect::get(data, &REQUEST_KEY.into())
        .ok()
        .and_then(|r| r.as_string())
        .and_then(|text| serde_json::from_str::<WorkerRequest>(&text).ok());
    // Only the page posts here, and always a valid request: anything else is dropped.
    let Some(WorkerRequest::Work { job, query, crash }) = request else {
        return;
    };
    let body = js_sys::Reflect::get(data, &BODY_KEY.into())
        .ok()
        .and_then(|b| b.dyn_into::<web_sys::Blob>().ok());
    let scope = scope.clone();
    spawn_local(async move {
        // The bytes come out of the browser's blob storage on this thread, not the page's.
        let bytes = match body {
            Some(blob) => read_blob(&blob)
                .await
                .map(|buffer| js_sys::Uint8Array::new(buffer.as_ref()).to_vec()),
            None => Err(LabError::Worker("the job arrived without its body".into())),
        };
        let started = now_ms();
        post(
            &scope,
            &WorkerReply::Started {
                job,
                at_epoch_ms: epoch_ms(),
            },
        );
        if crash {
            // `fail=N:crash`: a parser bug, as the lesson shows it. With panic = "abort"
            // the wasm instance traps, the worker reports an uncaught error to the
            // page, and the pool replaces it.
            panic!(
                "doc {}: simulated parser crash (fail={}:crash)",
                job.doc, job.doc
            );
        }
        // The content type was checked on the page, from the headers.
        let reply = match bytes.and_then(|bytes| decode_document(bytes, None)) {
            Ok(html) => {
                let summary = analyze(&html, &query);
                WorkerReply::Parsed {
                    job,
                    summary,
                    end_epoch_ms: epoch_ms(),
                    work_ms: now_ms() - started,
                }
            }
            Err(error) => WorkerReply::Failed {
                job,
                error,
                at_epoch_ms: epoch_ms(),
            },
        };
        post(&scope, &reply);
    });
}
