//! The heartbeat: a requestAnimationFrame loop that draws a moving dot and counts
//! frames.
//!
//! It writes to its DOM nodes directly instead of re-rendering through yew: it must
//! cost next to nothing, and it must be JavaScript-driven. NOTE: a CSS animation (or a
//! CSS transition, or the Web Animations API) would keep moving on the compositor
//! thread while the main thread is frozen and so hide exactly what this shows. So
//! JavaScript draws the dot on every frame, and the dot stops exactly when the main
//! thread is blocked.
//!
//! NOTE: the dot is drawn on a `<canvas>`, not moved by `transform`. Measured here
//! (Chrome trace, top-level main-thread tasks over 2 s of an idle page after a run of
//! 32 documents): the page with no dot at all 5.5 %, a dot drawn on a canvas 8.1-9.0 %,
//! the dot moved by `transform` on its own layer 11.6 %. A transform change made the
//! browser recompute style, walk the property trees and re-layerize the whole page on
//! every frame, and that grows with everything else on the page; a canvas only
//! repaints itself.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlElement};
use yew::prelude::*;

use crate::browser::frames::FrameLoop;

/// Distance the dot travels per second, as a fraction of its track.
const LAPS_PER_SECOND: f64 = 0.5;
/// How often the frame counter's text is rewritten, ms: often enough to see it stop in
/// a freeze, rarely enough that its text costs nothing (new text is laid out and
/// painted; on every frame that was most of the heartbeat's cost).
const COUNTER_EVERY_MS: f64 = 200.0;
/// How often the canvas's size and the dot's colour are read again, in frames. Reading
/// them in a frame whose DOM has just changed makes the browser lay out and compute
/// style at that moment; twice a second a resize or a theme switch still shows at once
/// to the eye.
const LOOK_AGAIN_EVERY_FRAMES: u64 = 30;
/// The dot's radius and its margin inside the track, CSS px.
const DOT_RADIUS: f64 = 8.0;
const DOT_MARGIN: f64 = 2.0;

/// The nodes the heartbeat writes to.
#[derive(Clone, Default, PartialEq)]
pub struct HeartbeatRefs {
    /// The canvas the dot is drawn on.
    pub dot: NodeRef,
    /// Text: frames so far.
    pub frames: NodeRef,
}

/// The dot's canvas, its 2D context, and what was last read of its size and colour.
struct DotCanvas {
    canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
    /// CSS px of the canvas's box, and device pixels per CSS px.
    css_size: (f64, f64),
    scale: f64,
}

impl DotCanvas {
    fn new(node: &NodeRef) -> Option<Self> {
        let canvas = node.cast::<HtmlCanvasElement>()?;
        let context = canvas
            .get_context("2d")
            .ok()??
            .dyn_into::<CanvasRenderingContext2d>()
            .ok()?;
        Some(Self {
            canvas,
            context,
            css_size: (0.0, 0.0),
            scale: 1.0,
        })
    }

    /// Reads the canvas's size and the dot's colour (its CSS `color`, so the theme and
    /// forced colours reach it), and sizes the bitmap to the box in device pixels.
    fn look(&mut self) {
        let scale = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        let css_size = (
            f64::from(self.canvas.client_width()),
            f64::from(self.canvas.client_height()),
        );
        if css_size != self.css_size || scale != self.scale {
            self.css_size = css_size;
            self.scale = scale;
            // Setting the bitmap's size clears it and resets the context's state.
            self.canvas.set_width((css_size.0 * scale).round() as u32);
            self.canvas.set_height((css_size.1 * scale).round() as u32);
        }
        let colour = web_sys::window()
            .and_then(|w| w.get_computed_style(&self.canvas).ok().flatten())
            .and_then(|s| s.get_property_value("color").ok())
            .unwrap_or_default();
        self.context.set_fill_style_str(&colour);
    }

    /// Draws the dot at `x`, 0 to 1 along its rail.
    fn draw(&self, x: f64) {
        let (width, height) = self.css_size;
        if width <= 0.0 {
            // Hidden (reduced motion hides the track): nothing to draw.
            return;
        }
        let s = self.scale;
        self.context.clear_rect(0.0, 0.0, width * s, height * s);
        let rail = (width - 2.0 * (DOT_MARGIN + DOT_RADIUS)).max(0.0);
        let cx = DOT_MARGIN + DOT_RADIUS + x * rail;
        self.context.begin_path();
        let _ = self.context.arc(
            cx * s,
            height / 2.0 * s,
            DOT_RADIUS * s,
            0.0,
            std::f64::consts::TAU,
        );
        self.context.fill();
    }
}

/// Runs the loop while mounted. (The measuring is done by `browser::monitor`; this
/// only draws.)
#[hook]
pub fn use_heartbeat(refs: HeartbeatRefs) {
    use_effect_with(refs, move |refs| {
        let refs = refs.clone();
        let mut frames: u64 = 0;
        let mut counter_written_ms = f64::NEG_INFINITY;
        let mut dot = DotCanvas::new(&refs.dot);
        let frame_loop = FrameLoop::start(move |now| {
            if let Some(dot) = &mut dot {
                if frames % LOOK_AGAIN_EVERY_FRAMES == 0 {
                    dot.look();
                }
                let lap = (now / 1000.0 * LAPS_PER_SECOND).fract();
                // Back and forth across the track: 0 → 1 → 0 of the dot's rail.
                dot.draw(1.0 - (2.0 * lap - 1.0).abs());
            }
            frames += 1;
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
