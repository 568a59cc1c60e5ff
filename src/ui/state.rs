//! The app's one reducer. Actions are the controller's events (named after what
//! happened) plus the few the UI raises itself.

use std::rc::Rc;

use yew::Reducible;

use crate::lab::events::LabEvent;
use crate::lab::report::{RunLog, RunOutcome};
use crate::lab::scenario::{FetchStrategy, ParseStrategy, Scenario};
use crate::lab::timeline::MainThreadReport;
use crate::lab::timeline::Support;

/// How many past runs the comparison table keeps.
pub const HISTORY_LEN: usize = 6;
/// How many notices are shown at most (the newest): a page that runs all day with a
/// scenario that raises one each run must not grow a list.
pub const MAX_NOTICES: usize = 8;

/// The latency simulator's state, as shown in the status line.
#[derive(Debug, Clone, PartialEq)]
pub enum SimulatorStatus {
    /// Installing (first visit) or starting.
    Starting,
    /// The service worker controls the page.
    Ready,
    /// The page simulates latency itself; the text says why.
    InPage(String),
}

/// One finished run: its record and what the main thread did, for the Last runs table
/// and for drawing it again beside another run. Every figure is read from these two.
#[derive(Debug, Clone, PartialEq)]
pub struct PastRun {
    /// Its record (ended).
    pub log: RunLog,
    /// The main thread during it.
    pub main: MainThreadReport,
}

impl PastRun {
    /// Its run's id.
    pub fn run_id(&self) -> u32 {
        self.log.run_id
    }

    /// Its scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.log.scenario
    }

    /// Wall time, ms.
    pub fn total_ms(&self) -> f64 {
        self.log.elapsed_ms(self.log.started_ms)
    }

    /// Documents that failed.
    pub fn errors(&self) -> usize {
        self.log.docs.iter().filter(|d| d.error.is_some()).count()
    }

    /// Long tasks (50 ms or more; `None`: this browser cannot measure tasks).
    pub fn long_tasks(&self) -> Option<usize> {
        self.main.long_tasks.as_ref().map(Vec::len)
    }

    /// How it fetched, in a few words: `concurrent`, `concurrent, 2 at a time`.
    pub fn fetch_words(&self) -> String {
        let s = self.scenario();
        match s.limit {
            Some(k) if s.fetch == FetchStrategy::Concurrent => format!("concurrent, {k} at a time"),
            _ => s.fetch.to_string(),
        }
    }

    /// How it parsed, in a few words: `blocking`, `sliced, frame`, `worker ×2`.
    pub fn parse_words(&self) -> String {
        let s = self.scenario();
        match s.parse {
            ParseStrategy::Worker => format!("worker ×{}", s.workers),
            ParseStrategy::Sliced => format!("sliced, {}", s.yield_kind),
            ParseStrategy::Blocking => "blocking".to_string(),
        }
    }
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
    /// `performance.now()` of the last measurement during a run (for open spans).
    pub now_ms: f64,
    /// The main thread during the current or last run.
    pub main: Option<MainThreadReport>,
    /// Which of the browser's instruments are available.
    pub support: Option<Support>,
    /// Finished runs, newest first.
    pub history: Vec<PastRun>,
    /// Whether the first-use rehearsal has run (see [`crate::ui::rehearsal`]).
    pub rehearsed: bool,
    /// The lesson step that is open (`1..=7`), or `None` for the free lab.
    pub lesson_step: Option<u32>,
    /// What the last run's scrub cursor said at its last keyboard step: the one live
    /// region announces it. Cleared when a run starts.
    pub scrubbed: Option<String>,
    /// The runs of [`history`](Self::history) chosen for comparison, by id, in the
    /// order chosen (at most two; the view opens with two).
    pub compare: Vec<u32>,
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
            main: None,
            support: None,
            history: Vec::new(),
            rehearsed: false,
            lesson_step: None,
            scrubbed: None,
            compare: Vec::new(),
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
    /// The user closed the notices.
    NoticesDismissed,
    /// The first-use rehearsal ended.
    Rehearsed,
    /// The learner opened a lesson step (`Some(1..=7)`) or the free lab (`None`).
    StepChosen(Option<u32>),
    /// The scrub cursor moved by keyboard to an instant, said in these words.
    Scrubbed(String),
    /// Runs chosen for comparison (by id; empty closes the view).
    Compare(Vec<u32>),
    /// One run of the Last runs table ticked or unticked for comparison.
    CompareToggled(u32),
}

