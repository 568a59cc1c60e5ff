//! The work on the main thread: in one go (`blocking`) or in slices that give the
//! event loop back between them (`sliced`), in the four ways of [`YieldKind`].
//! Decoding the body (a copy out of the buffer and the UTF-8 check) is part of the
//! work, as it is in a worker.
//!
//! Measured on the default scenario (6 × 3 MiB, one document sliced at a time) in
//! headless Chromium 156 on this project's 2-core machine, by `scripts/bench.sh`:
//! - `frame`: slices fill each frame up to 2 ms before the next one is due: 0 % slow
//!   frames (gaps over two frames), longest gap 27 ms, no long task, 1.28× the
//!   blocking total;
//! - `timeout`: `setTimeout(0)` after ~8 ms slices: 0 % slow frames here too, gaps up
//!   to 32 ms, 1.36×; its slices do not know when a frame is due. (With six documents
//!   sliced at once, the earlier build saw 56 % slow frames and gaps up to 84 ms.)
//! - `scheduler`: `scheduler.yield()` resumes ahead of rendering: 35 % slow frames,
//!   gaps of ~115 ms, 1.03×;
//! - `microtask`: a resolved promise between slices continues before the browser gets
//!   control back: one long task of ~500 ms per document, as in `blocking`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::clock::{next_task, now_ms, with_timeout};
use super::frames::next_frame;
use super::slices::analyze_in_slices;
use crate::lab::body::decode_document;
use crate::lab::error::LabError;
use crate::lab::scenario::YieldKind;
use crate::lab::work::{analyze, WorkSummary};

/// Main-thread slice length for the `timeout`, `scheduler` and `microtask` kinds, ms.
/// Well under the 50 ms long-task threshold, so a frame and input fit between slices
/// when the yield lets them. (A worker's slices are longer, see `WORKER_SLICE_MS` in
/// `worker.rs`: it has no frames to keep, only a cancel to hear.)
pub const MAIN_SLICE_MS: f64 = 8.0;
/// How early a `frame` slice stops before the next frame is due, ms: room for the
/// frame's own callbacks, style, layout and paint.
const FRAME_MARGIN_MS: f64 = 2.0;
/// The shortest `frame` slice, ms, so the work moves on even in a busy frame.
const MIN_FRAME_SLICE_MS: f64 = 2.0;
/// How long `frame` waits for a frame before it works anyway (a hidden page draws
/// none), ms.
const FRAME_WAIT_MS: u32 = 100;

fn decode(buffer: &js_sys::ArrayBuffer) -> Result<String, LabError> {
    // The content type was checked on the page, from the headers.
    decode_document(js_sys::Uint8Array::new(buffer).to_vec(), None)
}

/// The naive way: one long synchronous call. Nothing else on the page runs until it
/// returns: no frame, no input, no other fetch's continuation.
pub fn work_blocking(buffer: &js_sys::ArrayBuffer, query: &str) -> Result<WorkSummary, LabError> {
    Ok(analyze(&decode(buffer)?, query))
}

/// Whether this browser has `scheduler.yield()`.
pub fn has_scheduler_yield() -> bool {
    scheduler_yield_fn().is_some()
}

