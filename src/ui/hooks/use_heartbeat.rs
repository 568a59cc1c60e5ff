//! The heartbeat: a requestAnimationFrame loop that moves a dot and counts frames.
//!
//! It writes to its DOM nodes directly instead of re-rendering through yew: it must
//! cost next to nothing, and it must be JavaScript-driven. NOTE: a CSS animation (or a
//! CSS transition) would keep moving on the compositor thread while the main thread is
//! frozen and so hide exactly what this shows. So JavaScript sets the dot's
//! `transform` on every frame: the dot stops exactly when the main thread is blocked,
//! and a transform on the dot's own layer needs no layout and no repaint.

use web_sys::HtmlElement;
use yew::prelude::*;

use crate::browser::frames::FrameLoop;

/// Distance the dot travels per second, as a fraction of its track.
const LAPS_PER_SECOND: f64 = 0.5;
/// How often the frame counter's text is rewritten, ms: often enough to see it stop in
/// a freeze, rarely enough that its text costs nothing (new text is laid out and
/// painted; on every frame that was most of the heartbeat's cost).
const COUNTER_EVERY_MS: f64 = 200.0;

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
        let mut counter_written_ms = f64::NEG_INFINITY;
        let frame_loop = FrameLoop::start(move |now| {
            frames += 1;
            if let Some(dot) = refs.dot.cast::<HtmlElement>() {
                let lap = (now / 1000.0 * LAPS_PER_SECOND).fract();
                // Back and forth across the track: 0 → 1 → 0 of the dot's rail.
                let x = 1.0 - (2.0 * lap - 1.0).abs();
                let _ = dot
                    .style()
                    .set_property("transform", &format!("translateX({:.1}%)", x * 100.0));
            }
            if now - counter_written_ms >= COUNTER_EVERY_MS {
                counter_written_ms = now;
                if let Some(el) = refs.frames.cast::<HtmlElement>() {
                    el.set_text_content(Some(&frames.to_string()));
                }
            }
        });
        move || drop(frame_loop)
    });
}
