//! The run's timeline: an axis, one [`DocumentRow`] per document, the main thread's
//! lane (frame gaps, long tasks with their cause, inputs), the legend and the table.

use yew::prelude::*;

use crate::lab::activity::Activity;
use crate::lab::num::Num;
use crate::lab::report::{RunLog, RunOutcome};
use crate::lab::scenario::WaitKind;
use crate::lab::timeline::Support;
use crate::lab::timeline::{MainThreadReport, LAB_DRAWING, LONG_TASK_MS};
use crate::ui::components::document_row::{cursor_line, DocumentRow};
use crate::ui::components::scrub::{use_scrub, waiting};
use crate::ui::components::timeline_table::timeline_table;

/// Props of [`DocumentRows`].
#[derive(Properties, PartialEq)]
pub struct DocumentRowsProps {
    /// The run to draw.
    pub run: RunLog,
    /// Now, for spans still open.
    pub now_ms: f64,
    /// The main thread during the run, as measured so far.
    pub main: Option<MainThreadReport>,
    /// Which instruments the browser has.
    pub support: Option<Support>,
    /// The scrub cursor stepped, by keyboard, to an instant said in these words (for
    /// the page's one live region).
    pub on_scrub: Callback<String>,
}

/// The main-thread lane: frame gaps, long tasks with their cause, input events.
pub fn main_lane(main: &MainThreadReport, t0: f64, scale: f64, cursor_ms: Option<f64>) -> Html {
    let x = |t: f64| ((t - t0) / scale * 100.0).clamp(0.0, 100.0);
    let w = |d: f64| (d / scale * 100.0).max(0.3);
    let gaps = main.frame_gaps.iter().map(|g| {
        html! {
            <rect class="frame-gap" x={format!("{:.3}%", Num(x(g.start_ms)))} y="0" width={format!("{:.3}%", Num(w(g.duration_ms)))} height="10">
                <title>{ format!("no frame for {:.0} ms", Num(g.duration_ms)) }</title>
            </rect>
        }
    });
    // While the page was hidden the browser drew no frames on purpose: marked, and
    // not counted as dropped.
    let hidden = main.hidden.iter().map(|h| {
        html! {
            <rect class="page-hidden" data-testid="page-hidden" x={format!("{:.3}%", Num(x(h.start_ms)))} y="0" width={format!("{:.3}%", Num(w(h.duration_ms)))} height="10">
                <title>{ format!("page hidden for {:.0} ms: no frames drawn, none counted as dropped", Num(h.duration_ms)) }</title>
            </rect>
        }
    });
    let tasks = main.long_tasks.iter().flatten().filter(|t| t.duration_ms >= LONG_TASK_MS).map(|t| {
        let full = format!("{:.0} ms · {}", Num(t.duration_ms), t.cause);
        // As much label as fits (at ~6 px a character on a lane of 270-500 px: a
        // phone's to a desktop's); the tooltip always has all of it.
        let width = w(t.duration_ms);
        let label = if width > 26.0 {
            full.clone()
        } else if width > 14.0 {
            format!("{:.0} ms", Num(t.duration_ms))
        } else if width > 7.0 {
            format!("{:.0}", Num(t.duration_ms))
        } else {
            String::new()
        };
        html! {
            <g data-testid="long-task" data-duration={format!("{:.0}", Num(t.duration_ms))} data-cause={t.cause.clone()}>
                <rect class={classes!("long-task", (t.cause == LAB_DRAWING).then_some("lab-drawing"))} x={format!("{:.3}%", Num(x(t.start_ms)))} y="13" width={format!("{:.3}%", Num(w(t.duration_ms)))} height="16">
                    <title>{ format!("long task: {full}") }</title>
                </rect>
                // In a box of the block's own size: a nested <svg> clips what it holds,
                // so on a narrow lane a label is cut short instead of running over the
                // next block (seen at 360 px: "454 m420 m427 m").
                if !label.is_empty() {
                    <svg x={format!("{:.3}%", Num(x(t.start_ms)))} y="13" width={format!("{:.3}%", Num(width))} height="16">
                        <text class="long-task-label" x="3" y="12">{ label }</text>
                    </svg>
                }
            </g>
        }
    });
    let inputs = main.inputs.iter().map(|i| {
        html! {
            <g class="input">
                <rect class="input-delay" x={format!("{:.3}%", Num(x(i.at_ms)))} y="33" width={format!("{:.3}%", Num(w(i.delay_ms)))} height="5">
                    <title>{ format!("input waited {:.0} ms", Num(i.delay_ms)) }</title>
                </rect>
                <circle class="input-dot" cx={format!("{:.3}%", Num(x(i.at_ms)))} cy="35.5" r="2.5" />
            </g>
        }
    });
    html! {
        <svg class="main-svg" height="40" role="img" aria-label="Main thread: frame gaps, long tasks and input events">
            <rect class="lane-bg" x="0" y="0" width="100%" height="10" />
            { for hidden }{ for gaps }
            { for tasks }
            { for inputs }
            { cursor_line(cursor_ms, t0, scale, 40) }
        </svg>
    }
}

