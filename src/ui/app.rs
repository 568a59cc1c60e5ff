//! The root component: reads the URL once, owns the reducer and the controller,
//! and lays out the screen.

use yew::prelude::*;

use crate::lab::report::RunOutcome;
use crate::lab::scenario::{parse_query, ParamNotice, Scenario};
use crate::ui::components::controls::Controls;
use crate::ui::components::document_rows::DocumentRows;
use crate::ui::components::heartbeat::Heartbeat;
use crate::ui::components::lesson::Lesson;
use crate::ui::components::notices::Notices;
use crate::ui::components::summary::Summary;
use crate::ui::hooks::use_controller;
use crate::ui::state::{Action, SimulatorStatus, State};

struct Startup {
    defaults: Scenario,
    scenario: Scenario,
    notices: Vec<ParamNotice>,
    autorun: bool,
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
    let (scenario, notices) = Scenario::from_query(&search, &defaults);
    let autorun = parse_query(&search)
        .iter()
        .any(|(k, v)| k == "autorun" && matches!(v.as_str(), "1" | "true" | "yes" | ""));
    Startup {
        defaults,
        scenario,
        notices,
        autorun,
    }
}

/// The whole app.
#[component]
pub fn App() -> Html {
    let startup = use_memo((), |_| read_url());
    let state = use_reducer(|| {
        let mut state = State::new(startup.scenario.clone());
        state.notices = startup.notices.iter().map(ToString::to_string).collect();
        state
    });
    let controller = use_controller(
        state.dispatcher(),
        startup.defaults.clone(),
        startup.scenario.clone(),
    );
    {
        let controller = controller.clone();
        let autorun = startup.autorun;
        use_effect_with((), move |_| {
            if autorun {
                // The controller waits for the simulator before the run starts.
                controller.run();
            }
        });
    }
    let on_input = {
        let controller = controller.clone();
        Callback::from(move |(at, delay): (f64, f64)| controller.record_input(at, delay))
    };
    let on_edit = {
        let controller = controller.clone();
        Callback::from(move |(k, v): (String, String)| controller.edit([(k.as_str(), v.as_str())]))
    };
    let on_run = {
        let controller = controller.clone();
        Callback::from(move |_| {
            controller.run();
        })
    };
    let on_cancel = {
        let controller = controller.clone();
        Callback::from(move |_| controller.cancel())
    };
    let on_reset = {
        let controller = controller.clone();
        Callback::from(move |_| controller.reset())
    };
    let on_dismiss = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::NoticesDismissed))
    };
    let status = match (&state.run, &state.simulator) {
        (Some(run), _) if run.outcome == RunOutcome::Running => "running",
        (Some(run), _) if run.outcome == RunOutcome::Cancelled => "cancelled",
        (Some(_), _) => "done",
        (None, SimulatorStatus::Starting) => "starting the latency simulator…",
        (None, SimulatorStatus::Ready) => "ready",
        (None, SimulatorStatus::Failed(_)) => "simulator unavailable",
    };
    html! {
        <div class="app">
            <header>
                <h1>{ "Event Loop Lab" }</h1>
                <p class="tagline">{ "What blocks the browser's event loop? Press Run, change one thing, run again." }</p>
                <p class="status" role="status">{ "status: " }<span data-testid="status">{ status }</span></p>
            </header>
            <Notices notices={state.notices.clone()} simulator={state.simulator.clone()} {on_dismiss} />
            <main>
                <Controls scenario={state.scenario.clone()} running={state.running()} {on_edit} {on_run} {on_cancel} {on_reset} />
                <div class="stage">
                    <Heartbeat main={state.main.clone()} {on_input} />
                    if let Some(run) = &state.run {
                        <DocumentRows run={run.clone()} now_ms={state.now_ms} main={state.main.clone()} support={state.support} />
                    } else {
                        <section class="documents empty"><p>{ "The documents of a run appear here: one row each, a bar for waiting on the server and one for parsing." }</p></section>
                    }
                    <Summary run={state.run.clone()} now_ms={state.now_ms} history={state.history.clone()} main={state.main.clone()} />
                    <Lesson run={state.run.clone()} />
                </div>
            </main>
        </div>
    }
}
