//! The first-use rehearsal: while the latency simulator and the workers start, the
//! run view (rows, summary, lesson) is drawn a few times into a hidden element and
//! dropped, so that a learner's first press of Run draws with warm code. The status
//! says "ready" only once it is done.
//!
//! NOTE: why. A fresh page's first worker run showed one main-thread task of
//! 55–85 ms at its start that later runs did not show. A CDP trace of that run
//! (Chromium 156, 2 cores) showed two one-off costs of the wasm module, which V8
//! compiles lazily: ~30 functions compiled (Liftoff) on their first call inside
//! that task, as the first rows were drawn, and 40–70 ms of top-tier (TurboFan)
//! compiling of the drawing code on background threads in the run's first 400 ms,
//! which on two cores takes CPU from the main thread just then. A second run had
//! neither. Drawing the same components a dozen times, one task apart, makes V8 do
//! both here, where nobody waits and nothing is measured: after it, the first
//! run's first 400 ms held no top-tier compiling and ~12 lazy compiles.
//!
//! The host element is in the document (hidden, inert, `position: fixed`), not
//! detached: the browser's own first styling and layout of rows are first-use costs
//! too. Measured with the CPU 4× slower, the first frame of a fresh page's 32-document
//! worker run took 70–118 ms with a detached host against 47–82 ms for the same frame
//! in a later run (which also creates its rows); with the host in the document, 51–85
//! ms against 43–59 ms. It never touches the network or the workers.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::browser::clock::{next_message_task, now_ms};
use crate::browser::measures::{measure, Colour};
use crate::lab::error::LabError;
#[cfg(test)]
use crate::lab::report::RunOutcome;
use crate::lab::report::{RunEvent, RunLog};
use crate::lab::scenario::Scenario;
use crate::lab::timeline::{Gap, InputSample, LongTask, MainThreadReport};
use crate::lab::work::WorkSummary;
use crate::ui::components::document_rows::DocumentRows;
use crate::ui::components::lesson::Lesson;
use crate::ui::components::summary::{History, Summary};
use crate::ui::state::PastRun;

/// How many times the views are drawn, one task each.
const REHEARSAL_DRAWS: u32 = 12;

/// Props of [`Rehearsal`].
#[derive(Properties, PartialEq)]
pub struct RehearsalProps {
    /// The scenario whose run view is rehearsed (its number of documents).
    pub scenario: Scenario,
    /// Called once, after the last step.
    pub on_done: Callback<()>,
}

/// The run view, as [`crate::ui::app::App`] draws it during and after a run, drawn
/// through a portal into a hidden element (class `rehearsal`): laid out, never seen,
/// painted or announced, and removed with the component. Step 0 draws nothing (the
/// app's first render stays as light as it was); steps 1 to `REHEARSAL_DRAWS` (12)
/// draw one run view, one task apart, as a run goes: just started, then in progress
/// with a document in every state and the clock moved on at each step, then finished.
/// Shows as "first-use rehearsal" on the app's track in a DevTools recording.
///
/// NOTE: one view, updated as a real run's view is: its rows are created once, then
/// their bars grow. Three views side by side, created one per step, took the first
/// three steps 310 ms of the main thread at CPU 4× (Chrome trace, fresh page, 1.6
/// Mbit/s: 30-40 ms of script and 35-65 ms of layout each), and "ready" waited for
/// them. Nor does the view change its moment at every step: each change redraws most
/// of it, and twelve such steps cost 25 ms each at CPU 4× where a moved clock costs
/// under 8.
#[component]
pub fn Rehearsal(props: &RehearsalProps) -> Html {
    let host = use_memo((), |_| {
        let document = web_sys::window()?.document()?;
        let host = document.create_element("div").ok()?;
        // In the document, so that the browser styles and lays the rows out (its own
        // first-use costs), but hidden from sight, from pointers and from assistive
        // technology; fixed, so it never changes the page's scroll height.
        host.set_class_name("rehearsal");
        let _ = host.set_attribute("aria-hidden", "true");
        let _ = host.set_attribute("inert", "");
        let _ = document.body()?.append_child(&host);
        Some(host)
    });
    {
        let host = (*host).clone();
        use_effect_with((), move |_| {
            move || host.into_iter().for_each(|h| h.remove())
        });
    }
    let views = use_memo(props.scenario.clone(), |scenario| {
        let runs = [
            just_started(scenario),
            every_state(scenario),
            finished(scenario),
        ];
        (runs, vec![past_run(scenario)])
    });
    let started_ms = use_memo((), |_| now_ms());
    let step = use_state(|| 0_u32);
    {
        let (step, on_done, started_ms) = (step.clone(), props.on_done.clone(), *started_ms);
        let last = if host.is_some() { REHEARSAL_DRAWS } else { 0 };
        use_effect_with(*step, move |&n| {
            spawn_local(async move {
                next_message_task().await;
                if n < last {
                    step.set(n + 1);
                } else {
                    measure(
                        "first-use rehearsal",
                        started_ms,
                        now_ms(),
                        "page",
                        Colour::Secondary,
                    );
                    on_done.emit(());
                }
            });
        });
    }
    let Some(host) = (*host).clone() else {
        return Html::default();
    };
    if *step == 0 {
        return Html::default();
    }
    let moved_ms = f64::from(*step) * 16.0;
    let (runs, history) = &*views;
    // Just started, then in progress with its bars growing, then finished.
    let moment = match *step {
        1 => 0,
        n if n < REHEARSAL_DRAWS => 1,
        _ => 2,
    };
    let (run, main) = &runs[moment];
    let now_ms = run.ended_ms.unwrap_or(run.started_ms + 1_000.0 + moved_ms);
    create_portal(
        html! {
            <>
            <DocumentRows run={run.clone()} {now_ms} main={Some(main.clone())} support={None} on_scrub={Callback::noop()} />
            <Summary run={Some(run.clone())} {now_ms} main={Some(main.clone())} on_export={Callback::noop()} />
            <Lesson run={Some(run.clone())} main={Some(main.clone())} step={None} />
            <History history={history.clone()} compare={Vec::new()} on_compare_toggle={Callback::noop()} on_compare_last={Callback::noop()} />
            </>
        },
        host,
    )
}

