//! The run's totals beside what they could have been ([`Summary`]), and the last runs
//! side by side ([`History`]).

use yew::prelude::*;

use crate::lab::num::Num;
use crate::lab::report::{RunLog, RunOutcome};
use crate::lab::timeline::MainThreadReport;
use crate::ui::state::PastRun;

/// Props of [`Summary`].
#[derive(Properties, PartialEq)]
pub struct SummaryProps {
    /// The current or last run.
    pub run: Option<RunLog>,
    /// Now, for a run in progress.
    pub now_ms: f64,
    /// The main thread during the current or last run.
    pub main: Option<MainThreadReport>,
    /// "Export trace" pressed (shown once a run has finished).
    pub on_export: Callback<()>,
}

/// Props of [`History`].
#[derive(Properties, PartialEq)]
pub struct HistoryProps {
    /// Finished runs, newest first.
    pub history: Vec<PastRun>,
    /// The runs ticked for comparison, by id.
    pub compare: Vec<u32>,
    /// A run ticked or unticked for comparison.
    pub on_compare_toggle: Callback<u32>,
    /// "Compare the last two runs" pressed.
    pub on_compare_last: Callback<()>,
}

fn ms(v: f64) -> String {
    format!("{:.0} ms", Num(v))
}

/// What the screen shows instead of a task figure in a browser without Long Tasks and
/// Long Animation Frames: it measured nothing, which is not the same as measuring zero.
const NOT_MEASURED: &str = "not measured in this browser";

/// The longest task and the count of long tasks, as shown: "…" until the run's first
/// measurement arrives, [`NOT_MEASURED`] where the browser cannot measure tasks.
fn task_figures(main: Option<&MainThreadReport>) -> (String, String) {
    match main {
        None => ("…".to_string(), "…".to_string()),
        Some(MainThreadReport {
            longest_task_ms: Some(longest),
            long_tasks: Some(tasks),
            ..
        }) => (ms(*longest), tasks.len().to_string()),
        Some(_) => (NOT_MEASURED.to_string(), "not measured".to_string()),
    }
}

/// What the lab itself used of the main thread during a run of `total_ms`.
fn own_cost(own_ms: Option<f64>, total_ms: f64) -> String {
    match own_ms {
        Some(own) if total_ms > 0.0 => format!(
            "the lab itself used {} of the main thread ({:.1} %)",
            ms(own),
            Num(100.0 * own / total_ms)
        ),
        _ => "the lab's own main-thread time: not measured".to_string(),
    }
}

/// Totals and the comparison table.
#[component]
pub fn Summary(props: &SummaryProps) -> Html {
    let (longest_task, long_task_count) = task_figures(props.main.as_ref());
    let main = props.main.clone().unwrap_or_default();
    let on_export = props.on_export.reform(|_: MouseEvent| ());
    let totals = props.run.as_ref().map(|run| {
        let total = run.elapsed_ms(props.now_ms);
        let done = run.outcome == RunOutcome::Finished;
        html! {
            <>
            <p class="totals">
                <span class="total">{ "total " }<strong data-testid="total">{ ms(total) }</strong></span>
                // NOTE: what comes at the run's end is drawn from its start, with "…" for
                // its figure or kept out of sight, so that its arrival moves nothing
                // (layout shift: the line wrapped anew and pushed what is below).
                <span>{ "ideal " }<strong data-testid="ideal">{ if done { ms(run.ideal_ms()) } else { "…".to_string() } }</strong>
                    <small>{ match run.fetch_waves() {
                        1 => " (one latency + the work shared by the threads)".to_string(),
                        waves => format!(" ({waves} latencies, one per wave of requests + the work shared by the threads)"),
                    } }</small></span>
                <span>{ "sum of latencies " }<strong data-testid="sum-latencies">{ ms(run.sum_of_latencies_ms()) }</strong></span>
                if done {
                    <button class="link" data-testid="export-trace" onclick={on_export.clone()}
                        title="Download this run in Chrome's Trace Event Format, for Perfetto or DevTools">
                        { "Export trace" }
                    </button>
                } else {
                    <span class="link held" aria-hidden="true">{ "Export trace" }</span>
                }
            </p>
            <p class="totals main-totals">
                <span>{ "longest main-thread task " }<strong data-testid="longest-task">{ longest_task }</strong></span>
                <span>{ "long tasks " }<strong data-testid="long-task-count">{ long_task_count }</strong></span>
                <span>{ "frames dropped " }<strong>{ main.dropped_frames }</strong></span>
                if main.hidden_ms > 0.0 {
                    <span data-testid="hidden-note">{ format!("page hidden for {} (not counted as dropped)", ms(main.hidden_ms)) }</span>
                }
                <span>{ "p95 input delay " }<strong>{ main.input_delay_p95_ms.map_or("no input".to_string(), ms) }</strong></span>
                // The instrument's own cost, once the run is over (a live figure would
                // change its text, and so its layout, five times a second).
                if done {
                    <span data-testid="own-cost">{ own_cost(main.own_ms, run.elapsed_ms(props.now_ms)) }</span>
                } else {
                    <span class="held" aria-hidden="true">{ own_cost(Some(0.0), 1.0) }</span>
                }
            </p>
            </>
        }
    });
    html! {
        <section class="summary" aria-label="Summary">
            { totals.unwrap_or_else(|| html! { <p class="totals">{ "Press Run to fetch and parse the documents." }</p> }) }
        </section>
    }
}

