//! Whether an embed is being read: in view for a while, or touched. A docs page with
//! seven embeds must not keep seven worker pools for a reader who only scrolls past
//! them, so an embed starts its workers when the reader stays on it or uses it, and
//! lets them go when it has been out of view for a while (see the app's use of it).

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Watches the page (an embed's whole document) for being read. Dropping it stops.
pub struct InView {
    observer: web_sys::IntersectionObserver,
    window: web_sys::Window,
    _on_change: Closure<dyn FnMut(js_sys::Array)>,
    on_touch: Closure<dyn FnMut()>,
    _timer: Rc<RefCell<Option<Timeout>>>,
}

const TOUCH_EVENTS: [&str; 3] = ["pointerdown", "keydown", "focusin"];

impl InView {
    /// Calls `on_read` once the page has been in view for `dwell_ms` (or at once on a
    /// press, a key or focus inside it), and `on_gone` once it has been out of view
    /// for `gone_ms`. `None` where the browser has no IntersectionObserver.
    pub fn start(
        dwell_ms: u32,
        gone_ms: u32,
        on_read: Rc<dyn Fn()>,
        on_gone: Rc<dyn Fn()>,
    ) -> Option<Self> {
        let window = web_sys::window()?;
        let root = window.document()?.document_element()?;
        let timer: Rc<RefCell<Option<Timeout>>> = Rc::default();
        let (pending, read) = (Rc::clone(&timer), Rc::clone(&on_read));
        let on_change = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let Some(entry) = entries
                .iter()
                .last()
                .and_then(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
            else {
                return;
            };
            // A new state replaces the timer of the old one (dropping a Timeout cancels it).
            let (read, gone) = (Rc::clone(&read), Rc::clone(&on_gone));
            *pending.borrow_mut() = Some(if entry.is_intersecting() {
                Timeout::new(dwell_ms, move || read())
            } else {
                Timeout::new(gone_ms, move || gone())
            });
        });
        let observer =
            web_sys::IntersectionObserver::new(on_change.as_ref().unchecked_ref()).ok()?;
        observer.observe(&root);
        let on_touch = Closure::<dyn FnMut()>::new(move || on_read());
        for event in TOUCH_EVENTS {
            let _ = window.add_event_listener_with_callback_and_bool(
                event,
                on_touch.as_ref().unchecked_ref(),
                true,
            );
        }
        Some(Self {
            observer,
            window,
            _on_change: on_change,
            on_touch,
            _timer: timer,
        })
    }
}

impl Drop for InView {
    fn drop(&mut self) {
        self.observer.disconnect();
        for event in TOUCH_EVENTS {
            let _ = self.window.remove_event_listener_with_callback_and_bool(
                event,
                self.on_touch.as_ref().unchecked_ref(),
                true,
            );
        }
    }
}
