//! The app's own steps as `performance.measure` entries, so they appear in a DevTools
//! recording, each on the thread that did it: the page measures fetches, queues and
//! main-thread parses; a worker measures its own parses.
//!
//! They carry DevTools' extensibility data (`detail.devtools`, `dataType:
//! "track-entry"`), so the Performance panel shows them as custom tracks in a group
//! named "Event Loop Lab". NOTE: web-sys has `PerformanceMeasureOptions` only behind
//! `web_sys_unstable_apis`, which also changes what `mark`/`measure` return; a call
//! through `Reflect` with a plain options object is smaller and needs no flag.

use wasm_bindgen::{JsCast, JsValue};

use crate::lab::report::{RunEvent, RunLog, MAIN_THREAD};

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

/// The page's share of the DevTools tracks: each document's wait and queue, and the
/// parses on the main thread (a worker measures its own).
pub fn measure_step(log: &RunLog, event: &RunEvent) {
    let doc_of = |id: u32| log.docs.iter().find(|d| d.id == id);
    match event {
        RunEvent::Fetched { doc, at_ms, .. } => {
            if let Some(start) = doc_of(*doc).and_then(|d| d.fetch_start_ms) {
                let name = format!("doc {doc}: waiting for the server");
                measure(&name, start, *at_ms, &format!("doc {doc}"), Colour::Primary);
            }
        }
        RunEvent::ParseStarted { doc, at_ms, .. } => {
            if let Some(fetched) = doc_of(*doc).and_then(|d| d.fetch_end_ms) {
                let name = format!("doc {doc}: queued for a thread");
                measure(
                    &name,
                    fetched,
                    *at_ms,
                    &format!("doc {doc}"),
                    Colour::Tertiary,
                );
            }
        }
        RunEvent::Parsed { doc, at_ms, .. } => {
            let on_main = doc_of(*doc).filter(|d| d.thread.as_deref() == Some(MAIN_THREAD));
            if let Some(start) = on_main.and_then(|d| d.parse_start_ms) {
                let name = format!("parse doc {doc}");
                measure(&name, start, *at_ms, "main thread", Colour::Secondary);
            }
        }
        _ => {}
    }
}
