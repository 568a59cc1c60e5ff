//! Living inside someone else's page: the resize messages to the parent, the forced
//! theme, and copying the embed snippet.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::ResizeObserver;

use crate::lab::page::Theme;

/// The message type a host page listens for.
pub const RESIZE_MESSAGE: &str = "event-loop-lab:resize";
/// The message type a host page sends to switch the theme:
/// `{ type: "event-loop-lab:theme", theme: "light" | "dark" }`.
pub const THEME_MESSAGE: &str = "event-loop-lab:theme";

/// Follows the host page's theme: a [`THEME_MESSAGE`] from the parent window switches
/// it at once (no reload; only colours change, so nothing moves). Messages from any
/// other window, and themes it does not know, are ignored. Dropping it stops listening.
pub struct ThemeFollower {
    window: web_sys::Window,
    on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl ThemeFollower {
    /// Starts listening; `None` when the page is not in a frame.
    pub fn start() -> Option<Self> {
        let (window, parent) = framed()?;
        let on_message = Closure::<dyn FnMut(_)>::new(move |e: web_sys::MessageEvent| {
            let from_parent = e
                .source()
                .is_some_and(|source| JsValue::from(source) == JsValue::from(&parent));
            let data = e.data();
            let field = |name: &str| {
                js_sys::Reflect::get(&data, &name.into())
                    .ok()
                    .and_then(|v| v.as_string())
            };
            if !from_parent || field("type").as_deref() != Some(THEME_MESSAGE) {
                return;
            }
            if let Some(theme) = field("theme").as_deref().and_then(Theme::from_name) {
                apply_theme(Some(theme));
            }
        });
        window
            .add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref())
            .ok()?;
        Some(Self { window, on_message })
    }
}

impl Drop for ThemeFollower {
    fn drop(&mut self) {
        let _ = self.window.remove_event_listener_with_callback(
            "message",
            self.on_message.as_ref().unchecked_ref(),
        );
    }
}

/// This window and its parent, when the page runs in a frame (the top window is its
/// own parent).
fn framed() -> Option<(web_sys::Window, web_sys::Window)> {
    let window = web_sys::window()?;
    let parent = window.parent().ok()??;
    (JsValue::from(&parent) != JsValue::from(&window)).then_some((window, parent))
}

/// Posts `{ type: "event-loop-lab:resize", height }` to the parent window after every
/// layout change, while the app runs in a frame. Dropping it stops the posting.
pub struct ParentResizer {
    observer: ResizeObserver,
    _on_resize: Closure<dyn FnMut()>,
}

impl ParentResizer {
    /// Starts posting; `None` when the page is not in a frame (or the browser has no
    /// ResizeObserver).
    pub fn start() -> Option<Self> {
        let (window, parent) = framed()?;
        let body = window.document()?.body()?;
        let mut last_height = 0.0;
        let measured = body.clone();
        let on_resize = Closure::<dyn FnMut()>::new(move || {
            let height = measured.get_bounding_client_rect().height().ceil();
            if height == last_height {
                return;
            }
            last_height = height;
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&message, &"type".into(), &RESIZE_MESSAGE.into());
            let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
            // "*": the message holds only a height, and the app cannot know which origin
            // will embed it.
            let _ = parent.post_message(&message, "*");
        });
        let observer = ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok()?;
        observer.observe(&body);
        Some(Self {
            observer,
            _on_resize: on_resize,
        })
    }
}

impl Drop for ParentResizer {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Forces `theme` on the page (`data-theme` on `<html>`), or lets it follow the system.
pub fn apply_theme(theme: Option<Theme>) {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element());
    if let Some(root) = root {
        let _ = match theme {
            Some(theme) => root.set_attribute("data-theme", theme.as_str()),
            None => root.remove_attribute("data-theme"),
        };
    }
}

/// The app's own URL without query or fragment (what an embed points at).
pub fn app_url() -> String {
    web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))
        })
        .unwrap_or_default()
}

/// Copies `text` to the clipboard. Fails where the page may not write it (an insecure
/// context, a frame without clipboard permission); the caller then shows the text.
pub async fn copy_text(text: &str) -> Result<(), String> {
    let clipboard = web_sys::window()
        .map(|w| w.navigator())
        .filter(|n| js_sys::Reflect::has(n, &"clipboard".into()).unwrap_or(false))
        .map(|n| n.clipboard())
        .ok_or("no clipboard here")?;
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| "the browser did not allow copying".to_string())
}