fn scheduler_yield_fn() -> Option<(JsValue, js_sys::Function)> {
    let scheduler = js_sys::Reflect::get(&js_sys::global(), &"scheduler".into()).ok()?;
    let function = js_sys::Reflect::get(&scheduler, &"yield".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    Some((scheduler, function))
}

/// Gives the loop back the way `kind` says, and returns how long the next slice may
/// run, ms.
async fn yield_by(kind: YieldKind, clock: &std::cell::RefCell<FrameClock>) -> f64 {
    // lesson:yield
    match kind {
        // Wait for the next frame, then for the task after it: the slice fills what is
        // left of that frame.
        YieldKind::Frame => return frame_slice(clock).await,
        // `scheduler.yield()` where the browser has it; `timeout` otherwise (the run
        // raised a notice).
        YieldKind::Scheduler => {
            let promise = scheduler_yield_fn()
                .and_then(|(scheduler, f)| f.call0(&scheduler).ok())
                .and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
            match promise {
                Some(promise) => {
                    let _ = JsFuture::from(promise).await;
                }
                None => next_task().await,
            }
        }
        // NOTE: the trap. This looks like a yield, but a resolved promise continues in
        // a microtask, and the browser runs every microtask before it draws a frame or
        // handles input: the document is one long task, as in `blocking`.
        YieldKind::Microtask => {
            let _ = JsFuture::from(js_sys::Promise::resolve(&JsValue::UNDEFINED)).await;
        }
        // A new task (`setTimeout(0)`): the browser may draw and handle input first.
        YieldKind::Timeout => next_task().await,
    }
    // lesson:end
    MAIN_SLICE_MS
}

/// Frame timing seen by the `frame` kind: the frame interval is measured, not assumed.
struct FrameClock {
    last_frame_ms: Option<f64>,
    /// The latest intervals between frames, ms.
    recent: std::collections::VecDeque<f64>,
}

/// How many intervals [`FrameClock`] remembers.
const FRAME_HISTORY: usize = 16;

impl FrameClock {
    fn new() -> Self {
        Self {
            last_frame_ms: None,
            recent: std::collections::VecDeque::with_capacity(FRAME_HISTORY),
        }
    }

    /// The display's frame interval: the shortest recent one (a longer one had a frame
    /// missed; using it would make the slices longer and miss more). 60 Hz until a
    /// frame was seen.
    fn interval_ms(&self) -> f64 {
        self.recent
            .iter()
            .copied()
            .fold(None, |min: Option<f64>, d| {
                Some(min.map_or(d, |m| m.min(d)))
            })
            .unwrap_or(1000.0 / 60.0)
    }

    /// A frame started at `frame_ms`: records it, and returns when this frame's work
    /// should stop so the next frame is drawn on time.
    fn deadline_after(&mut self, frame_ms: f64) -> f64 {
        if let Some(last) = self.last_frame_ms {
            // Under 4 ms is two callbacks of one frame, not a display's interval.
            let delta = frame_ms - last;
            if delta >= 4.0 {
                if self.recent.len() == FRAME_HISTORY {
                    self.recent.pop_front();
                }
                self.recent.push_back(delta);
            }
        }
        self.last_frame_ms = Some(frame_ms);
        frame_ms + self.interval_ms() - FRAME_MARGIN_MS
    }
}

/// For the `frame` kind: waits for the next frame, then for the task after it (the
/// frame is drawn by then), and returns how long the slice may run.
async fn frame_slice(clock: &std::cell::RefCell<FrameClock>) -> f64 {
    let frame = with_timeout(next_frame(), FRAME_WAIT_MS)
        .await
        .ok()
        .flatten();
    let deadline = frame.map(|frame_ms| clock.borrow_mut().deadline_after(frame_ms));
    next_task().await;
    // No frame came (a hidden page): work in plain slices.
    deadline.map_or(MAIN_SLICE_MS, |d| (d - now_ms()).max(MIN_FRAME_SLICE_MS))
}

/// What a sliced parse came to: its result, the time actually spent working (the sum
/// of the slices, without the yields), and each stretch it held the main thread
/// (`(start, end)`, ms: the decoding and every slice).
pub struct SlicedWork {
    /// What the work found, or why it failed.
    pub result: Result<WorkSummary, LabError>,
    /// The sum of the slices, ms.
    pub work_ms: f64,
    /// Each stretch on the main thread, in order.
    pub slices: Vec<(f64, f64)>,
}

/// The same work in slices that give the loop back as `kind` says. Dropping the future
/// stops the work at its next slice.
pub async fn work_sliced(
    buffer: js_sys::ArrayBuffer,
    query: String,
    kind: YieldKind,
) -> SlicedWork {
    let started = now_ms();
    let html = match decode(&buffer) {
        Ok(html) => html,
        Err(error) => {
            let now = now_ms();
            return SlicedWork {
                result: Err(error),
                work_ms: now - started,
                slices: vec![(started, now)],
            };
        }
    };
    drop(buffer);
    let decoded = now_ms();
    let clock = Rc::new(RefCell::new(FrameClock::new()));
    // When the work last took the thread back; each call for a budget ends a slice.
    let resumed = Rc::new(Cell::new(decoded));
    let slices = Rc::new(RefCell::new(vec![(started, decoded)]));
    let mut first = true;
    let sliced = analyze_in_slices(&html, &query, || {
        let yield_first = !std::mem::replace(&mut first, false);
        let (clock, resumed) = (Rc::clone(&clock), Rc::clone(&resumed));
        slices.borrow_mut().push((resumed.get(), now_ms()));
        async move {
            // A frame slice waits for its frame even before the first slice.
            let budget = if yield_first || kind == YieldKind::Frame {
                yield_by(kind, &clock).await
            } else {
                MAIN_SLICE_MS
            };
            resumed.set(now_ms());
            Some(budget)
        }
    });
    let Some((summary, slices_ms)) = sliced.await else {
        unreachable!("a yield never stops the work")
    };
    let mut slices = slices.take();
    slices.push((resumed.get(), now_ms()));
    slices.retain(|(from, to)| to > from);
    SlicedWork {
        result: Ok(summary),
        work_ms: (decoded - started) + slices_ms,
        slices,
    }
}
