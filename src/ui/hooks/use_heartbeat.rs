//! The heartbeat: a requestAnimationFrame loop that moves a dot and counts frames.
//!
//! It writes to its DOM nodes directly instead of re-rendering through yew: it must
//! cost next to nothing, and it must be JavaScript-driven. NOTE: a CSS transform
//! animation would keep moving on the compositor thread while the main thread is
//! frozen and so hide exactly what this shows.

use web_sys::HtmlElement;
use yew::prelude::*;

use crate::browser::frames::FrameLoop;

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

/// Runs the loop while mounted. (The measuring is done by `browser::monitor`; this
/// only draws.)
#[hook]
pub fn use_heartbeat(refs: HeartbeatRefs) {
    use_effect_with(refs, move |refs| {
        let refs = refs.clone();
        let mut frames: u64 = 0;
        let frame_loop = FrameLoop::start(move |now| {
            frames += 1;
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
                el.set_text_content(Some(&frames.to_string()));
            }
        });
        move || drop(frame_loop)
    });
}
