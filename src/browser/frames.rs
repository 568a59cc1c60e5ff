//! One requestAnimationFrame loop helper, for the heartbeat and the frame monitor.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::clock::now_ms;

type FrameCallback = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Calls a function on every animation frame until dropped.
pub struct FrameLoop {
    callback: FrameCallback,
    handle: Rc<Cell<Option<i32>>>,
}

fn request(callback: &FrameCallback, handle: &Cell<Option<i32>>) {
    if let (Some(window), Some(cb)) = (web_sys::window(), callback.borrow().as_ref()) {
        handle.set(
            window
                .request_animation_frame(cb.as_ref().unchecked_ref())
                .ok(),
        );
    }
}

impl FrameLoop {
    /// Starts the loop. `on_frame` gets `performance.now()` taken inside the callback:
    /// the timestamp rAF passes in is the frame's start, and it under-reports a gap
    /// by a frame or more.
    pub fn start(mut on_frame: impl FnMut(f64) + 'static) -> Self {
        let callback: FrameCallback = Rc::new(RefCell::new(None));
        let handle = Rc::new(Cell::new(None));
        let (next, next_handle) = (Rc::clone(&callback), Rc::clone(&handle));
        *callback.borrow_mut() = Some(Closure::new(move |_frame_start: f64| {
            // Ask for the next frame first, so a panic-free but slow `on_frame` does
            // not stop the loop.
            request(&next, &next_handle);
            on_frame(now_ms());
        }));
        request(&callback, &handle);
        Self { callback, handle }
    }
}

impl Drop for FrameLoop {
    fn drop(&mut self) {
        if let (Some(window), Some(handle)) = (web_sys::window(), self.handle.take()) {
            let _ = window.cancel_animation_frame(handle);
        }
        // Breaks the callback's reference to itself so it is freed.
        self.callback.borrow_mut().take();
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