/// A run as its first frame shows it: every document fetching.
fn just_started(scenario: &Scenario) -> (RunLog, MainThreadReport) {
    let mut log = RunLog::new(0, scenario.clone(), 0.0);
    for doc in 1..=scenario.docs {
        log.apply(RunEvent::FetchStarted { doc, at_ms: 1.0 });
    }
    (log, MainThreadReport::default())
}

/// A run in progress with a document in every state, and a main thread with a
/// frame gap, a long task and an input, so every kind of bar and mark is drawn once.
fn every_state(scenario: &Scenario) -> (RunLog, MainThreadReport) {
    let mut log = RunLog::new(0, scenario.clone(), 0.0);
    let summary = WorkSummary {
        links: 1,
        words: 1,
        distinct_words: 1,
        hits: 1,
        fuzzy_hits: 1,
    };
    // Five documents in a row go through the five shapes a row can have.
    for doc in 1..=scenario.docs {
        let at = f64::from(doc);
        let shape = doc % 5;
        log.apply(RunEvent::FetchStarted { doc, at_ms: at });
        if shape == 0 {
            continue; // fetching
        }
        if shape == 1 {
            log.apply(RunEvent::Failed {
                doc,
                at_ms: at + 50.0,
                error: LabError::Timeout(20_000),
            });
            continue;
        }
        log.apply(RunEvent::Fetched {
            doc,
            at_ms: at + 100.0,
            bytes: 1_024,
            answered_ms: Some(at + 90.0),
        });
        if shape == 2 {
            continue; // waiting
        }
        let thread = if shape == 3 { "worker-1" } else { "main" };
        log.apply(RunEvent::ParseStarted {
            doc,
            at_ms: at + 120.0,
            thread: thread.into(),
        });
        log.apply(RunEvent::HandedOff { doc, cost_ms: 0.1 });
        if shape == 3 {
            log.apply(RunEvent::Parsed {
                doc,
                at_ms: at + 200.0,
                summary,
                work_ms: 80.0,
            });
        }
    }
    let main = MainThreadReport {
        longest_task_ms: Some(60.0),
        long_tasks: Some(vec![LongTask {
            start_ms: 120.0,
            duration_ms: 60.0,
            cause: "parse doc 2".into(),
        }]),
        long_animation_frames: Some(1),
        frames: 10,
        max_frame_gap_ms: 70.0,
        dropped_frames: 3,
        hidden_ms: 0.0,
        hidden: Vec::new(),
        frame_gaps: vec![Gap {
            start_ms: 115.0,
            duration_ms: 70.0,
        }],
        input_delay_p95_ms: Some(30.0),
        inputs: vec![InputSample {
            at_ms: 130.0,
            delay_ms: 30.0,
        }],
        own_ms: Some(12.0),
    };
    (log, main)
}

/// The same run once it ended (what was not finished is cancelled).
fn finished(scenario: &Scenario) -> (RunLog, MainThreadReport) {
    let (mut log, main) = every_state(scenario);
    log.finish(300.0);
    (log, main)
}

fn past_run(scenario: &Scenario) -> PastRun {
    let (log, main) = finished(scenario);
    PastRun { log, main }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::report::DocState;

    #[test]
    fn the_rehearsed_runs_cover_every_state() {
        let scenario = Scenario::with_cores(2);
        let (started, _) = just_started(&scenario);
        assert_eq!(started.outcome, RunOutcome::Running);
        let (log, _) = every_state(&scenario);
        for state in [
            DocState::Fetching,
            DocState::AwaitingThread,
            DocState::Parsing,
            DocState::Done,
            DocState::Error,
        ] {
            assert!(log.docs.iter().any(|d| d.state == state), "{state:?}");
        }
        let (log, _) = finished(&scenario);
        assert_eq!(log.outcome, RunOutcome::Finished);
    }
}
