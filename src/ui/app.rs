//! The root component: reads the URL once, owns the reducer and the controller,
//! and lays out the screen.

use yew::prelude::*;

use crate::browser::embed::{apply_theme, ParentResizer, ThemeFollower};
use crate::browser::in_view::InView;
use crate::browser::location::show_lesson_in_url;
use crate::lab::lesson;
use crate::lab::page::PageOptions;
use crate::lab::report::RunOutcome;
use crate::lab::scenario::{parse_query, ParamNotice, Scenario};
use crate::ui::components::compare::Compare;
use crate::ui::components::controls::Controls;
use crate::ui::components::document_rows::DocumentRows;
use crate::ui::components::embed_panel::EmbedPanel;
use crate::ui::components::heartbeat::Heartbeat;
use crate::ui::components::lesson::Lesson;
use crate::ui::components::notices::Notices;
use crate::ui::components::step_panel::{LessonNav, StartHere, StepPanel};
use crate::ui::components::summary::Summary;
use crate::ui::hooks::use_controller;
use crate::ui::rehearsal::Rehearsal;
use crate::ui::state::{Action, SimulatorStatus, State};

/// How long an embed must stay in view before it starts its workers, ms. A reader who
/// scrolls past, pausing under a second, starts none; one who stops to read an embed
/// has its workers long before pressing Run (starting two takes ~50–100 ms here).
const EMBED_DWELL_MS: u32 = 1_000;
/// How long an embed may be out of view before its workers stop, ms: long enough for a
/// reader who scrolls back to compare two steps to find them still there, short enough
/// that a page of seven embeds holds a pool or two, not seven (each worker holds its
/// own instance of the module and its memory).
const EMBED_GONE_MS: u32 = 30_000;

struct Startup {
    defaults: Scenario,
    scenario: Scenario,
    notices: Vec<ParamNotice>,
    page: PageOptions,
}

fn read_url() -> Startup {
    let window = web_sys::window();
    let cores = window
        .as_ref()
        .map(|w| w.navigator().hardware_concurrency() as u32)
        .unwrap_or(1);
    let search = window
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let defaults = Scenario::with_cores(cores);
    let (page, page_notices) = PageOptions::from_query(&search);
    // A lesson step brings its preset; values in the URL apply on top of it.
    let mut scenario = page
        .lesson
        .and_then(lesson::step)
        .map_or_else(|| defaults.clone(), |step| step.scenario(&defaults));
    let pairs = parse_query(&search);
    let mut notices = scenario.apply(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        &defaults,
    );
    notices.extend(page_notices);
    Startup {
        defaults,
        scenario,
        notices,
        page,
    }
}

