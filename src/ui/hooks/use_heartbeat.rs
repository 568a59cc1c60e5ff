//! The heartbeat: a requestAnimationFrame loop that moves a dot and counts frames.
//!
//! It writes to its DOM nodes directly instead of re-rendering through yew: it must
//! cost next to nothing, and it must be JavaScript-driven. NOTE: a CSS transform
//! animation would keep moving on the compositor thread while the main thread is
//! frozen and so hide exactly what this shows.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::browser::clock::now_ms;

/// Distance the dot travels per second, as a fraction of its track.
const LAPS_PER_SECOND: f64 = 0.5;

/// The nodes the heartbeat writes to.
#[derive(Clone, Default, PartialEq)]
pub struct HeartbeatRefs {
    /// The moving dot.
    pub dot: NodeRef,
    /// Text: frames so far.
    pub frames: NodeRef,
}

/// The rAF callback, shared with itself so it can ask for the next frame.
type FrameCallback = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

#[derive(Default)]
struct Beat {
    frames: u64,
    handle: Option<i32>,
}

/// Runs the loop while mounted. (The measuring is done by `browser::monitor`; this
/// only draws.)
#[hook]
pub fn use_heartbeat(refs: HeartbeatRefs) {
    let beat = use_mut_ref(Beat::default);
    use_effect_with(refs, move |refs| {
        let refs = refs.clone();
        let frame: FrameCallback = Rc::new(RefCell::new(None));
        let next = frame.clone();
        let loop_beat = beat.clone();
        *frame.borrow_mut() = Some(Closure::new(move |_frame_start: f64| {
            let now = now_ms();
            let mut b = loop_beat.borrow_mut();
            b.frames += 1;
            if let Some(dot) = refs.dot.cast::<HtmlElement>() {
                let lap = (now / 1000.0 * LAPS_PER_SECOND).fract();
                // Back and forth across the track: 0 → 1 → 0.
                let x = 1.0 - (2.0 * lap - 1.0).abs();
                let _ = dot.style().set_property(
                    "left",
                    &format!("calc({:.2}% - {:.2}em)", x * 100.0, x * 1.0),
                );
            }
            if let Some(el) = refs.frames.cast::<HtmlElement>() {
                el.set_text_content(Some(&b.frames.to_string()));
            }
            if let (Some(window), Some(cb)) = (web_sys::window(), next.borrow().as_ref()) {
                b.handle = window
                    .request_animation_frame(cb.as_ref().unchecked_ref())
                    .ok();
            }
        }));
        if let (Some(window), Some(cb)) = (web_sys::window(), frame.borrow().as_ref()) {
            beat.borrow_mut().handle = window
                .request_animation_frame(cb.as_ref().unchecked_ref())
                .ok();
        }
        move || {
            if let (Some(window), Some(handle)) =
                (web_sys::window(), beat.borrow_mut().handle.take())
            {
                let _ = window.cancel_animation_frame(handle);
            }
            // Breaks the closure's reference to itself so it is freed.
            frame.borrow_mut().take();
        }
    });
}
