//! Starts the latency simulator: the service worker `static/sw.js`, which answers
//! `doc/<n>?latency_ms=…&size_kb=…` on the app's own origin after the simulated
//! server time. Registered relative to the page, so its scope is the app's own
//! folder and two apps on one site do not collide.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::clock::with_timeout;
use crate::lab::error::LabError;

/// How long a first visit may take to install and activate the service worker.
const READY_TIMEOUT_MS: u32 = 15_000;

fn js_error(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// Registers the simulator and resolves once it controls this page.
pub async fn start() -> Result<(), LabError> {
    let unavailable = |why: &str| LabError::Simulator(why.to_string());
    let window = web_sys::window().ok_or_else(|| unavailable("no window"))?;
    let navigator = window.navigator();
    // `serviceWorker` is missing outside secure contexts and in some private modes, and
    // reading it throws in a sandboxed frame without allow-same-origin: read it through
    // Reflect, which turns the exception into an error instead of a crash.
    let container = js_sys::Reflect::get(&navigator, &"serviceWorker".into())
        .map_err(|e| unavailable(&js_error(e)))?
        .dyn_into::<web_sys::ServiceWorkerContainer>()
        .map_err(|_| {
            unavailable("this page cannot use service workers (not a secure context, or disabled)")
        })?;
    let registration = container.register("./sw.js");
    JsFuture::from(registration)
        .await
        .map_err(|e| unavailable(&format!("registering sw.js failed: {}", js_error(e))))?;
    if container.controller().is_some() {
        return Ok(());
    }
    // First visit: sw.js calls clients.claim() on activate, which fires controllerchange.
    let (tx, rx) = futures::channel::oneshot::channel::<()>();
    let mut tx = Some(tx);
    let on_change = Closure::<dyn FnMut()>::new(move || {
        if let Some(tx) = tx.take() {
            let _ = tx.send(());
        }
    });
    container.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
    let outcome = if container.controller().is_some() {
        Ok(())
    } else {
        with_timeout(rx, READY_TIMEOUT_MS)
            .await
            .map(|_| ())
            .map_err(|_| unavailable("the service worker did not take control in time"))
    };
    container.set_oncontrollerchange(None);
    drop(on_change);
    outcome
}
