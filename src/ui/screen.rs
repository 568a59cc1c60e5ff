//! The screen's layout, as a pure function of the state: the live app draws it
//! ([`crate::ui::app::App`]), and so does the build, which renders [`FirstScreen`] for
//! each layout a URL can ask for into `index.html` (`src/bin/prerender.rs`). What a
//! visitor sees before the wasm arrives is therefore this code's output, not a copy
//! of it.
//!
//! Nothing here touches the browser while drawing: no `web_sys` call outside event
//! handlers, so the build can render it natively.

use yew::prelude::*;

use crate::lab::lesson;
use crate::lab::num::Num;
use crate::lab::report::RunOutcome;
use crate::lab::scenario::Scenario;
use crate::lab::sort::sort_by;
use crate::ui::components::compare::Compare;
use crate::ui::components::controls::Controls;
use crate::ui::components::document_rows::DocumentRows;
use crate::ui::components::embed_panel::EmbedPanel;
use crate::ui::components::heartbeat::Heartbeat;
use crate::ui::components::lesson::Lesson;
use crate::ui::components::notices::Notices;
use crate::ui::components::step_panel::{LessonNav, StartHere, StepPanel};
use crate::ui::components::summary::{History, Summary};
use crate::ui::state::{PastRun, SimulatorStatus, State};

/// What the status line says before the wasm has started (the build's first screen).
/// Every status is a word or two: the line keeps one width (the stylesheet reserves
/// it), so a change of status never moves the header's other parts.
pub const LOADING: &str = "loading…";

/// Everything the screen's controls call. The live app makes each once (see `App`);
/// the build's first screen has no-ops (it is inert until the app replaces it).
#[derive(Clone, Default, PartialEq)]
pub struct Handlers {
    /// A lesson step (or `None`, the free lab) was chosen.
    pub on_choose: Callback<Option<u32>>,
    /// One of the open step's variants was run, by index.
    pub on_variant: Callback<usize>,
    /// The Embed button.
    pub on_embed: Callback<MouseEvent>,
    /// The Embed panel's Close.
    pub on_embed_close: Callback<()>,
    /// An input on the heartbeat's probe: `(timestamp, delay)`.
    pub on_input: Callback<(f64, f64)>,
    /// The probe's elements, once mounted.
    pub on_probe: Callback<Vec<web_sys::Element>>,
    /// A scenario field changed: `(key, value)`.
    pub on_edit: Callback<(String, String)>,
    /// Run.
    pub on_run: Callback<()>,
    /// Cancel.
    pub on_cancel: Callback<()>,
    /// Export the run as a trace.
    pub on_export: Callback<()>,
    /// Reset the scenario.
    pub on_reset: Callback<()>,
    /// What the scrub cursor said at its last keyboard step.
    pub on_scrub: Callback<String>,
    /// The runs to compare, by id (empty: close the comparison).
    pub on_compare: Callback<Vec<u32>>,
    /// A run ticked or unticked for comparison.
    pub on_compare_toggle: Callback<u32>,
    /// Compare the last two runs.
    pub on_compare_last: Callback<()>,
    /// The notices were dismissed.
    pub on_dismiss: Callback<()>,
}

/// What the screen is drawn from, besides the state.
pub struct View<'a> {
    /// `embed=1`: the compact layout for an iframe.
    pub embed: bool,
    /// The scenario defaults (a step's variants are told apart by their scenario).
    pub defaults: &'a Scenario,
    /// Whether the Embed panel is open.
    pub embed_open: bool,
    /// The status line's words.
    pub status: &'a str,
}

/// The status line's words for `state`.
pub fn status(state: &State) -> &'static str {
    match (&state.run, &state.simulator) {
        (Some(run), _) if run.outcome == RunOutcome::Running => "running",
        (Some(run), _) if run.outcome == RunOutcome::Cancelled => "cancelled",
        (Some(_), _) => "done",
        // The latency simulator, then the first-use rehearsal (see `rehearsal`), start
        // before "ready" is shown.
        (None, SimulatorStatus::Starting) => "starting…",
        (None, _) if !state.rehearsed => "starting…",
        (None, SimulatorStatus::Ready | SimulatorStatus::InPage(_)) => "ready",
    }
}

