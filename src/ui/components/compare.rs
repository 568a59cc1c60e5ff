//! Two finished runs drawn one above the other, aligned at their starts, on one time
//! axis, with one scrub cursor: the seed's contrast ("10 s against 5 s") as a picture.
//! Each run is drawn from its record by the same rows and main-thread lane as the live
//! timeline, and its table view lists both.

use yew::prelude::*;

use crate::lab::num::Num;
use crate::ui::components::document_row::DocumentRow;
use crate::ui::components::document_rows::{axis, main_lane, nice_ceil};
use crate::ui::components::scrub::use_scrub;
use crate::ui::components::timeline_table::timeline_table;
use crate::ui::state::PastRun;

/// Props of [`Compare`].
#[derive(Properties, PartialEq)]
pub struct CompareProps {
    /// The two runs, the earlier first.
    pub runs: [PastRun; 2],
    /// The scrub cursor stepped, by keyboard, to an instant said in these words.
    pub on_scrub: Callback<String>,
    /// Close pressed.
    pub on_close: Callback<()>,
}

/// One run's heading: what it was and what it measured.
fn heading(run: &PastRun) -> String {
    let tasks = match (run.long_tasks(), run.main.longest_task_ms) {
        (Some(0), _) => "no long task".to_string(),
        (Some(n), Some(longest)) => format!("{n} long tasks, longest {:.0} ms", Num(longest)),
        _ => "long tasks not measured".to_string(),
    };
    format!(
        "Run {}: {} · {} docs × {} ms · total {:.0} ms · {tasks} · {} frames dropped",
        run.run_id(),
        run.parse_words(),
        run.log.scenario.docs,
        run.log.scenario.latency_ms,
        Num(run.total_ms()),
        run.main.dropped_frames
    )
}

/// Two runs on one axis.
#[component]
pub fn Compare(props: &CompareProps) -> Html {
    let runs = &props.runs;
    let scale = nice_ceil(runs.iter().map(PastRun::total_ms).fold(200.0, f64::max));
    let reports: Vec<_> = runs
        .iter()
        .map(|r| {
            r.log
                .report(r.log.started_ms + r.total_ms(), r.main.clone())
        })
        .collect();
    let scrub = use_scrub(reports, scale, props.on_scrub.clone());
    let on_close = props.on_close.reform(|_: MouseEvent| ());
    let lanes = runs.iter().enumerate().map(|(i, run)| {
        let t0 = run.log.started_ms;
        let cursor = scrub.as_ref().and_then(|s| s.at(i));
        html! {
            <div class="compare-run" data-testid="compare-run" data-run-id={run.run_id().to_string()}>
                <h3>{ heading(run) }</h3>
                <ol class="rows" onpointerdown={scrub.as_ref().map(|s| s.on_pointer.clone())}
                    onpointermove={scrub.as_ref().map(|s| s.on_pointer.clone())}>
                    { for run.log.docs.iter().map(|d| html! {
                        <DocumentRow key={d.id} doc={d.clone()} wait={run.log.scenario.wait}
                            {t0} {scale} now_ms={None::<f64>} cursor_ms={cursor} />
                    }) }
                </ol>
                <div class="main-lane">
                    <span class="doc-name">{ "main" }</span>
                    <span class="lane tall">{ main_lane(&run.main, t0, scale, cursor) }</span>
                </div>
            </div>
        }
    });
    html! {
        <section class="documents compare" aria-label="Two runs compared" data-testid="compare">
            <div class="compare-head">
                <h2>{ format!("Run {} and run {}, on one time axis", runs[0].run_id(), runs[1].run_id()) }</h2>
                <button class="link" data-testid="compare-close" onclick={on_close}>{ "Close" }</button>
            </div>
            { axis(scale) }
            if let Some(scrub) = &scrub {
                { scrub.track.clone() }
            }
            { for lanes }
            if let Some(scrub) = &scrub {
                { scrub.readout.clone() }
            }
            <details class="as-table" data-testid="compare-table">
                <summary>{ "Both runs as tables" }</summary>
                { for runs.iter().map(|run| html! {
                    <>
                        <h3>{ heading(run) }</h3>
                        { timeline_table(&run.log, &run.main) }
                    </>
                }) }
            </details>
        </section>
    }
}
