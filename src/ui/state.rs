//! The app's one reducer. Actions are the controller's events (named after what
//! happened) plus the few the UI raises itself.

use std::rc::Rc;

use yew::Reducible;

use crate::browser::controller::LabEvent;
use crate::lab::report::{RunLog, RunOutcome};
use crate::lab::scenario::Scenario;

/// How many past runs the comparison table keeps.
pub const HISTORY_LEN: usize = 6;

/// The latency simulator's state, as shown in the status line.
#[derive(Debug, Clone, PartialEq)]
pub enum SimulatorStatus {
    /// Installing (first visit) or starting.
    Starting,
    /// Controls the page.
    Ready,
    /// Cannot run here; the text says why.
    Failed(String),
}

/// One finished run, for the side-by-side comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct PastRun {
    /// Its scenario.
    pub scenario: Scenario,
    /// Wall time, ms.
    pub total_ms: f64,
    /// Best possible, ms.
    pub ideal_ms: f64,
    /// Documents that failed.
    pub errors: usize,
}

/// Everything the screen shows.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The scenario the next run uses.
    pub scenario: Scenario,
    /// Values that could not be used as given, as sentences.
    pub notices: Vec<String>,
    /// The latency simulator.
    pub simulator: SimulatorStatus,
    /// The current or last run.
    pub run: Option<RunLog>,
    /// `performance.now()` of the last UI tick during a run (for open spans).
    pub now_ms: f64,
    /// Finished runs, newest first.
    pub history: Vec<PastRun>,
}

impl State {
    /// The initial state for `scenario`.
    pub fn new(scenario: Scenario) -> Self {
        Self {
            scenario,
            notices: Vec::new(),
            simulator: SimulatorStatus::Starting,
            run: None,
            now_ms: 0.0,
            history: Vec::new(),
        }
    }

    /// Whether a run is in progress.
    pub fn running(&self) -> bool {
        self.run
            .as_ref()
            .is_some_and(|r| r.outcome == RunOutcome::Running)
    }
}

/// What can happen to the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Something the controller reported.
    Lab(LabEvent),
    /// A frame passed during a run (moves open spans on the screen).
    FrameTicked(f64),
    /// The user closed the notices.
    NoticesDismissed,
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let changed = match action {
            Action::Lab(LabEvent::ScenarioChanged(scenario)) => {
                let changed = next.scenario != scenario;
                next.scenario = scenario;
                changed
            }
            Action::Lab(LabEvent::NoticesRaised(notices)) => {
                next.notices.extend(notices.iter().map(ToString::to_string));
                true
            }
            Action::Lab(LabEvent::SimulatorReady) => {
                next.simulator = SimulatorStatus::Ready;
                true
            }
            Action::Lab(LabEvent::SimulatorFailed(error)) => {
                next.simulator = SimulatorStatus::Failed(error.to_string());
                true
            }
            Action::Lab(LabEvent::RunStarted(log)) => {
                next.now_ms = log.started_ms;
                next.run = Some(log);
                true
            }
            Action::Lab(LabEvent::DocProgressed { run_id, event }) => match next.run.as_mut() {
                Some(log) if log.run_id == run_id => log.apply(event),
                _ => false,
            },
            Action::Lab(LabEvent::RunEnded {
                run_id,
                outcome,
                at_ms,
            }) => match next.run.as_mut() {
                Some(log) if log.run_id == run_id => {
                    let ended = match outcome {
                        RunOutcome::Cancelled => log.cancel(at_ms),
                        _ => log.finish(at_ms),
                    };
                    if ended && outcome == RunOutcome::Finished {
                        let past = PastRun {
                            scenario: log.scenario.clone(),
                            total_ms: log.elapsed_ms(at_ms),
                            ideal_ms: log.ideal_ms(),
                            errors: log.docs.iter().filter(|d| d.error.is_some()).count(),
                        };
                        next.history.insert(0, past);
                        next.history.truncate(HISTORY_LEN);
                    }
                    next.now_ms = at_ms;
                    ended
                }
                _ => false,
            },
            Action::FrameTicked(now_ms) => {
                let running = next.running();
                if running {
                    next.now_ms = now_ms;
                }
                running
            }
            Action::NoticesDismissed => {
                let had = !next.notices.is_empty();
                next.notices.clear();
                had
            }
        };
        // A no-op returns the same Rc, so yew skips the render.
        if changed {
            Rc::new(next)
        } else {
            self
        }
    }
}