/// What the one live region says: each run's result, once when it ends (not every
/// frame, not every row), or where the scrub cursor stepped.
fn announcement(state: &State) -> String {
    match &state.run {
        Some(run) if run.outcome != RunOutcome::Running && state.scrubbed.is_some() => {
            state.scrubbed.clone().unwrap_or_default()
        }
        Some(run) if run.outcome == RunOutcome::Finished => {
            let main = state.main.clone().unwrap_or_default();
            let errors = run.docs.iter().filter(|d| d.error.is_some()).count();
            // Not measured is said as such, never as 0 (see MainThreadReport).
            let tasks = match (main.longest_task_ms, &main.long_tasks) {
                (Some(longest), Some(tasks)) => format!(
                    "longest main-thread task {:.0} ms, {} long tasks",
                    Num(longest),
                    tasks.len()
                ),
                _ => "long tasks not measured in this browser".to_string(),
            };
            format!(
                "Run {} finished in {:.0} ms: {tasks}, {} frames dropped, {errors} errors.",
                run.run_id,
                Num(run.elapsed_ms(run.started_ms)),
                main.dropped_frames
            )
        }
        Some(run) if run.outcome == RunOutcome::Cancelled => {
            format!("Run {} cancelled.", run.run_id)
        }
        _ => String::new(),
    }
}

/// The last two finished runs' ids, the earlier first.
pub fn last_two(state: &State) -> Option<Vec<u32>> {
    (state.history.len() >= 2).then(|| vec![state.history[1].run_id(), state.history[0].run_id()])
}

