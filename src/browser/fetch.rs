//! Fetching with the real `fetch` API on the page's event loop: a checked GET, and a
//! document's body as a `Blob`.
//!
//! NOTE: why a `Blob` and not an `ArrayBuffer`: `response.arrayBuffer()` pulls every
//! byte through the page's main thread. Measured here (6 documents of 3 MiB from the
//! service worker, nothing else running): the page's frames stalled up to 56 ms and
//! the last body was held 170–190 ms after the latency. `response.blob()` keeps the
//! bytes in the browser's blob storage and hands the page a handle: frame gaps stayed
//! at 20 ms and the bodies were held 70–90 ms after the latency (the simulator's own
//! spread of answers). A worker then reads the bytes on its own thread.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, RequestInit, Response};

use super::clock::from_epoch_ms;
use crate::lab::body::{check_content_type, check_length};
use crate::lab::error::LabError;

/// The response header in which both simulators stamp when they answered:
/// `performance.timeOrigin + performance.now()` on the simulator's clock, ms.
pub const ANSWERED_HEADER: &str = "x-answered-epoch-ms";

/// A fetched document, not decoded yet (decoding is part of the work).
pub struct Body {
    /// The bytes, as a handle: they have not crossed the page's main thread.
    pub blob: web_sys::Blob,
    /// When the server answered, on this thread's clock, if it said.
    pub answered_ms: Option<f64>,
}

impl Body {
    /// Its size in bytes.
    pub fn bytes(&self) -> u64 {
        self.blob.size() as u64
    }
}

/// Reads a blob's bytes into this thread's memory.
pub async fn read_blob(blob: &web_sys::Blob) -> Result<js_sys::ArrayBuffer, LabError> {
    JsFuture::from(blob.array_buffer())
        .await
        .map_err(network_error)?
        .dyn_into()
        .map_err(network_error)
}

fn network_error(e: JsValue) -> LabError {
    let text = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the request failed".into());
    LabError::Network(text)
}

/// A GET of `url` that succeeded with a 2xx status; other statuses are errors.
pub async fn get(url: &str, signal: Option<&AbortSignal>) -> Result<Response, LabError> {
    let window =
        web_sys::window().ok_or_else(|| LabError::Network("no window to fetch from".into()))?;
    let init = RequestInit::new();
    init.set_signal(signal);
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(network_error)?
        .dyn_into()
        .map_err(network_error)?;
    if !response.ok() {
        return Err(LabError::Status {
            status: response.status(),
            status_text: response.status_text(),
        });
    }
    Ok(response)
}

/// The body of a checked response as an `ArrayBuffer`.
pub async fn array_buffer(response: &Response) -> Result<js_sys::ArrayBuffer, LabError> {
    let promise = response.array_buffer().map_err(network_error)?;
    JsFuture::from(promise)
        .await
        .map_err(network_error)?
        .dyn_into()
        .map_err(network_error)
}

/// Fetches a document: the status and the content type are checked from the
/// headers before the body is read. The caller sets the time limit and aborts the
/// request through `signal`.
pub async fn fetch_document(url: &str, signal: &AbortSignal) -> Result<Body, LabError> {
    let response = get(url, Some(signal)).await?;
    let headers = response.headers();
    check_content_type(headers.get("content-type").ok().flatten().as_deref())?;
    let length = headers.get("content-length").ok().flatten();
    check_length(length.and_then(|l| l.trim().parse::<u64>().ok()))?;
    let answered_ms = headers
        .get(ANSWERED_HEADER)
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map(from_epoch_ms);
    let promise = response.blob().map_err(network_error)?;
    let blob = JsFuture::from(promise)
        .await
        .map_err(network_error)?
        .dyn_into()
        .map_err(network_error)?;
    let blob: web_sys::Blob = blob;
    // Without a Content-Length the size is known once the blob is whole, still before
    // a byte of it is in the page's memory.
    check_length(Some(blob.size() as u64))?;
    Ok(Body { blob, answered_ms })
}