fn instruments_note(support: Option<Support>) -> Option<&'static str> {
    match support? {
        Support { longtask: true, event_timing: false, .. } => {
            Some("This browser has no Event Timing: input delay is measured from each event's timestamp to its handler.")
        }
        Support { longtask: true, .. } => None,
        Support { long_animation_frame: true, .. } => {
            Some("This browser has no Long Tasks API: long animation frames stand in for long tasks.")
        }
        _ => Some("This browser reports neither long tasks nor long animation frames, so tasks are not measured in this browser: only the frame heartbeat measures the main thread (a gap between frames is a freeze)."),
    }
}

/// The documents of a run, drawn on one time axis.
#[component]
pub fn DocumentRows(props: &DocumentRowsProps) -> Html {
    let run = &props.run;
    let now = run.ended_ms.unwrap_or(props.now_ms);
    // The axis grows with the run; at least one latency plus a little, so bars of a
    // fresh run do not start full width.
    let span = (now - run.started_ms)
        .max(f64::from(run.scenario.latency_ms) * 1.2)
        .max(200.0);
    let scale = if run.outcome == RunOutcome::Running {
        live_scale(span)
    } else {
        nice_ceil(span)
    };
    // The table is built only while it is open: a closed <details> draws nothing, but
    // building its 30-odd rows in the frame a run ends cost that frame a long task at
    // CPU 4×.
    let table_open = use_state(|| false);
    let on_toggle = {
        let table_open = table_open.clone();
        Callback::from(move |e: Event| {
            let open = e
                .target_dyn_into::<web_sys::Element>()
                .is_some_and(|d| d.has_attribute("open"));
            table_open.set(open);
        })
    };
    // No figures until the run's first measurement: an empty report would read as
    // "not measured".
    let measured = props.main.is_some();
    let main = props.main.clone().unwrap_or_default();
    // After the run: a cursor to read back any instant of it.
    let over = run
        .ended_ms
        .filter(|_| run.outcome != RunOutcome::Running)
        .map(|end| vec![run.report(end, main.clone())]);
    let scrub = use_scrub(over.unwrap_or_default(), scale, props.on_scrub.clone());
    let cursor = scrub.as_ref().and_then(|s| s.at(0));
    let (track, readout) = match &scrub {
        Some(scrub) => (scrub.track.clone(), scrub.readout.clone()),
        None => waiting(),
    };
    html! {
        <section class="documents" aria-label="Documents">
            { axis(scale) }
            { track }
            <ol class="rows" onpointerdown={scrub.as_ref().map(|s| s.on_pointer.clone())}
                onpointermove={scrub.as_ref().map(|s| s.on_pointer.clone())}>
                { for run.docs.iter().map(|d| {
                    // A document that has ended draws the same on every tick: its props
                    // do not change, so yew skips it (only rows still going are drawn).
                    let open = !d.is_finished() && d.fetch_start_ms.is_some();
                    html! {
                        <DocumentRow key={d.id} doc={d.clone()} wait={run.scenario.wait}
                            t0={run.started_ms} {scale} now_ms={open.then_some(now)} cursor_ms={cursor} />
                    }
                }) }
            </ol>
            <div class="main-lane" data-testid="main-lane">
                <span class="doc-name">{ "main" }</span>
                <span class="lane tall">{ main_lane(&main, run.started_ms, scale, cursor) }</span>
                <span class="times">{ match main.longest_task_ms {
                    Some(longest) => format!("longest {:.0} ms", Num(longest)),
                    None if measured => "tasks not measured".to_string(),
                    None => String::new(),
                } }</span>
                <span class="found">{ match &main.long_tasks {
                    Some(tasks) => format!("{} long tasks · {} frames dropped", tasks.len(), main.dropped_frames),
                    None if measured => format!("{} frames dropped", main.dropped_frames),
                    None => String::new(),
                } }</span>
            </div>
            { readout }
            <p class="legend">
                if run.scenario.connections.is_some() {
                    <span class="legend-item"><span class="key connection"></span>{ Activity::WaitingForConnection.label() }</span>
                }
                <span class="legend-item"><span class="key fetch"></span>{ Activity::WaitingForServer.label() }</span>
                <span class="legend-item"><span class="key answered"></span>{ Activity::AnsweredWaitingForLoop.label() }</span>
                <span class="legend-item"><span class="key queued"></span>{ Activity::Queued.label() }</span>
                <span class="legend-item"><span class="key parse-main"></span>{ "parsing on the main thread" }</span>
                <span class="legend-item"><span class="key parse-worker"></span>{ "parsing in a worker" }</span>
                if run.scenario.wait_ms > 0 {
                    if run.scenario.wait == WaitKind::Blocking {
                        <span class="legend-item"><span class="key wait-held"></span>{ Activity::HeldWait.label() }</span>
                    } else {
                        <span class="legend-item"><span class="key wait-async"></span>{ Activity::Sleeping.label() }</span>
                    }
                }
                <span class="legend-item"><span class="key frame-gap"></span>{ "no frame drawn" }</span>
                if !main.hidden.is_empty() {
                    <span class="legend-item"><span class="key page-hidden"></span>{ "page hidden (not counted as dropped)" }</span>
                }
                <span class="legend-item"><span class="key long-task"></span>{ "long task (50 ms or more)" }</span>
                if main.long_tasks.iter().flatten().any(|t| t.cause == LAB_DRAWING) {
                    <span class="legend-item"><span class="key lab-drawing"></span>{ "long task of the lab's own drawing" }</span>
                }
                <span class="legend-item"><span class="key input-dot"></span>{ "input, bar = its delay" }</span>
            </p>
            <details class="as-table" data-testid="timeline-table" ontoggle={on_toggle}>
                <summary>{ "The timeline as a table" }</summary>
                if run.outcome == RunOutcome::Running {
                    <p>{ "The table fills in when the run ends." }</p>
                } else if *table_open {
                    { timeline_table(run, &main) }
                }
            </details>
            if let Some(note) = instruments_note(props.support) {
                <p class="legend" data-testid="instruments-note">{ note }</p>
            }
        </section>
    }
}

