//! The page's own URL: which lesson step is open, kept in the address bar so that a
//! reload or a shared link opens the same step.

use crate::lab::query::join;
use crate::lab::scenario::parse_query;

/// Page options that describe how the app is shown, not what it runs: they survive a
/// change of step. Scenario values do not (a step brings its own), nor does
/// `autorun` (a reload should not start a run by itself).
const KEPT: &[&str] = &["embed", "theme", "simulator"];

/// Shows `lesson` (a step, or the free lab for `None`) in the address bar, without a
/// reload and without a new history entry per click.
pub fn show_lesson_in_url(lesson: Option<u32>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let search = location.search().unwrap_or_default();
    let mut pairs: Vec<(String, String)> = parse_query(&search)
        .into_iter()
        .filter(|(key, _)| KEPT.contains(&key.as_str()))
        .collect();
    if let Some(step) = lesson {
        pairs.push(("lesson".into(), step.to_string()));
    }
    let query = join(&pairs);
    let path = location.pathname().unwrap_or_default();
    let url = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    if let Ok(history) = window.history() {
        // A page that forbids it (a sandboxed frame) keeps its URL: nothing is lost.
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}
