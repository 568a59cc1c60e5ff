//! The scenario controls: documents, latency, size, fetch strategy and its limit, parse strategy, how a
//! sliced parse yields, pool size, and Run / Cancel / Reset.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::lab::scenario::{self, FetchStrategy, ParseStrategy, Scenario, YieldKind};

/// Props of [`Controls`].
#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    /// Current values.
    pub scenario: Scenario,
    /// Whether a run is in progress.
    pub running: bool,
    /// A control changed: `(query name, value)`.
    pub on_edit: Callback<(String, String)>,
    /// Run pressed.
    pub on_run: Callback<()>,
    /// Cancel pressed.
    pub on_cancel: Callback<()>,
    /// Reset pressed.
    pub on_reset: Callback<()>,
}

fn number_field(
    name: &'static str,
    label: &'static str,
    unit: &'static str,
    value: u32,
    limits: std::ops::RangeInclusive<u32>,
    on_edit: &Callback<(String, String)>,
) -> Html {
    let on_edit = on_edit.clone();
    let onchange = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        on_edit.emit((name.to_string(), input.value()));
    });
    let id = format!("ctl-{name}");
    html! {
        <div class="field">
            <label for={id.clone()}>{ label }</label>
            <input id={id} type="number" data-testid={name} value={value.to_string()}
                min={limits.start().to_string()} max={limits.end().to_string()} step="1"
                {onchange} />
            <span class="unit">{ unit }</span>
        </div>
    }
}

/// `limit`: a number field that is empty for "no limit".
fn limit_field(value: Option<u32>, on_edit: &Callback<(String, String)>) -> Html {
    let on_edit = on_edit.clone();
    let onchange = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        on_edit.emit(("limit".to_string(), input.value()));
    });
    html! {
        <div class="field" title="With concurrent fetches: the most requests in flight at once (buffer_unordered(k), a Semaphore(k)). Empty: no limit.">
            <label for="ctl-limit">{ "at most" }</label>
            <input id="ctl-limit" type="number" data-testid="limit" placeholder="no limit"
                value={value.map(|k| k.to_string()).unwrap_or_default()}
                min={scenario::LIMIT.start().to_string()} max={scenario::LIMIT.end().to_string()} step="1"
                {onchange} />
            <span class="unit"></span>
        </div>
    }
}

fn choice(
    name: &'static str,
    value: &'static str,
    label: &'static str,
    hint: &'static str,
    checked: bool,
    on_edit: &Callback<(String, String)>,
) -> Html {
    let on_edit = on_edit.clone();
    let onchange = Callback::from(move |_| on_edit.emit((name.to_string(), value.to_string())));
    html! {
        <label class="choice" title={hint}>
            <input type="radio" name={name} value={value} data-testid={format!("{name}-{value}")}
                {checked} {onchange} />
            <span>{ label }</span>
            <small>{ hint }</small>
        </label>
    }
}

/// The left panel.
#[component]
pub fn Controls(props: &ControlsProps) -> Html {
    let s = &props.scenario;
    let e = &props.on_edit;
    let on_run = props.on_run.reform(|_: MouseEvent| ());
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());
    let on_reset = props.on_reset.reform(|_: MouseEvent| ());
    html! {
        <section class="controls" aria-label="Scenario">
            <h2>{ "Scenario" }</h2>
            { number_field("docs", "documents", "", s.docs, scenario::DOCS, e) }
            { number_field("latency", "latency", "ms", s.latency_ms, scenario::LATENCY_MS, e) }
            { number_field("size", "size", "KiB", s.size_kib, scenario::SIZE_KIB, e) }
            <fieldset>
                <legend>{ "fetch" }</legend>
                { choice("fetch", "concurrent", "concurrent", "all at once: join_all", s.fetch == FetchStrategy::Concurrent, e) }
                { choice("fetch", "sequential", "sequential", "one after another", s.fetch == FetchStrategy::Sequential, e) }
                { limit_field(s.limit, e) }
            </fieldset>
            <fieldset>
                <legend>{ "parse" }</legend>
                { choice("parse", "blocking", "blocking", "main thread, in one go", s.parse == ParseStrategy::Blocking, e) }
                { choice("parse", "sliced", "sliced", "main thread, in slices", s.parse == ParseStrategy::Sliced, e) }
                { choice("parse", "worker", "worker", "Web Worker pool", s.parse == ParseStrategy::Worker, e) }
                { number_field("workers", "workers", "", s.workers, scenario::WORKERS, e) }
            </fieldset>
            if s.parse == ParseStrategy::Sliced {
                <fieldset data-testid="yield-kinds">
                    <legend>{ "between slices" }</legend>
                    { choice("yield", "frame", "frame", "fill each frame, wait for the next", s.yield_kind == YieldKind::Frame, e) }
                    { choice("yield", "timeout", "timeout", "setTimeout(0) every 8 ms", s.yield_kind == YieldKind::Timeout, e) }
                    { choice("yield", "scheduler", "scheduler", "scheduler.yield() every 8 ms", s.yield_kind == YieldKind::Scheduler, e) }
                    { choice("yield", "microtask", "microtask", "await a resolved promise: the trap", s.yield_kind == YieldKind::Microtask, e) }
                </fieldset>
            }
            <div class="buttons">
                <button class="primary" data-testid="run" onclick={on_run}>{ if props.running { "Restart" } else { "Run" } }</button>
                <button data-testid="cancel" onclick={on_cancel} disabled={!props.running}>{ "Cancel" }</button>
                <button data-testid="reset" onclick={on_reset}>{ "Reset" }</button>
            </div>
        </section>
    }
}