/// The largest power of ten not above `x`: `10^floor(log10 x)`, for a finite `x > 0`
/// (0 gives 0, what is left stays as it is). Found by stepping: `powf` and `log10`
/// brought libm's `pow` and `log10` into the module (1.8 KB before gzip) for this alone.
fn decade(x: f64) -> f64 {
    if !x.is_finite() || x <= 0.0 {
        return if x == 0.0 { 0.0 } else { x };
    }
    let mut d = 1.0;
    while d * 10.0 <= x {
        d *= 10.0;
    }
    while d > x {
        d /= 10.0;
    }
    d
}

/// The axis length for `ms` while a run goes: the next of 1, 2, 5 × 10^k.
///
/// NOTE: a new axis length redraws every bar of every row, finished ones too. In the
/// fine steps of [`nice_ceil`] a 4 s run changed its axis seven times, and at CPU 4×
/// each of those frames was a long task with 32 rows. In these coarse steps it changes
/// twice; the finished run is drawn once more, on the fine steps, to fill the lane.
fn live_scale(ms: f64) -> f64 {
    let magnitude = decade(ms);
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&step| step >= ms)
        .unwrap_or(ms)
}

/// The axis length for `ms`: the next of 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k.
///
/// NOTE: a live axis that grew with every frame moved every bar of every row with
/// it, and the browser laid out all of them each frame (15–30 ms with 32 rows here,
/// enough to tip a worker run over the 50 ms long-task mark). In steps, a finished
/// bar keeps its attributes, so only the rows that changed are laid out again.
pub fn nice_ceil(ms: f64) -> f64 {
    let magnitude = decade(ms);
    [1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&step| step >= ms)
        .unwrap_or(ms)
}

/// The time axis of lanes `scale` ms long: round ticks, labelled.
pub fn axis(scale: f64) -> Html {
    let ticks = axis_ticks(scale);
    html! {
    <div class="axis" aria-hidden="true">
        <span class="doc-name"></span>
        <span class="lane">
            <svg class="lane-svg" height="16">
                // Labels are centred on their tick, and none is drawn in the
                // axis's last eighth: a label there would be clipped by the
                // lane, or, moved left to fit, run into its neighbour's (seen
                // as "2000 ms2500 ms" on a 310 px lane).
                { for ticks.iter().map(|t| (t, t / scale * 100.0)).filter(|(_, x)| *x <= 88.0).map(|(t, x)| {
                    let anchor = if *t == 0.0 { "start" } else { "middle" };
                    html! { <text class="tick" x={format!("{:.3}%", Num(x))} y="12" text-anchor={anchor}>{ format!("{:.0} ms", Num(*t)) }</text> }
                }) }
            </svg>
        </span>
    </div>
    }
}

/// Round tick positions (ms) for an axis `scale` ms long: 4–8 ticks.
fn axis_ticks(scale: f64) -> Vec<f64> {
    let raw = scale / 5.0;
    let magnitude = decade(raw);
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(raw);
    (0..)
        .map(|i| f64::from(i) * step)
        .take_while(|t| *t <= scale)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decade_is_the_power_of_ten_below() {
        for x in [
            1.0, 9.99, 10.0, 10.5, 99.0, 100.0, 200.0, 999.9, 1_000.0, 4_321.0, 1e6, 7.5e9,
        ] {
            assert_eq!(decade(x), 10f64.powf(x.log10().floor()), "{x}");
        }
        assert_eq!(decade(0.5), 0.1);
        assert_eq!(decade(0.0), 0.0);
        assert!(decade(f64::NAN).is_nan());
        assert_eq!(decade(f64::INFINITY), f64::INFINITY);
        assert_eq!(nice_ceil(1_100.0), 1_250.0);
        assert_eq!(live_scale(1_100.0), 2_000.0);
        assert_eq!(
            axis_ticks(2_000.0),
            vec![0.0, 500.0, 1_000.0, 1_500.0, 2_000.0]
        );
    }
}