/// The last runs, one row each, with the boxes that pick two to compare. After the
/// lesson's words, at the end of the stage: it appears with the first run's end, and
/// there nothing is below it to move.
#[component]
pub fn History(props: &HistoryProps) -> Html {
    if props.history.is_empty() {
        return Html::default();
    }
    html! {
        <section class="summary last-runs">
                // Its own scroll box on a narrow screen, reachable from the keyboard.
                <div class="history-box" tabindex="0" role="region" aria-label="Last runs">
                <table class="history" data-testid="history">
                    <caption>{ "Last runs" }
                        if props.history.len() >= 2 {
                            <button class="link" data-testid="compare-last" onclick={props.on_compare_last.reform(|_: MouseEvent| ())}>
                                { "Compare the last two" }</button>
                        }
                    </caption>
                    <thead><tr>
                        <th scope="col">{ "compare" }</th>
                        <th scope="col">{ "fetch" }</th><th scope="col">{ "parse" }</th>
                        <th scope="col">{ "docs × latency" }</th><th scope="col">{ "size" }</th>
                        <th scope="col">{ "total" }</th><th scope="col">{ "ideal" }</th>
                        <th scope="col">{ "longest task" }</th><th scope="col">{ "long tasks" }</th>
                        <th scope="col">{ "dropped frames" }</th><th scope="col">{ "errors" }</th>
                    </tr></thead>
                    <tbody>
                        { for props.history.iter().map(|r| {
                            let id = r.run_id();
                            let on_toggle = props.on_compare_toggle.reform(move |_: Event| id);
                            html! {
                            <tr>
                                <td><input type="checkbox" data-testid="compare-pick" aria-label={format!("compare run {id}")}
                                    checked={props.compare.contains(&id)} onchange={on_toggle} /></td>
                                <td>{ r.fetch_words() }</td>
                                <td>{ r.parse_words() }</td>
                                <td>{ format!("{} × {} ms", r.scenario().docs, r.scenario().latency_ms) }</td>
                                <td>{ format!("{} KiB", r.scenario().size_kib) }</td>
                                <td class="num">{ ms(r.total_ms()) }</td>
                                <td class="num">{ ms(r.log.ideal_ms()) }</td>
                                <td class="num" title={r.main.longest_task_ms.is_none().then_some(NOT_MEASURED)}>
                                    { r.main.longest_task_ms.map_or_else(|| "—".to_string(), ms) }</td>
                                <td class="num" title={r.long_tasks().is_none().then_some(NOT_MEASURED)}>
                                    { r.long_tasks().map_or_else(|| "—".to_string(), |n| n.to_string()) }</td>
                                <td class="num">{ r.main.dropped_frames }</td>
                                <td class="num">{ r.errors() }</td>
                            </tr>
                        }}) }
                    </tbody>
                </table>
                </div>
        </section>
    }
}
