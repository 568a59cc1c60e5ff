//! The one place that reads the clock (`performance.now()`, on the page or in a
//! worker) and sets time limits.
//!
//! `Date::now()` is never used: it is coarse wall-clock time that can jump.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use futures::channel::oneshot;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageChannel, MessageEvent, Performance};

thread_local! {
    static PERFORMANCE: Option<Performance> = js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| p.dyn_into::<Performance>().ok());
    static MESSAGES: Option<MessageTasks> = MessageTasks::new();
}

/// `performance.now()` in ms on this thread's clock (0.0 if the browser has no Performance).
pub fn now_ms() -> f64 {
    PERFORMANCE.with(|p| p.as_ref().map_or(0.0, Performance::now))
}

/// This thread's time origin, ms since the Unix epoch.
pub fn time_origin_ms() -> f64 {
    PERFORMANCE.with(|p| p.as_ref().map_or(0.0, Performance::time_origin))
}

/// A time that means the same on every thread: `timeOrigin + now()`.
pub fn epoch_ms() -> f64 {
    time_origin_ms() + now_ms()
}

/// Converts an [`epoch_ms`] value taken on another thread to this thread's `now_ms()`.
pub fn from_epoch_ms(epoch_ms: f64) -> f64 {
    epoch_ms - time_origin_ms()
}

/// `future` ran past its time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed;

/// Runs `future` for at most `timeout_ms` (a `setTimeout` on this thread's loop).
/// The one timeout helper of the app: fetches, worker start-up, the simulator.
pub async fn with_timeout<F: std::future::Future>(
    future: F,
    timeout_ms: u32,
) -> Result<F::Output, Elapsed> {
    use futures::future::{select, Either};
    let future = std::pin::pin!(future);
    match select(future, gloo_timers::future::TimeoutFuture::new(timeout_ms)).await {
        Either::Left((output, _)) => Ok(output),
        Either::Right(_) => Err(Elapsed),
    }
}

/// Waits for a new task of this thread's event loop (a `setTimeout(0)`), so the
/// browser can paint, handle input and deliver what it has queued in between.
///
/// NOTE: `.await` on a ready future, or on a resolved promise, does not do that: it
/// continues in the same task or in a microtask, and the browser renders and
/// dispatches input only between tasks, after the microtask queue is empty.
pub async fn next_task() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

/// Holds this thread for `ms` and returns when the hold began and ended. A busy wait:
/// the honest stand-in for a blocking call (`time.sleep`, `requests.get`) in code
/// that runs on an event loop, since a page has no blocking sleep.
pub fn hold_thread(ms: u32) -> (f64, f64) {
    // lesson:hold
    let from = now_ms();
    while now_ms() - from < f64::from(ms) {
        // Nothing else on this thread runs meanwhile: no frame, no input, no other
        // document's continuation.
    }
    // lesson:end
    (from, now_ms())
}

/// Waits for a new task at once: a message to itself through a `MessageChannel`, which,
/// unlike `setTimeout(0)` ([`next_task`]), is not clamped to 4 ms after five nested
/// calls. For a chain of short steps that must not idle between them: a worker's
/// slices, which read the page's messages in between, and the first-use rehearsal's
/// twelve draws. (`yield=timeout` keeps `setTimeout`: the lesson shows its clamp.)
pub async fn next_message_task() {
    let rx = MESSAGES.with(|m| {
        let m = m.as_ref()?;
        let (tx, rx) = oneshot::channel();
        m.waiting.borrow_mut().push_back(tx);
        m.channel.port2().post_message(&JsValue::NULL).ok()?;
        Some(rx)
    });
    match rx {
        Some(rx) => {
            let _ = rx.await;
        }
        None => next_task().await,
    }
}

/// The channel behind [`next_message_task`]: each message wakes the oldest waiter.
struct MessageTasks {
    channel: MessageChannel,
    waiting: Rc<RefCell<VecDeque<oneshot::Sender<()>>>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl MessageTasks {
    fn new() -> Option<Self> {
        let channel = MessageChannel::new().ok()?;
        let waiting = Rc::new(RefCell::new(VecDeque::<oneshot::Sender<()>>::new()));
        let wake = Rc::clone(&waiting);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |_| {
            if let Some(tx) = wake.borrow_mut().pop_front() {
                let _ = tx.send(());
            }
        });
        channel
            .port1()
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(Self {
            channel,
            waiting,
            _on_message: on_message,
        })
    }
}
