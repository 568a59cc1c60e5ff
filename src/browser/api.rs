//! `window.eventLoopLab`: the small JS API that docs pages and tests script.
//!
//! ```js
//! const report = await window.eventLoopLab.run({ docs: 6, fetch: "concurrent" });
//! window.eventLoopLab.report(); // the last finished report, or null
//! window.eventLoopLab.trace();  // that run in Chrome's Trace Event Format, or null
//! window.eventLoopLab.lessons(); // [{ id, title, summary, config }]: run(config) runs a step
//! window.eventLoopLab.at(ms);    // the last finished run at that instant, or null
//! ```
//! `run(config)` takes the URL query's names; omitted fields keep their values. A
//! new `run` cancels the one in progress, whose promise resolves with a report whose
//! `outcome` is `"cancelled"`.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::future_to_promise;

use super::controller::Controller;
use crate::lab::instant;
use crate::lab::lesson::STEPS;
use crate::lab::report::Report;
use crate::lab::scenario::{ConfigValue, Scenario};
use crate::lab::trace::trace_json;

const NAME: &str = "eventLoopLab";

fn to_js(report: Option<Report>) -> JsValue {
    report
        .and_then(|r| js_sys::JSON::parse(&r.to_json()).ok())
        .unwrap_or(JsValue::NULL)
}

/// `[{ id, title, summary, config }]`: the lesson's steps, each config a whole
/// scenario on top of this browser's defaults, ready for `run()`.
fn lessons_to_js(defaults: &Scenario) -> JsValue {
    let list = js_sys::Array::new();
    for step in &STEPS {
        let config = js_sys::Object::new();
        for (key, value) in step.scenario(defaults).to_config() {
            let value = match value {
                ConfigValue::Number(n) => JsValue::from(n),
                ConfigValue::Text(t) => JsValue::from(t),
                ConfigValue::Null => JsValue::NULL,
            };
            let _ = js_sys::Reflect::set(&config, &key.into(), &value);
        }
        let item = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&item, &"id".into(), &step.id.into());
        let _ = js_sys::Reflect::set(&item, &"title".into(), &step.title.into());
        let _ = js_sys::Reflect::set(&item, &"summary".into(), &step.summary.into());
        let _ = js_sys::Reflect::set(&item, &"config".into(), &config);
        list.push(&item);
    }
    list.into()
}

/// `{ t_ms, documents: [{ id, state, thread? }], main: { state, doc?, cause? } }`.
fn instant_to_js(report: Option<Report>, t_ms: JsValue) -> JsValue {
    let (Some(report), Some(t_ms)) = (report, t_ms.as_f64().filter(|t| t.is_finite())) else {
        return JsValue::NULL;
    };
    serde_json::to_string(&instant::at(&report, t_ms))
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::NULL)
}

fn trace_to_js(report: Option<Report>) -> JsValue {
    report
        .and_then(|r| js_sys::JSON::parse(&trace_json(&r)).ok())
        .unwrap_or(JsValue::NULL)
}

/// The installed API. Dropping it removes `window.eventLoopLab`.
pub struct JsApi {
    _run: Closure<dyn Fn(JsValue) -> js_sys::Promise>,
    _report: Closure<dyn Fn() -> JsValue>,
    _cancel: Closure<dyn Fn()>,
    _trace: Closure<dyn Fn() -> JsValue>,
    _lessons: Closure<dyn Fn() -> JsValue>,
    _at: Closure<dyn Fn(JsValue) -> JsValue>,
}

impl JsApi {
    /// Installs `window.eventLoopLab` for `controller`.
    pub fn install(controller: &Controller) -> Option<Self> {
        let window = web_sys::window()?;
        let c = controller.clone();
        let run = Closure::<dyn Fn(JsValue) -> js_sys::Promise>::new(move |config: JsValue| {
            let pairs = config_pairs(&config);
            c.edit(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let finished = c.run();
            future_to_promise(async move { Ok(to_js(finished.report().await)) })
        });
        let c = controller.clone();
        let report = Closure::<dyn Fn() -> JsValue>::new(move || to_js(c.last_report()));
        let c = controller.clone();
        let cancel = Closure::<dyn Fn()>::new(move || c.cancel());
        let c = controller.clone();
        let trace = Closure::<dyn Fn() -> JsValue>::new(move || trace_to_js(c.last_report()));
        let c = controller.clone();
        let lessons = Closure::<dyn Fn() -> JsValue>::new(move || lessons_to_js(&c.defaults()));
        let c = controller.clone();
        let at = Closure::<dyn Fn(JsValue) -> JsValue>::new(move |t: JsValue| {
            instant_to_js(c.last_report(), t)
        });
        let api = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&api, &k.into(), v).is_ok();
        let ok = set("run", run.as_ref())
            && set("report", report.as_ref())
            && set("cancel", cancel.as_ref())
            && set("trace", trace.as_ref())
            && set("lessons", lessons.as_ref())
            && set("at", at.as_ref());
        if !ok || js_sys::Reflect::set(&window, &NAME.into(), &api).is_err() {
            return None;
        }
        Some(Self {
            _run: run,
            _report: report,
            _cancel: cancel,
            _trace: trace,
            _lessons: lessons,
            _at: at,
        })
    }
}

impl Drop for JsApi {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = js_sys::Reflect::delete_property(&window, &NAME.into());
        }
    }
}

/// Reads a JS config object (`{docs: 6, fetch: "concurrent", …}`) as `key=value`
/// pairs with the URL's names. Non-objects give no pairs.
pub fn config_pairs(config: &JsValue) -> Vec<(String, String)> {
    if !config.is_object() {
        return Vec::new();
    }
    js_sys::Object::entries(config.unchecked_ref())
        .iter()
        .filter_map(|entry| {
            let entry: js_sys::Array = entry.dyn_into().ok()?;
            let key = entry.get(0).as_string()?;
            let value = entry.get(1);
            // Arrays (`fail: [2, "5:hang"]`) read as the query's comma-separated lists.
            let value = if js_sys::Array::is_array(&value) {
                JsValue::from(js_sys::Array::from(&value).join(","))
            } else {
                value
            };
            // A number as JS writes it (`String(800)` is "800"), as in the lists above.
            let value = value
                .as_string()
                .or_else(|| {
                    let n = value.dyn_ref::<js_sys::Number>()?;
                    n.to_string_with_radix(10).ok().map(String::from)
                })
                .or_else(|| value.as_bool().map(|b| b.to_string()))
                .unwrap_or_default();
            Some((key, value))
        })
        .collect()
}
