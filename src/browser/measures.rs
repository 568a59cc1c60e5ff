//! The app's own steps as `performance.measure` entries, so they appear in a DevTools
//! recording, each on the thread that did it: the page measures each document's
//! segments when it ends (waits, queues, main-thread parses); a worker measures its
//! own parses.
//!
//! They carry DevTools' extensibility data (`detail.devtools`, `dataType:
//! "track-entry"`), so the Performance panel shows them as custom tracks in a group
//! named "Event Loop Lab". NOTE: web-sys has `PerformanceMeasureOptions` only behind
//! `web_sys_unstable_apis`, which also changes what `mark`/`measure` return; a call
//! through `Reflect` with a plain options object is smaller and needs no flag.

use wasm_bindgen::{JsCast, JsValue};

use crate::lab::activity::{segments, Activity};
use crate::lab::report::{RunLog, MAIN_THREAD};

/// The track group every measure goes to.
const TRACK_GROUP: &str = "Event Loop Lab";

/// A colour from DevTools' palette for custom tracks.
#[derive(Debug, Clone, Copy)]
pub enum Colour {
    /// Waiting on the network.
    Primary,
    /// Waiting for a thread.
    Tertiary,
    /// Work.
    Secondary,
}

impl Colour {
    fn as_str(self) -> &'static str {
        match self {
            Colour::Primary => "primary",
            Colour::Secondary => "secondary",
            Colour::Tertiary => "tertiary",
        }
    }
}

fn set(object: &js_sys::Object, key: &str, value: &JsValue) -> Option<()> {
    js_sys::Reflect::set(object, &key.into(), value)
        .ok()
        .map(|_| ())
}

/// Records `name` from `start_ms` to `end_ms` (this thread's `performance.now()`) on
/// DevTools' custom track `track`. Does nothing where the browser cannot (no
/// Performance, or an older `measure` that rejects the options).
pub fn measure(name: &str, start_ms: f64, end_ms: f64, track: &str, colour: Colour) {
    let _ = try_measure(name, start_ms, end_ms.max(start_ms), track, colour);
}

fn try_measure(name: &str, start_ms: f64, end_ms: f64, track: &str, colour: Colour) -> Option<()> {
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).ok()?;
    let measure = js_sys::Reflect::get(&performance, &"measure".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let devtools = js_sys::Object::new();
    set(&devtools, "dataType", &"track-entry".into())?;
    set(&devtools, "track", &track.into())?;
    set(&devtools, "trackGroup", &TRACK_GROUP.into())?;
    set(&devtools, "color", &colour.as_str().into())?;
    let detail = js_sys::Object::new();
    set(&detail, "devtools", &devtools)?;
    let options = js_sys::Object::new();
    set(&options, "start", &start_ms.into())?;
    set(&options, "end", &end_ms.into())?;
    set(&options, "detail", &detail)?;
    measure
        .call2(&performance, &name.into(), &options)
        .ok()
        .map(|_| ())
}

/// The page's share of the DevTools tracks for document `doc`, once it has ended:
/// each of its segments (the one account in [`activity`](crate::lab::activity)), on
/// the document's own track or, for its parse and held wait, on the main thread's. A
/// worker measures its own parses.
pub fn measure_document(log: &RunLog, doc: u32) {
    let Some(d) = log.docs.iter().find(|d| d.id == doc) else {
        return;
    };
    for segment in segments(d, log.scenario.wait) {
        let Some(end) = segment.end_ms else { continue };
        let (track, colour) = match segment.activity {
            activity if activity.occupies_thread() => {
                if segment.thread.as_deref() != Some(MAIN_THREAD) {
                    continue;
                }
                ("main thread".to_string(), Colour::Secondary)
            }
            Activity::Queued => (format!("doc {doc}"), Colour::Tertiary),
            _ => (format!("doc {doc}"), Colour::Primary),
        };
        measure(&segment.name(doc), segment.start_ms, end, &track, colour);
    }
}
