//! What a run's main thread came to, as the report gives it (`main_thread`): the
//! summary that [`MainThreadLog`](super::MainThreadLog) makes of its measurements, each
//! long task's cause ([`attribute`]) and the input-delay percentile.

use serde::Serialize;

use crate::lab::sort::{sort_by, sort_ms};

use super::{FrameTally, InputSample, Interval, MainThreadLog, TaskSource, WorkSpan};

/// A busy period in the report, with its cause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LongTask {
    /// Start, ms.
    pub start_ms: f64,
    /// Length, ms.
    pub duration_ms: f64,
    /// `"parse doc <n>"`, `"blocking wait in doc <n>"`, [`LAB_DRAWING`] or
    /// `"other work (not the lab's)"`.
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
    /// The main-thread time the lab itself used during the run, ms: its frame
    /// callbacks and the rendering after them, and its driver's turns, as the page
    /// measured them, less the documents' own work on the main thread (parses, slices,
    /// held waits). `None` when nothing was measured.
    pub own_ms: Option<f64>,
}

/// The cause of a long task that no document's work overlapped and that the lab's own
/// drawing and code (its measured spans, or a long animation frame's rendering)
/// covered for the most part.
pub const LAB_DRAWING: &str = "the lab's drawing";

impl MainThreadLog {
    /// Summarizes `[from_ms, to_ms]`, attributing each long task to the document whose
    /// main-thread work (`work`) overlapped it most.
    pub fn summarize(&self, from_ms: f64, to_ms: f64, work: &[WorkSpan]) -> MainThreadReport {
        // Frames of this window that left the history are in the folded totals; the
        // frame before the window counts too: the gap from it into the window is real.
        let folded = self
            .folded
            .as_ref()
            .filter(|f| f.since_ms <= from_ms && f.last_ms.is_some_and(|t| t >= from_ms));
        let mut tally = folded.cloned().unwrap_or_else(|| {
            let before = self.frames.iter().rev().find(|&&t| t < from_ms).copied();
            FrameTally::new(from_ms, before)
        });
        for &t in self.frames.iter().filter(|&&t| t >= from_ms && t <= to_ms) {
            self.count_frame(&mut tally, t, usize::MAX);
        }
        let hidden: Vec<Gap> = self
            .hidden
            .iter()
            .filter(|&&(s, e)| s <= to_ms && e.is_none_or(|e| e >= from_ms))
            .map(|&(s, e)| {
                let start_ms = s.max(from_ms);
                Gap {
                    start_ms,
                    duration_ms: e.unwrap_or(to_ms).min(to_ms) - start_ms,
                }
            })
            .collect();
        let in_window = |start: f64, duration: f64| start + duration >= from_ms && start <= to_ms;
        // The Long Tasks API is the reference; long animation frames stand in only in a
        // browser that lacks it. With neither, tasks are not measured at all.
        let wanted = if self.long_tasks_api {
            Some(TaskSource::Longtask)
        } else if self.long_animation_frame_api {
            Some(TaskSource::LongAnimationFrame)
        } else {
            None
        };
        // The lab's own stretches in the window, as measured around its own code.
        let within = |spans: &std::collections::VecDeque<Interval>| -> Vec<Interval> {
            spans
                .iter()
                .filter(|o| o.end_ms > from_ms && o.start_ms < to_ms)
                .map(|o| Interval {
                    start_ms: o.start_ms.max(from_ms),
                    end_ms: o.end_ms.min(to_ms),
                })
                .collect()
        };
        let own = within(&self.own);
        // For attribution, with the rendering phases of long animation frames: all the
        // rendering on this page is the lab's drawing.
        let lab_own: Vec<(f64, f64)> = self
            .tasks
            .iter()
            .filter(|t| t.source == TaskSource::LongAnimationFrame && t.render_ms > 0.0)
            .map(|t| {
                (
                    t.start_ms + t.duration_ms - t.render_ms,
                    t.start_ms + t.duration_ms,
                )
            })
            .chain(own.iter().map(|o| (o.start_ms, o.end_ms)))
            .collect();
        let long_tasks: Option<Vec<LongTask>> = wanted.map(|wanted| {
            self.tasks
                .iter()
                .filter(|t| t.source == wanted && in_window(t.start_ms, t.duration_ms))
                .map(|t| LongTask {
                    start_ms: t.start_ms,
                    duration_ms: t.duration_ms,
                    cause: attribute(t.start_ms, t.duration_ms, work, &lab_own),
                })
                .collect()
        });
        let long_animation_frames = self.long_animation_frame_api.then(|| {
            self.tasks
                .iter()
                .filter(|t| {
                    t.source == TaskSource::LongAnimationFrame
                        && in_window(t.start_ms, t.duration_ms)
                })
                .count() as u32
        });
        let inputs: Vec<InputSample> = self
            .inputs
            .iter()
            .copied()
            .filter(|i| i.at_ms >= from_ms && i.at_ms <= to_ms)
            .collect();
        let delays: Vec<f64> = inputs.iter().map(|i| i.delay_ms).collect();
        MainThreadReport {
            longest_task_ms: long_tasks
                .as_ref()
                .map(|tasks| tasks.iter().map(|t| t.duration_ms).fold(0.0, f64::max)),
            long_tasks,
            long_animation_frames,
            frames: tally.frames,
            // Not `sum()`: the sum of no floats is -0.0, which JSON shows as `-0`.
            hidden_ms: hidden.iter().fold(0.0, |total, h| total + h.duration_ms),
            hidden,
            max_frame_gap_ms: tally.max_gap_ms,
            dropped_frames: tally.dropped,
            frame_gaps: tally.gaps.into(),
            input_delay_p95_ms: percentile(&delays, 95.0),
            inputs,
            own_ms: (!own.is_empty()).then(|| length(&own) - overlap(&own, &within(&self.work))),
        }
    }
}

