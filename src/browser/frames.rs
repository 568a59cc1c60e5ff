//! One requestAnimationFrame loop helper, for the heartbeat and the frame monitor.

use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::clock::now_ms;

type Subscriber = Rc<RefCell<dyn FnMut(f64)>>;

/// The page's one requestAnimationFrame loop, shared by every [`FrameLoop`].
///
/// NOTE: one loop, not one per user: each `requestAnimationFrame` call and each entry
/// from the browser into the module has a cost on every frame of the page's life
/// (the heartbeat and the monitor had a loop each: 0.13 ms a frame in calls to
/// `requestAnimationFrame` alone, in a CPU profile of a worker run).
#[derive(Default)]
struct SharedLoop {
    subscribers: RefCell<Vec<(u64, Subscriber)>>,
    next_id: Cell<u64>,
    handle: Cell<Option<i32>>,
    callback: OnceCell<Closure<dyn FnMut(f64)>>,
}

thread_local! {
    static SHARED: SharedLoop = SharedLoop::default();
}

impl SharedLoop {
    fn request(&self) {
        if self.handle.get().is_some() {
            return;
        }
        let callback = self
            .callback
            .get_or_init(|| Closure::new(|_frame_start: f64| SHARED.with(SharedLoop::frame)));
        if let Some(window) = web_sys::window() {
            self.handle.set(
                window
                    .request_animation_frame(callback.as_ref().unchecked_ref())
                    .ok(),
            );
        }
    }

    fn frame(&self) {
        self.handle.set(None);
        // Ask for the next frame first, so a slow subscriber does not stop the loop.
        if !self.subscribers.borrow().is_empty() {
            self.request();
        }
        let now = now_ms();
        let ids: Vec<u64> = self
            .subscribers
            .borrow()
            .iter()
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            // Looked up again: a subscriber may have been dropped by an earlier one.
            let subscriber = self
                .subscribers
                .borrow()
                .iter()
                .find(|(other, _)| *other == id)
                .map(|(_, s)| Rc::clone(s));
            if let Some(subscriber) = subscriber {
                (subscriber.borrow_mut())(now);
            }
        }
    }

    fn subscribe(&self, subscriber: Subscriber) -> u64 {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        self.subscribers.borrow_mut().push((id, subscriber));
        self.request();
        id
    }

    fn unsubscribe(&self, id: u64) {
        let mut subscribers = self.subscribers.borrow_mut();
        subscribers.retain(|(other, _)| *other != id);
        if subscribers.is_empty() {
            if let (Some(window), Some(handle)) = (web_sys::window(), self.handle.take()) {
                let _ = window.cancel_animation_frame(handle);
            }
        }
    }
}

/// Calls a function on every animation frame until dropped.
pub struct FrameLoop {
    id: u64,
}

impl FrameLoop {
    /// Starts the loop. `on_frame` gets `performance.now()` taken inside the callback:
    /// the timestamp rAF passes in is the frame's start, and it under-reports a gap
    /// by a frame or more. Loops started earlier are called first in each frame.
    pub fn start(on_frame: impl FnMut(f64) + 'static) -> Self {
        let id = SHARED.with(|shared| shared.subscribe(Rc::new(RefCell::new(on_frame))));
        Self { id }
    }
}

impl Drop for FrameLoop {
    fn drop(&mut self) {
        SHARED.with(|shared| shared.unsubscribe(self.id));
    }
}

/// A pending `requestAnimationFrame`; dropping it cancels the request, so a dropped
/// future never leaves the browser calling a freed callback.
struct FrameRequest {
    handle: Option<i32>,
    _callback: Closure<dyn FnMut(f64)>,
}

impl Drop for FrameRequest {
    fn drop(&mut self) {
        if let (Some(window), Some(handle)) = (web_sys::window(), self.handle) {
            let _ = window.cancel_animation_frame(handle);
        }
    }
}

/// Resolves inside the next animation frame's callback with `performance.now()` taken
/// there, or with `None` when the browser draws no frame (a hidden page).
pub async fn next_frame() -> Option<f64> {
    let (tx, rx) = futures::channel::oneshot::channel();
    let mut tx = Some(tx);
    let callback = Closure::<dyn FnMut(f64)>::new(move |_| {
        if let Some(tx) = tx.take() {
            let _ = tx.send(now_ms());
        }
    });
    let handle = web_sys::window()?
        .request_animation_frame(callback.as_ref().unchecked_ref())
        .ok();
    let _request = FrameRequest {
        handle,
        _callback: callback,
    };
    rx.await.ok()
}