impl State {
    /// Applies one controller event; returns whether anything changed.
    fn apply(&mut self, event: LabEvent) -> bool {
        match event {
            LabEvent::Batch(events) => {
                // Every event is applied: no short-circuit.
                let mut changed = false;
                for event in events {
                    changed |= self.apply(event);
                }
                changed
            }
            LabEvent::ScenarioChanged(scenario) => {
                let changed = self.scenario != scenario;
                self.scenario = scenario;
                changed
            }
            LabEvent::NoticesRaised(notices) => {
                let before = self.notices.clone();
                for notice in notices.iter().map(ToString::to_string) {
                    // The same words again (the same scenario run again) add nothing.
                    if !self.notices.contains(&notice) {
                        self.notices.push(notice);
                    }
                }
                let extra = self.notices.len().saturating_sub(MAX_NOTICES);
                self.notices.drain(..extra);
                self.notices != before
            }
            LabEvent::InstrumentsDetected(support) => {
                self.support = Some(support);
                true
            }
            LabEvent::SimulatorReady { in_page } => {
                self.simulator = in_page.map_or(SimulatorStatus::Ready, SimulatorStatus::InPage);
                true
            }
            LabEvent::RunStarted(log) => {
                self.scrubbed = None;
                self.now_ms = log.started_ms;
                self.run = Some(log);
                self.main = None;
                true
            }
            LabEvent::DocProgressed { run_id, event } => match self.run.as_mut() {
                Some(log) if log.run_id == run_id => log.apply(event),
                _ => false,
            },
            LabEvent::MainThreadMeasured {
                run_id,
                now_ms,
                main,
            } => match &self.run {
                Some(log) if log.run_id == run_id && log.outcome == RunOutcome::Running => {
                    self.now_ms = now_ms;
                    self.main = Some(main);
                    true
                }
                _ => false,
            },
            LabEvent::RunEnded {
                run_id,
                outcome,
                at_ms,
                main,
            } => {
                let Some(log) = self.run.as_mut().filter(|log| log.run_id == run_id) else {
                    return false;
                };
                let ended = match outcome {
                    RunOutcome::Cancelled => log.cancel(at_ms),
                    _ => log.finish(at_ms),
                };
                if ended && outcome == RunOutcome::Finished {
                    let past = PastRun {
                        log: log.clone(),
                        main: main.clone(),
                    };
                    self.history.insert(0, past);
                    self.history.truncate(HISTORY_LEN);
                    // A run that left the table leaves the comparison too.
                    let kept: Vec<u32> = self.history.iter().map(PastRun::run_id).collect();
                    self.compare.retain(|id| kept.contains(id));
                }
                self.now_ms = at_ms;
                self.main = Some(main);
                ended
            }
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let changed = match action {
            Action::Lab(event) => next.apply(event),
            Action::Rehearsed => !std::mem::replace(&mut next.rehearsed, true),
            Action::StepChosen(step) => std::mem::replace(&mut next.lesson_step, step) != step,
            Action::Compare(ids) => std::mem::replace(&mut next.compare, ids.clone()) != ids,
            Action::CompareToggled(id) => {
                if let Some(i) = next.compare.iter().position(|&c| c == id) {
                    next.compare.remove(i);
                } else {
                    next.compare.push(id);
                    // Two at most: the one chosen first gives way.
                    if next.compare.len() > 2 {
                        next.compare.remove(0);
                    }
                }
                true
            }
            Action::Scrubbed(words) => {
                let words = Some(words);
                std::mem::replace(&mut next.scrubbed, words.clone()) != words
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::scenario::ParamNotice;

    fn not_a_number(value: &str) -> ParamNotice {
        ParamNotice::NotANumber {
            param: "docs".into(),
            value: value.into(),
            used: 6,
        }
    }

    #[test]
    fn a_notice_is_shown_once_and_the_list_keeps_the_newest() {
        let mut state = State::new(Scenario::with_cores(2));
        // The same bad value raised by every run: one notice, and no change to draw.
        assert!(state.apply(LabEvent::NoticesRaised(vec![not_a_number("x")])));
        for _ in 0..100 {
            assert!(!state.apply(LabEvent::NoticesRaised(vec![not_a_number("x")])));
        }
        assert_eq!(state.notices, [not_a_number("x").to_string()]);
        // Twenty different ones: the newest MAX_NOTICES stay, oldest first.
        for i in 0..20 {
            state.apply(LabEvent::NoticesRaised(vec![not_a_number(&format!(
                "v{i}"
            ))]));
        }
        let newest: Vec<String> = (12..20)
            .map(|i| not_a_number(&format!("v{i}")).to_string())
            .collect();
        assert_eq!(state.notices, newest);
        assert_eq!(state.notices.len(), MAX_NOTICES);
    }
}
