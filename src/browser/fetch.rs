//! Fetching with the real `fetch` API on the page's event loop: a checked GET, and a
//! document's body as a `Blob`, refused as soon as it is known to be too large.
//!
//! NOTE: why a `Blob` and not an `ArrayBuffer`: `response.arrayBuffer()` pulls every
//! byte through the page's main thread. Measured here (6 documents of 3 MiB from the
//! service worker, nothing else running): the page's frames stalled up to 56 ms and
//! the last body was held 170–190 ms after the latency. `response.blob()` keeps the
//! bytes in the browser's blob storage and hands the page a handle: frame gaps stayed
//! at 20 ms and the bodies were held 70–90 ms after the latency (the simulator's own
//! spread of answers). A worker then reads the bytes on its own thread.
//!
//! NOTE: a body without a `Content-Length` is the exception. `response.blob()` would
//! take all of it before its size could be checked, however large, so such a body is
//! read with a stream reader and a running count instead, and stopped by the chunk that
//! passes the limit. Its chunks do cross the page's main thread (outside wasm memory);
//! they are then made into a `Blob`, so the worker still gets a handle.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, ReadableStreamDefaultReader, RequestInit, Response};

use super::clock::from_epoch_ms;
use crate::lab::body::{check_content_type, check_length, BodyCount};
use crate::lab::error::LabError;

/// The response header in which both simulators stamp when they answered:
/// `performance.timeOrigin + performance.now()` on the simulator's clock, ms.
pub const ANSWERED_HEADER: &str = "x-answered-epoch-ms";
/// The header in which they stamp, with `connections=6`, when the request got a free
/// connection (same clock).
pub const CONNECTED_HEADER: &str = "x-connected-epoch-ms";

/// A fetched document, not decoded yet (decoding is part of the work).
pub struct Body {
    /// The bytes, as a handle: they have not crossed the page's main thread.
    pub blob: web_sys::Blob,
    /// When the server answered, on this thread's clock, if it said.
    pub answered_ms: Option<f64>,
    /// When the server took the request up on a free connection, if it said.
    pub connected_ms: Option<f64>,
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
    LabError::Network(super::error_text(&e, "the request failed"))
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

/// Fetches a document (see [`receive`]). The caller sets the time limit and aborts
/// the request through `signal`, also when this refuses the body.
pub async fn fetch_document(url: &str, signal: &AbortSignal) -> Result<Body, LabError> {
    receive(get(url, Some(signal)).await?).await
}

/// Takes a document from a checked response: the content type is checked from the
/// headers before the body is read, and the size from the `Content-Length` before the
/// body is read or, without one, while it streams in.
pub async fn receive(response: Response) -> Result<Body, LabError> {
    let headers = response.headers();
    check_content_type(headers.get("content-type").ok().flatten().as_deref())?;
    let length = headers
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|l| l.trim().parse::<u64>().ok());
    check_length(length)?;
    let stamp = |name: &str| {
        headers
            .get(name)
            .ok()
            .flatten()
            // JS's own parser: `f64::from_str` would bring its ~12 KB table into the module.
            .map(|v| js_sys::parse_float(&v))
            .filter(|v| v.is_finite())
            .map(from_epoch_ms)
    };
    let (answered_ms, connected_ms) = (stamp(ANSWERED_HEADER), stamp(CONNECTED_HEADER));
    let blob = match length {
        Some(_) => {
            let promise = response.blob().map_err(network_error)?;
            JsFuture::from(promise)
                .await
                .map_err(network_error)?
                .dyn_into()
                .map_err(network_error)?
        }
        None => read_counted(&response).await?,
    };
    let blob: web_sys::Blob = blob;
    // The announced length could be wrong; the blob's size is the truth, still known
    // before a byte of it is in the page's memory.
    check_length(Some(blob.size() as u64))?;
    Ok(Body {
        blob,
        answered_ms,
        connected_ms,
    })
}

/// Reads a body of unknown size chunk by chunk, counting, and cancels it with the chunk
/// that passes the limit (the caller then aborts the request too). The chunks become
/// one `Blob`.
async fn read_counted(response: &Response) -> Result<web_sys::Blob, LabError> {
    let chunks = js_sys::Array::new();
    if let Some(stream) = response.body() {
        let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
        let mut count = BodyCount::default();
        loop {
            let step = JsFuture::from(reader.read()).await.map_err(network_error)?;
            let done = js_sys::Reflect::get(&step, &"done".into())
                .ok()
                .and_then(|d| d.as_bool())
                .unwrap_or(true);
            if done {
                break;
            }
            let chunk: js_sys::Uint8Array = js_sys::Reflect::get(&step, &"value".into())
                .map_err(network_error)?
                .dyn_into()
                .map_err(network_error)?;
            if let Err(too_large) = count.add(chunk.length() as usize) {
                // Stops the stream at its source; the rest is never sent.
                let _ = reader.cancel();
                return Err(too_large);
            }
            chunks.push(&chunk);
        }
    }
    web_sys::Blob::new_with_u8_array_sequence(&chunks)
        .map_err(|_| LabError::Network("could not keep the body's chunks as a Blob".into()))
}
