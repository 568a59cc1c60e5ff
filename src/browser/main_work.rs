//! The work on the main thread: in one go (`blocking`) or in slices with a real
//! yield between them (`sliced`). Decoding the body (a copy out of the buffer and the
//! UTF-8 check) is part of the work, as it is in a worker.

use super::clock::{next_task, now_ms};
use super::slices::analyze_in_slices;
use crate::lab::body::decode_document;
use crate::lab::error::LabError;
use crate::lab::work::{analyze, WorkSummary};

/// Main-thread time the `sliced` strategy spends before yielding, ms. Well under the
/// 50 ms long-task threshold, so a frame and input fit between slices.
pub const SLICE_MS: f64 = 8.0;

fn decode(buffer: &js_sys::ArrayBuffer) -> Result<String, LabError> {
    // The content type was checked on the page, from the headers.
    decode_document(js_sys::Uint8Array::new(buffer).to_vec(), None)
}

/// The naive way: one long synchronous call. Nothing else on the page runs until it
/// returns: no frame, no input, no other fetch's continuation.
pub fn work_blocking(buffer: &js_sys::ArrayBuffer, query: &str) -> Result<WorkSummary, LabError> {
    Ok(analyze(&decode(buffer)?, query))
}

/// The same work in slices of about [`SLICE_MS`], yielding to the event loop between
/// them. Returns the result and the time actually spent working (the sum of the
/// slices, without the yields). Dropping the future stops the work at its next slice.
pub async fn work_sliced(
    buffer: js_sys::ArrayBuffer,
    query: String,
) -> (Result<WorkSummary, LabError>, f64) {
    let started = now_ms();
    let html = match decode(&buffer) {
        Ok(html) => html,
        Err(error) => return (Err(error), now_ms() - started),
    };
    drop(buffer);
    let decode_ms = now_ms() - started;
    let yielded = analyze_in_slices(&html, &query, SLICE_MS, || async {
        yield_to_event_loop().await;
        true
    });
    match yielded.await {
        Some((summary, slices_ms)) => (Ok(summary), decode_ms + slices_ms),
        None => unreachable!("a yield never stops the work"),
    }
}

/// Lets the browser paint and handle input before continuing: a new task (see
/// [`next_task`]). We use `setTimeout(0)`, not `scheduler.yield()`: the latter
/// resumes ahead of rendering, and in Chromium 156 that let a frame through only about
/// every 110 ms during a sliced parse (measured by `scripts/bench.sh`), while
/// `setTimeout(0)` lets every due frame in, at the cost of the 4 ms clamp browsers put
/// on nested timeouts.
async fn yield_to_event_loop() {
    next_task().await;
}
