//! Thin browser glue: the clock, fetch, the worker pool, the latency simulators,
//! the run driver and controller, and `window.eventLoopLab`. Everything that decides
//! lives in [`crate::lab`]; this only talks to the browser.

pub mod api;
pub mod clock;
pub mod controller;
pub mod documents;
pub mod download;
pub mod driver;
pub mod embed;
pub mod fetch;
pub mod frames;
pub mod in_view;
pub mod location;
pub mod main_work;
pub mod measures;
pub mod monitor;
pub mod page_simulator;
pub mod pool;
pub mod service_worker;
pub mod slices;

use wasm_bindgen::{JsCast, JsValue};

/// What a thrown JS value says: an `Error`'s (or `DOMException`'s) message, or the
/// value itself if it is a string; otherwise `otherwise`.
///
/// NOTE: never `{:?}` of a `JsValue`: that brings wasm-bindgen's debug printer into the
/// download (about 1 KB), for values that are always errors here.
pub fn error_text(e: &JsValue, otherwise: &str) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| otherwise.into())
}
