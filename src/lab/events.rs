//! What the run controller tells the screen, named after what happened. Plain data,
//! so the UI's state depends on the pure core alone and never on browser glue.

use super::report::{RunEvent, RunLog, RunOutcome};
use super::scenario::{ParamNotice, Scenario};
use super::timeline::{MainThreadReport, Support};

/// Something that happened to the lab.
#[derive(Debug, Clone, PartialEq)]
pub enum LabEvent {
    /// The scenario changed (controls, URL or `run(config)`).
    ScenarioChanged(Scenario),
    /// Some values could not be used as given.
    NoticesRaised(Vec<ParamNotice>),
    /// The latency simulator is ready: the service worker controls the page, or
    /// (`in_page` says why) the page simulates latency itself.
    SimulatorReady {
        /// Why the in-page simulator is used, if it is.
        in_page: Option<String>,
    },
    /// A run started.
    RunStarted(RunLog),
    /// Several events at once: what happened since the screen was last drawn (about
    /// five times a second during a run; see `browser::controller`). Drawing in batches
    /// keeps the measuring from causing the freezes it measures.
    Batch(Vec<LabEvent>),
    /// The browser's instruments (which are missing is shown in the UI).
    InstrumentsDetected(Support),
    /// What the main thread did so far in run `run_id` (sent ~5 times a second).
    MainThreadMeasured {
        /// Which run.
        run_id: u32,
        /// When.
        now_ms: f64,
        /// Frames, long tasks, inputs since the run started.
        main: MainThreadReport,
    },
    /// A document of run `run_id` moved on.
    DocProgressed {
        /// Which run.
        run_id: u32,
        /// What happened.
        event: RunEvent,
    },
    /// Run `run_id` ended.
    RunEnded {
        /// Which run.
        run_id: u32,
        /// Finished or cancelled.
        outcome: RunOutcome,
        /// When.
        at_ms: f64,
        /// The main thread during the whole run.
        main: MainThreadReport,
    },
}
