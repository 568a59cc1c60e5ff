//! Starts the latency simulator: the service worker `static/sw.js`, which answers
//! `doc/<n>?latency_ms=…&size_kb=…` on the app's own origin after the simulated
//! server time. Registered relative to the page, so its scope is the app's own
//! folder and two apps on one site do not collide.
//!
//! NOTE: sw.js takes over at once (`skipWaiting`, `clients.claim`), so after a deploy
//! a page can meet the simulator of another deploy until the update lands, one that
//! would ignore parameters it does not know (`connections`). Each simulator names its
//! protocol version; a page that meets another asks for the update and waits for it,
//! and else uses the in-page simulator, with the notice saying why. It never runs with
//! a simulator that would silently ignore part of the scenario.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::clock::with_timeout;
use crate::lab::error::LabError;
use crate::lab::page::SIMULATOR_PROTOCOL;

/// How long a first visit may take to install and activate the service worker.
const READY_TIMEOUT_MS: u32 = 15_000;
/// How long a page waits for the update of another deploy's simulator to take over.
const UPDATE_TIMEOUT_MS: u32 = 5_000;
/// The header in which the simulator names its protocol version.
const PROTOCOL_HEADER: &str = "x-lab-simulator";

/// Registers the simulator and resolves once it controls this page.
pub async fn start() -> Result<(), LabError> {
    let unavailable = |why: &str| LabError::Simulator(why.to_string());
    let window = web_sys::window().ok_or_else(|| unavailable("no window"))?;
    let navigator = window.navigator();
    // `serviceWorker` is missing outside secure contexts and in some private modes, and
    // reading it throws in a sandboxed frame without allow-same-origin: read it through
    // Reflect, which turns the exception into an error instead of a crash.
    let container = js_sys::Reflect::get(&navigator, &"serviceWorker".into())
        .map_err(|e| unavailable(&super::error_text(&e, "unknown error")))?
        .dyn_into::<web_sys::ServiceWorkerContainer>()
        .map_err(|_| {
            unavailable("this page cannot use service workers (not a secure context, or disabled)")
        })?;
    let registration: web_sys::ServiceWorkerRegistration =
        JsFuture::from(container.register("./sw.js"))
            .await
            .map_err(|e| {
                unavailable(&format!(
                    "registering sw.js failed: {}",
                    super::error_text(&e, "unknown error")
                ))
            })?
            .unchecked_into();
    // A first visit: sw.js calls clients.claim() on activate (controllerchange).
    controller_change(&container, true, READY_TIMEOUT_MS).await?;
    if protocol(&window).await == Some(SIMULATOR_PROTOCOL) {
        return Ok(());
    }
    // Another deploy's simulator: ask for ours and wait for it to take over.
    let _ = registration.update();
    let _ = controller_change(&container, false, UPDATE_TIMEOUT_MS).await;
    match protocol(&window).await {
        Some(SIMULATOR_PROTOCOL) => Ok(()),
        seen => Err(unavailable(&format!(
            "the page is served by the latency simulator of another version of the app ({}, this page needs {SIMULATOR_PROTOCOL}) and its update did not arrive; a reload after the update fixes it",
            seen.map_or_else(|| "no version".to_string(), |v| format!("version {v}"))
        ))),
    }
}

/// The protocol version of the simulator that controls the page (`None`: it does not
/// answer `doc/version`, as before versions, or the request failed).
async fn protocol(window: &web_sys::Window) -> Option<u32> {
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str("doc/version"))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    response
        .headers()
        .get(PROTOCOL_HEADER)
        .ok()
        .flatten()?
        .trim()
        .parse()
        .ok()
}

/// Waits for a change of the page's controller (`controllerchange`), or, with
/// `any`, only until some service worker controls the page (a first visit).
async fn controller_change(
    container: &web_sys::ServiceWorkerContainer,
    any: bool,
    timeout_ms: u32,
) -> Result<(), LabError> {
    let unavailable = |why: &str| LabError::Simulator(why.to_string());
    let (tx, rx) = futures::channel::oneshot::channel::<()>();
    let mut tx = Some(tx);
    let on_change = Closure::<dyn FnMut()>::new(move || {
        if let Some(tx) = tx.take() {
            let _ = tx.send(());
        }
    });
    container.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
    // Checked once the listener is in place, so a change in between is not missed.
    let outcome = if any && container.controller().is_some() {
        Ok(())
    } else {
        with_timeout(rx, timeout_ms)
            .await
            .map(|_| ())
            .map_err(|_| unavailable("the service worker did not take control in time"))
    };
    container.set_oncontrollerchange(None);
    drop(on_change);
    outcome
}