/// The whole screen. `before` goes first inside the app's element (the live app's
/// first-use rehearsal, which draws elsewhere through a portal).
pub fn screen(view: &View, state: &State, on: &Handlers, before: Html) -> Html {
    let step = state.lesson_step.and_then(lesson::step);
    let variant = step.and_then(|s| {
        s.variants
            .iter()
            .position(|v| v.scenario(view.defaults) == state.scenario)
    });
    // The verdict belongs to the run of the scenario on screen, not to a run of
    // another step.
    let verdict = match (step, &state.run) {
        (Some(step), Some(run)) if run.scenario == state.scenario => {
            lesson::verdict(Some(step.id), run, &state.main.clone().unwrap_or_default())
        }
        _ => Vec::new(),
    };
    // Steps 3 and 4 and step 5's variants are contrasts: each offers its comparison.
    let step_compare = step
        .filter(|s| matches!(s.id, 3..=5) && last_two(state).is_some())
        .map(|_| on.on_compare_last.clone());
    let compared: Option<[PastRun; 2]> = {
        let mut picked: Vec<_> = state
            .history
            .iter()
            .filter(|r| state.compare.contains(&r.run_id()))
            .cloned()
            .collect();
        sort_by(&mut picked, |a, b| a.run_id() < b.run_id());
        picked.try_into().ok()
    };
    let embed = view.embed;
    let running = state.running();
    html! {
        <div class={classes!("app", embed.then_some("embed"), step.is_some().then_some("in-lesson"))}>
            { before }
            <header>
                <h1>{ "Event Loop Lab" }</h1>
                <p class="tagline">{ "What blocks the browser's event loop? Press Run, change one thing, run again." }</p>
                <p class="status">{ "status: " }<span data-testid="status">{ view.status }</span></p>
                <button class="link" data-testid="embed" onclick={on.on_embed.clone()} aria-expanded={view.embed_open.to_string()}>{ "Embed" }</button>
            </header>
            <p class="sr-only" role="status" aria-atomic="true" data-testid="announce">{ announcement(state) }</p>
            if !embed {
                <LessonNav current={step.map(|s| s.id)} on_choose={on.on_choose.clone()} />
            }
            if view.embed_open {
                <EmbedPanel scenario={state.scenario.clone()} on_close={on.on_embed_close.clone()} />
            }
            <Notices notices={state.notices.clone()} simulator={state.simulator.clone()} on_dismiss={on.on_dismiss.clone()} />
            <main>
                <div class="side">
                    if let Some(step) = step {
                        <StepPanel {step} {variant} {running} {verdict}
                            on_run={on.on_variant.clone()} on_cancel={on.on_cancel.clone()} on_choose={on.on_choose.clone()}
                            on_compare={step_compare} />
                        <details class="adjust">
                            <summary>{ "Change the scenario" }</summary>
                            <Controls scenario={state.scenario.clone()} {running} on_edit={on.on_edit.clone()} on_run={on.on_run.clone()}
                                on_cancel={on.on_cancel.clone()} on_reset={on.on_reset.clone()} />
                        </details>
                    } else {
                        if !embed {
                            <StartHere on_choose={on.on_choose.clone()} />
                        }
                        <Controls scenario={state.scenario.clone()} {running} on_edit={on.on_edit.clone()} on_run={on.on_run.clone()}
                            on_cancel={on.on_cancel.clone()} on_reset={on.on_reset.clone()} />
                    }
                </div>
                <div class="stage">
                    <Heartbeat main={state.main.clone()} on_input={on.on_input.clone()} on_probe={on.on_probe.clone()} />
                    if let Some(run) = &state.run {
                        <DocumentRows run={run.clone()} now_ms={state.now_ms} main={state.main.clone()} support={state.support} on_scrub={on.on_scrub.clone()} />
                    } else {
                        <section class="documents empty"><p>{ "The documents of a run appear here: one row each, a bar for waiting on the server and one for parsing." }</p></section>
                    }
                    if let Some(runs) = compared {
                        <Compare {runs} on_scrub={on.on_scrub.clone()} on_close={on.on_compare.reform(|()| Vec::new())} />
                    }
                    <Summary run={state.run.clone()} now_ms={state.now_ms} main={state.main.clone()} on_export={on.on_export.clone()} />
                    <Lesson run={state.run.clone()} main={state.main.clone()} step={step.map(|s| s.id)} folded={embed} />
                    <History history={state.history.clone()} compare={state.compare.clone()}
                        on_compare_toggle={on.on_compare_toggle.clone()} on_compare_last={on.on_compare_last.clone()} />
                </div>
            </main>
        </div>
    }
}

/// Props of [`FirstScreen`].
#[derive(Properties, PartialEq, Clone)]
pub struct FirstScreenProps {
    /// `embed=1`.
    pub embed: bool,
    /// `lesson=N`, or `None` for the free lab.
    pub lesson: Option<u32>,
    /// The defaults the build assumes. The live app reads the machine's cores, which
    /// only changes the values in the fields (never a box's size).
    pub defaults: Scenario,
}

/// The screen as the app first draws it for a layout, before anything has happened:
/// what the build puts into `index.html`.
#[component]
pub fn FirstScreen(props: &FirstScreenProps) -> Html {
    let scenario = props.lesson.and_then(lesson::step).map_or_else(
        || props.defaults.clone(),
        |step| step.scenario(&props.defaults),
    );
    let mut state = State::new(scenario);
    state.lesson_step = props.lesson;
    let view = View {
        embed: props.embed,
        defaults: &props.defaults,
        embed_open: false,
        status: LOADING,
    };
    screen(&view, &state, &Handlers::default(), Html::default())
}

/// The name of a layout, as `index.html`'s first screens are keyed
/// (`static/first-screen.js` builds the same names from the URL): `page-free`,
/// `page-3`, `embed-free`, `embed-3`…
pub fn layout_key(embed: bool, lesson: Option<u32>) -> String {
    let lesson = lesson.map_or_else(|| "free".to_string(), |n| n.to_string());
    format!("{}-{lesson}", if embed { "embed" } else { "page" })
}