/// The whole app.
#[component]
pub fn App() -> Html {
    let startup = use_memo((), |_| read_url());
    let state = use_reducer(|| {
        let mut state = State::new(startup.scenario.clone());
        state.notices = startup.notices.iter().map(ToString::to_string).collect();
        state.lesson_step = startup.page.lesson;
        state
    });
    let controller = use_controller(
        state.dispatcher(),
        startup.defaults.clone(),
        startup.scenario.clone(),
        startup.page.simulator,
        // An embed starts its workers when it is read, not on load: a docs page with
        // seven embeds would keep seven pools for a reader who only scrolls past.
        !startup.page.embed,
    );
    {
        let theme = startup.page.theme;
        use_effect_with((), move |_| {
            apply_theme(theme);
            // The app has drawn itself (effects run after the render, in the same task,
            // so no frame shows both or neither): the static skeleton of index.html goes.
            if let Some(skeleton) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("skeleton"))
            {
                skeleton.remove();
            }
            // In a frame, tell the host page our height after every layout change.
            let resizer = ParentResizer::start();
            let theme = ThemeFollower::start();
            move || drop((resizer, theme))
        });
    }
    {
        // An embed's workers: started once it has been in view for EMBED_DWELL_MS or
        // is used, and stopped once it has been out of view for EMBED_GONE_MS.
        let (embed, controller) = (startup.page.embed, controller.clone());
        use_effect_with((), move |_| {
            let watch = embed.then(|| {
                let (warm, release) = (controller.clone(), controller);
                InView::start(
                    EMBED_DWELL_MS,
                    EMBED_GONE_MS,
                    std::rc::Rc::new(move || warm.warm_workers()),
                    std::rc::Rc::new(move || release.release_workers()),
                )
            });
            move || drop(watch)
        });
    }
    let on_rehearsed = {
        let (controller, dispatcher) = (controller.clone(), state.dispatcher());
        let autorun = startup.page.autorun;
        use_callback((), move |(), _| {
            dispatcher.dispatch(Action::Rehearsed);
            if autorun {
                // After the rehearsal (see `rehearsal`); the controller also waits for
                // the simulator before the run starts.
                controller.run();
            }
        })
    };
    // NOTE: every callback is made once (use_callback), not on every render: a new
    // callback is a changed prop, and a changed prop draws its component again. Made
    // afresh, they drew every panel of the page on each of a run's redraws.
    let on_choose = use_callback(
        (state.dispatcher(), controller.clone()),
        |target: Option<u32>, (dispatcher, controller)| {
            dispatcher.dispatch(Action::StepChosen(target));
            show_lesson_in_url(target);
            if let Some(step) = target.and_then(lesson::step) {
                controller.load(step.scenario(&controller.defaults()));
            }
        },
    );
    let step = state.lesson_step.and_then(lesson::step);
    let on_variant = use_callback(
        (controller.clone(), step.map(|s| s.id)),
        |i: usize, (controller, id)| {
            if let Some(variant) = id.and_then(lesson::step).and_then(|s| s.variants.get(i)) {
                controller.load(variant.scenario(&controller.defaults()));
                controller.run();
            }
        },
    );
    let variant = step.and_then(|s| {
        s.variants
            .iter()
            .position(|v| v.scenario(&startup.defaults) == state.scenario)
    });
    // The verdict belongs to the run of the scenario on screen, not to a run of
    // another step.
    let verdict = match (step, &state.run) {
        (Some(step), Some(run)) if run.scenario == state.scenario => {
            lesson::verdict(Some(step.id), run, &state.main.clone().unwrap_or_default())
        }
        _ => Vec::new(),
    };
    let embed_open = use_state(|| false);
    let on_embed = {
        let embed_open = embed_open.clone();
        Callback::from(move |_: MouseEvent| embed_open.set(!*embed_open))
    };
    let on_embed_close = {
        let embed_open = embed_open.clone();
        Callback::from(move |_| embed_open.set(false))
    };
    let on_input = use_callback(controller.clone(), |(at, delay): (f64, f64), controller| {
        controller.record_input(at, delay)
    });
    let on_probe = use_callback(controller.clone(), |targets: Vec<web_sys::Element>, c| {
        c.watch_probe(targets)
    });
    let on_edit = use_callback(controller.clone(), |(k, v): (String, String), c| {
        c.edit([(k.as_str(), v.as_str())])
    });
    let on_run = use_callback(controller.clone(), |_: (), c| {
        c.run();
    });
    let on_cancel = use_callback(controller.clone(), |_: (), c| c.cancel());
    let on_export = use_callback(controller.clone(), |_: (), c| {
        c.export_trace();
    });
    let on_reset = use_callback(controller.clone(), |_: (), c| c.reset());
    let on_scrub = use_callback(state.dispatcher(), |words: String, dispatcher| {
        dispatcher.dispatch(Action::Scrubbed(words))
    });
    let on_compare = use_callback(state.dispatcher(), |ids: Vec<u32>, dispatcher| {
        dispatcher.dispatch(Action::Compare(ids))
    });
    let on_compare_toggle = use_callback(state.dispatcher(), |id: u32, dispatcher| {
        dispatcher.dispatch(Action::CompareToggled(id))
    });
    // The last two finished runs, the earlier first.
    let last_two: Option<Vec<u32>> = (state.history.len() >= 2)
        .then(|| vec![state.history[1].run_id(), state.history[0].run_id()]);
    let on_compare_last = use_callback(
        (on_compare.clone(), last_two.clone()),
        |(), (on_compare, last_two)| on_compare.emit(last_two.clone().unwrap_or_default()),
    );
    // Steps 3 and 4 and step 5's variants are contrasts: each offers its comparison.
    let step_compare = step
        .filter(|s| matches!(s.id, 3..=5) && last_two.is_some())
        .map(|_| on_compare_last.clone());
    let compared: Option<[crate::ui::state::PastRun; 2]> = {
        let mut picked: Vec<_> = state
            .history
            .iter()
            .filter(|r| state.compare.contains(&r.run_id()))
            .cloned()
            .collect();
        picked.sort_by_key(|r| r.run_id());
        picked.try_into().ok()
    };
    let on_dismiss = use_callback(state.dispatcher(), |_: (), dispatcher| {
        dispatcher.dispatch(Action::NoticesDismissed)
    });
    let status = match (&state.run, &state.simulator) {
        (Some(run), _) if run.outcome == RunOutcome::Running => "running",
        (Some(run), _) if run.outcome == RunOutcome::Cancelled => "cancelled",
        (Some(_), _) => "done",
        (None, SimulatorStatus::Starting) => "starting the latency simulator…",
        // The first-use rehearsal (see `rehearsal`) ends before "ready" is shown.
        (None, _) if !state.rehearsed => "starting…",
        (None, SimulatorStatus::Ready | SimulatorStatus::InPage(_)) => "ready",
    };
    let embed = startup.page.embed;
    // The one live region: each run's result, said once when it ends (not every frame,
    // not every row).
    let announcement = match &state.run {
        // The one live region also says where the scrub cursor stepped.
        Some(run) if run.outcome != RunOutcome::Running && state.scrubbed.is_some() => {
            state.scrubbed.clone().unwrap_or_default()
        }
        Some(run) if run.outcome == RunOutcome::Finished => {
            let main = state.main.clone().unwrap_or_default();
            let errors = run.docs.iter().filter(|d| d.error.is_some()).count();
            // Not measured is said as such, never as 0 (see MainThreadReport).
            let tasks = match (main.longest_task_ms, &main.long_tasks) {
                (Some(longest), Some(tasks)) => format!(
                    "longest main-thread task {longest:.0} ms, {} long tasks",
                    tasks.len()
                ),
                _ => "long tasks not measured in this browser".to_string(),
            };
            format!(
                "Run {} finished in {:.0} ms: {tasks}, {} frames dropped, {errors} errors.",
                run.run_id,
                run.elapsed_ms(run.started_ms),
                main.dropped_frames
            )
        }
        Some(run) if run.outcome == RunOutcome::Cancelled => {
            format!("Run {} cancelled.", run.run_id)
        }
        _ => String::new(),
    };
    html! {
        <div class={classes!("app", embed.then_some("embed"), step.is_some().then_some("in-lesson"))}>
            // While the simulator and the workers start: see `rehearsal` for why.
            if !state.rehearsed {
                <Rehearsal scenario={startup.scenario.clone()} on_done={on_rehearsed} />
            }
            <header>
                <h1>{ "Event Loop Lab" }</h1>
                <p class="tagline">{ "What blocks the browser's event loop? Press Run, change one thing, run again." }</p>
                <p class="status">{ "status: " }<span data-testid="status">{ status }</span></p>
                <button class="link" data-testid="embed" onclick={on_embed} aria-expanded={(*embed_open).to_string()}>{ "Embed" }</button>
            </header>
            <p class="sr-only" role="status" aria-atomic="true" data-testid="announce">{ announcement }</p>
            if !embed {
                <LessonNav current={step.map(|s| s.id)} on_choose={on_choose.clone()} />
            }
            if *embed_open {
                <EmbedPanel scenario={state.scenario.clone()} on_close={on_embed_close} />
            }
            <Notices notices={state.notices.clone()} simulator={state.simulator.clone()} {on_dismiss} />
            <main>
                <div class="side">
                    if let Some(step) = step {
                        <StepPanel {step} {variant} running={state.running()} {verdict}
                            on_run={on_variant} on_cancel={on_cancel.clone()} on_choose={on_choose.clone()}
                            on_compare={step_compare} />
                        <details class="adjust">
                            <summary>{ "Change the scenario" }</summary>
                            <Controls scenario={state.scenario.clone()} running={state.running()} {on_edit} {on_run} {on_cancel} {on_reset} />
                        </details>
                    } else {
                        if !embed {
                            <StartHere on_choose={on_choose.clone()} />
                        }
                        <Controls scenario={state.scenario.clone()} running={state.running()} {on_edit} {on_run} {on_cancel} {on_reset} />
                    }
                </div>
                <div class="stage">
                    <Heartbeat main={state.main.clone()} {on_input} {on_probe} />
                    if let Some(run) = &state.run {
                        <DocumentRows run={run.clone()} now_ms={state.now_ms} main={state.main.clone()} support={state.support} on_scrub={on_scrub.clone()} />
                    } else {
                        <section class="documents empty"><p>{ "The documents of a run appear here: one row each, a bar for waiting on the server and one for parsing." }</p></section>
                    }
                    if let Some(runs) = compared {
                        <Compare {runs} on_scrub={on_scrub.clone()} on_close={on_compare.reform(|()| Vec::new())} />
                    }
                    <Summary run={state.run.clone()} now_ms={state.now_ms} history={state.history.clone()} main={state.main.clone()} {on_export}
                        compare={state.compare.clone()} {on_compare_toggle} {on_compare_last} />
                    <Lesson run={state.run.clone()} main={state.main.clone()} step={step.map(|s| s.id)} folded={embed} />
                </div>
            </main>
        </div>
    }
}