/// What caused a busy period: the document whose main-thread work overlapped it most;
/// else [`LAB_DRAWING`], when the lab's own stretches (`own`: its measured frame and
/// driver spans, and long animation frames' rendering; they may overlap) cover most of
/// it; else other work.
pub fn attribute(start_ms: f64, duration_ms: f64, work: &[WorkSpan], own: &[(f64, f64)]) -> String {
    let end_ms = start_ms + duration_ms;
    let overlap = |s: f64, e: f64| e.min(end_ms) - s.max(start_ms);
    let parse = work
        .iter()
        .filter_map(|w| {
            let o = overlap(w.start_ms, w.end_ms.unwrap_or(end_ms));
            (o > 0.0).then_some((o, w))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, w)) = parse {
        return if w.held {
            format!("blocking wait in doc {}", w.doc)
        } else {
            format!("parse doc {}", w.doc)
        };
    }
    if union_within(own, start_ms, end_ms) >= duration_ms / 2.0 {
        LAB_DRAWING.to_string()
    } else {
        "other work (not the lab's)".to_string()
    }
}

/// How much of `[start_ms, end_ms]` the union of `spans` covers, ms (spans may overlap
/// and come in any order).
fn union_within(spans: &[(f64, f64)], start_ms: f64, end_ms: f64) -> f64 {
    let mut clipped: Vec<(f64, f64)> = spans
        .iter()
        .map(|&(s, e)| (s.max(start_ms), e.min(end_ms)))
        .filter(|(s, e)| e > s)
        .collect();
    sort_by(&mut clipped, |a, b| a.0 < b.0);
    let mut covered = 0.0;
    let mut reach = start_ms;
    for (s, e) in clipped {
        let from = s.max(reach);
        if e > from {
            covered += e - from;
            reach = e;
        }
    }
    covered
}

fn length(spans: &[Interval]) -> f64 {
    spans.iter().map(|s| s.end_ms - s.start_ms).sum()
}

/// How long two lists of sorted, disjoint spans overlap, ms.
fn overlap(a: &[Interval], b: &[Interval]) -> f64 {
    let (mut i, mut j, mut total) = (0, 0, 0.0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        total += (x.end_ms.min(y.end_ms) - x.start_ms.max(y.start_ms)).max(0.0);
        if x.end_ms < y.end_ms {
            i += 1;
        } else {
            j += 1;
        }
    }
    total
}

/// The `p`-th percentile (nearest rank) of `values`, or `None` when empty.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sort_ms(&mut sorted);
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}
