//! Fetching one document with the real `fetch` API, on the page or in a worker.

use futures::future::{select, Either};
use gloo_net::http::{Request, Response};
use gloo_timers::future::TimeoutFuture;
use web_sys::AbortController;

use super::simulated::simulated_document;
use crate::lab::error::LabError;
use crate::lab::work::decode_document;
use crate::protocol::DocSource;

/// A fetched, checked, decoded document.
pub struct Fetched {
    /// The HTML.
    pub html: String,
    /// Body size in bytes.
    pub bytes: u64,
}

/// A GET of `url` that succeeded with a 2xx status; other statuses are errors.
pub async fn get(url: &str, signal: Option<&web_sys::AbortSignal>) -> Result<Response, LabError> {
    let response = Request::get(url)
        .abort_signal(signal)
        .send()
        .await
        .map_err(|e| LabError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(LabError::Status {
            status: response.status(),
            status_text: response.status_text(),
        });
    }
    Ok(response)
}

/// Fetches `url` and checks the body (HTML, UTF-8, size limit). Gives up after
/// `timeout_ms`. The caller cancels the request with `abort.abort()`.
pub async fn fetch_document(
    url: &str,
    timeout_ms: u32,
    abort: &AbortController,
) -> Result<Fetched, LabError> {
    let request = async {
        let response = get(url, Some(&abort.signal())).await?;
        let content_type = response.headers().get("content-type");
        let body = response
            .binary()
            .await
            .map_err(|e| LabError::Network(e.to_string()))?;
        let bytes = body.len() as u64;
        let html = decode_document(body, content_type.as_deref())?;
        Ok(Fetched { html, bytes })
    };
    let timeout = TimeoutFuture::new(timeout_ms);
    futures::pin_mut!(request);
    match select(request, timeout).await {
        Either::Left((result, _)) => result,
        Either::Right(((), _)) => {
            abort.abort();
            Err(LabError::Timeout(timeout_ms))
        }
    }
}

/// Gets a document from wherever `source` says: a real fetch, or the in-page simulator.
pub async fn load_document(
    source: &DocSource,
    timeout_ms: u32,
    abort: &AbortController,
) -> Result<Fetched, LabError> {
    match source {
        DocSource::Url(url) => fetch_document(url, timeout_ms, abort).await,
        DocSource::Simulated(doc) => simulated_document(doc).await,
    }
}
