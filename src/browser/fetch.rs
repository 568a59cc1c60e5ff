//! Fetching with the real `fetch` API on the page's event loop: a checked GET, and a
//! document's body as an `ArrayBuffer` (which a worker can take without a copy).

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, RequestInit, Response};

use super::clock::from_epoch_ms;
use crate::lab::error::LabError;
use crate::lab::work::check_content_type;

/// The response header in which both simulators stamp when they answered:
/// `performance.timeOrigin + performance.now()` on the simulator's clock, ms.
pub const ANSWERED_HEADER: &str = "x-answered-epoch-ms";

/// A fetched document, not decoded yet (decoding is part of the work).
pub struct Body {
    /// The bytes.
    pub buffer: js_sys::ArrayBuffer,
    /// When the server answered, on this thread's clock, if it said.
    pub answered_ms: Option<f64>,
}

impl Body {
    /// Its size in bytes (0 once the buffer was transferred to a worker).
    pub fn bytes(&self) -> u64 {
        u64::from(self.buffer.byte_length())
    }
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
    let answered_ms = headers
        .get(ANSWERED_HEADER)
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map(from_epoch_ms);
    let buffer = array_buffer(&response).await?;
    Ok(Body {
        buffer,
        answered_ms,
    })
}
