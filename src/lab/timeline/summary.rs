//! What a run's main thread came to, as the report gives it (`main_thread`): the
//! summary that [`MainThreadLog`](super::MainThreadLog) makes of its measurements.

use serde::Serialize;

use super::InputSample;

/// A busy period in the report, with its cause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LongTask {
    /// Start, ms.
    pub start_ms: f64,
    /// Length, ms.
    pub duration_ms: f64,
    /// `"parse doc <n>"`, `"blocking wait in doc <n>"`, `"rendering"` or `"other work (the app, another frame)"`.
    pub cause: String,
}

/// A stretch with no animation frame, longer than two frames; or, in
/// `hidden`, a stretch the page was hidden.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Gap {
    /// The last frame before it, ms.
    pub start_ms: f64,
    /// Until the next frame, ms.
    pub duration_ms: f64,
}

/// The main thread during a run: the `main_thread` field of a report. The default
/// measured nothing (no instruments ran): its task figures are `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct MainThreadReport {
    /// Longest long task (0 when there was none), ms; `None` where the browser cannot
    /// measure tasks (see [`MainThreadReport::long_tasks`]).
    pub longest_task_ms: Option<f64>,
    /// Long tasks (Long Tasks API; long animation frames where it is missing); `None`
    /// where the browser has neither, so tasks were not measured (not "none").
    pub long_tasks: Option<Vec<LongTask>>,
    /// Long animation frames reported during the run; `None` where the browser has no
    /// Long Animation Frames API.
    pub long_animation_frames: Option<u32>,
    /// Animation frames drawn.
    pub frames: u32,
    /// Longest time between two frames while the page was visible, ms.
    pub max_frame_gap_ms: f64,
    /// Frames due but not drawn (summed over gaps longer than two frames), while the
    /// page was visible: a hidden page draws no frames and drops none.
    pub dropped_frames: u32,
    /// Time the page was hidden during the run, ms.
    pub hidden_ms: f64,
    /// The stretches the page was hidden.
    pub hidden: Vec<Gap>,
    /// The gaps longer than two frames.
    pub frame_gaps: Vec<Gap>,
    /// 95th percentile of input delay on the probe, if anyone typed.
    pub input_delay_p95_ms: Option<f64>,
    /// Input events on the probe.
    pub inputs: Vec<InputSample>,
}
