//! What the main thread did, as measured by the browser: animation frames, long tasks
//! (and long animation frames), and input delays. Time is passed in, so this is pure
//! and tested natively; the history is bounded by length and by age, so a page left
//! open for hours uses the same memory as one open for a minute.
//!
//! A run can outlast the frame history (8192 frames are 136 s at 60 Hz; the longest
//! run, 64 documents of 5000 ms one after another, takes over five minutes). So the
//! frames that leave the history while a run is going are folded into running totals
//! ([`MainThreadLog::begin_window`]): the run's summary still counts them all, from
//! its start. While the page is hidden the browser draws no frames at all; those
//! stretches are recorded as hidden and not counted as dropped.

mod summary;

use std::collections::VecDeque;

use serde::Serialize;

pub use summary::{attribute, percentile, Gap, LongTask, MainThreadReport, LAB_DRAWING};

/// A frame at 60 Hz, ms.
pub const FRAME_MS: f64 = 1000.0 / 60.0;
/// The web's long-task threshold (Long Tasks API, RAIL's response budget), ms.
pub const LONG_TASK_MS: f64 = 50.0;
/// A gap between frames longer than this drops at least one frame.
pub const DROPPED_GAP_MS: f64 = 2.0 * FRAME_MS;

/// Which browser instrument reported a busy period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskSource {
    /// `PerformanceObserver` type `longtask`.
    Longtask,
    /// `PerformanceObserver` type `long-animation-frame`.
    LongAnimationFrame,
}

/// Which of the browser's instruments this page has (the UI says what is missing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Support {
    /// `PerformanceObserver` type `longtask`.
    pub longtask: bool,
    /// `PerformanceObserver` type `long-animation-frame`.
    pub long_animation_frame: bool,
    /// `PerformanceObserver` type `event` (Event Timing).
    pub event_timing: bool,
}

/// A document's work on the main thread, for attributing long tasks to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkSpan {
    /// The document.
    pub doc: u32,
    /// When the work started, ms.
    pub start_ms: f64,
    /// When it ended (`None`: still going).
    pub end_ms: Option<f64>,
    /// A held wait before the work (`wait=blocking`), not the parse itself.
    pub held: bool,
}

/// A period the main thread was busy for 50 ms or more.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BusyPeriod {
    /// Start, `performance.now()` ms.
    pub start_ms: f64,
    /// Length, ms.
    pub duration_ms: f64,
    /// The instrument.
    pub source: TaskSource,
    /// Of a long animation frame: the time from its rendering start to its end, ms
    /// (0 when the browser does not say, and for long tasks).
    pub render_ms: f64,
}

/// A stretch of the main thread, as the page measured it around code of its own (see
/// [`MainThreadLog::add_own`] and [`MainThreadLog::add_work`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Start, ms.
    pub start_ms: f64,
    /// End, ms.
    pub end_ms: f64,
}

/// One input event on the responsiveness probe.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct InputSample {
    /// When the user acted (the event's timestamp), ms.
    pub at_ms: f64,
    /// From then until its handler started, ms.
    pub delay_ms: f64,
}

/// The bounded record. Add entries in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct MainThreadLog {
    max_len: usize,
    max_age_ms: f64,
    frames: VecDeque<f64>,
    tasks: VecDeque<BusyPeriod>,
    inputs: VecDeque<InputSample>,
    /// The lab's own stretches of the main thread, and the documents' work on it
    /// (exactly: each parse, slice and held wait), each kept sorted and disjoint, and
    /// four times the other histories' length, so a run of five minutes keeps all.
    own: VecDeque<Interval>,
    work: VecDeque<Interval>,
    /// Stretches the page was hidden (`start`, `end`; `end` is `None` while hidden).
    hidden: VecDeque<(f64, Option<f64>)>,
    /// Frames that left the history since the window's start, folded.
    folded: Option<FrameTally>,
    /// Whether the browser has the Long Tasks API (decides what a "task" is).
    long_tasks_api: bool,
    /// Whether it has Long Animation Frames (without either, tasks are not measured).
    long_animation_frame_api: bool,
}

/// The one account of frames over a stretch from `since_ms`: how many, the longest
/// visible gap between two, the frames dropped and the gaps that dropped them. Both the
/// frames folded out of the history during a run and a summary's window are counted
/// with it ([`MainThreadLog::count_frame`]).
#[derive(Debug, Clone, PartialEq)]
struct FrameTally {
    since_ms: f64,
    /// The newest frame counted (or the last one before `since_ms`), if any: the gap
    /// from it to the next frame is real.
    last_ms: Option<f64>,
    frames: u32,
    dropped: u32,
    max_gap_ms: f64,
    gaps: VecDeque<Gap>,
}

impl FrameTally {
    /// A tally from `since_ms`, whose last frame before it was at `before_ms`.
    fn new(since_ms: f64, before_ms: Option<f64>) -> Self {
        Self {
            since_ms,
            last_ms: before_ms,
            frames: 0,
            dropped: 0,
            max_gap_ms: 0.0,
            gaps: VecDeque::new(),
        }
    }
}

impl MainThreadLog {
    /// Keeps at most `max_len` entries of each kind, none older than `max_age_ms`.
    pub fn new(max_len: usize, max_age_ms: f64) -> Self {
        Self {
            max_len,
            max_age_ms,
            frames: VecDeque::new(),
            tasks: VecDeque::new(),
            inputs: VecDeque::new(),
            own: VecDeque::new(),
            work: VecDeque::new(),
            hidden: VecDeque::new(),
            folded: None,
            long_tasks_api: true,
            long_animation_frame_api: true,
        }
    }

    /// A run starts at `from_ms`: from now on, frames at or after it that leave the
    /// history are folded into totals, so that `summarize(from_ms, ..)` still counts
    /// them. Frames older than that are dropped as before.
    pub fn begin_window(&mut self, from_ms: f64) {
        let before = self.frames.iter().rev().find(|&&t| t < from_ms).copied();
        self.folded = Some(FrameTally::new(from_ms, before));
    }

    /// The page became hidden (`hidden`) or visible again, at `now_ms`
    /// (`visibilitychange`).
    pub fn set_hidden(&mut self, hidden: bool, now_ms: f64) {
        let open = self.hidden.back().is_some_and(|h| h.1.is_none());
        match (hidden, open) {
            (true, false) => push_bounded(&mut self.hidden, (now_ms, None), self.max_len),
            (false, true) => {
                if let Some(last) = self.hidden.back_mut() {
                    last.1 = Some(now_ms);
                }
            }
            _ => {}
        }
        self.prune(now_ms);
    }

    /// How much of `[start_ms, end_ms]` the page spent hidden, ms.
    fn hidden_within(&self, start_ms: f64, end_ms: f64) -> f64 {
        self.hidden
            .iter()
            .map(|&(s, e)| (e.unwrap_or(f64::INFINITY).min(end_ms) - s.max(start_ms)).max(0.0))
            .sum()
    }

    /// A gap between two frames, as a summary counts it: only its visible part can
    /// drop frames. Returns the visible length and the frames dropped in it.
    fn visible_gap(&self, from_ms: f64, to_ms: f64) -> (f64, u32) {
        let gap = (to_ms - from_ms) - self.hidden_within(from_ms, to_ms);
        let dropped = if gap > DROPPED_GAP_MS {
            (gap / FRAME_MS).round() as u32 - 1
        } else {
            0
        };
        (gap, dropped)
    }

    /// The browser has no Long Tasks API: long animation frames stand in for long
    /// tasks, and the UI says so.
    ///
    /// NOTE: decided by what the browser supports, never by which entries arrived. A
    /// fresh page's first sliced run once showed an 84.5 ms "longest task" while the
    /// browser saw none: no `longtask` entry had arrived yet, so a long animation
    /// frame (many short tasks) stood in and was called a task.
    pub fn without_long_tasks_api(mut self) -> Self {
        self.long_tasks_api = false;
        self
    }

    /// The browser has no Long Animation Frames API: its count is not measured, and
    /// without the Long Tasks API as well neither are tasks (the report says `None`,
    /// never 0: zero is a measurement). Frames alone then measure the main thread.
    pub fn without_long_animation_frame_api(mut self) -> Self {
        self.long_animation_frame_api = false;
        self
    }

    /// A requestAnimationFrame callback ran at `now_ms` (taken inside the callback).
    pub fn add_frame(&mut self, now_ms: f64) {
        if self.frames.len() == self.max_len {
            if let Some(oldest) = self.frames.pop_front() {
                self.fold(oldest);
            }
        }
        self.frames.push_back(now_ms);
        self.prune(now_ms);
    }

    /// Adds a frame leaving the history to the window's totals, if it is in the window.
    fn fold(&mut self, t: f64) {
        let Some(mut folded) = self.folded.take() else {
            return;
        };
        if t >= folded.since_ms {
            self.count_frame(&mut folded, t, self.max_len);
        }
        self.folded = Some(folded);
    }

    /// Counts a frame at `t` into `tally`: the gap from the frame before it (never from
    /// before the tally's start), of which only the visible part can drop frames. Keeps
    /// at most `max_gaps` gaps.
    fn count_frame(&self, tally: &mut FrameTally, t: f64, max_gaps: usize) {
        if let Some(p) = tally.last_ms.map(|p| p.max(tally.since_ms)) {
            let (visible, dropped) = self.visible_gap(p, t);
            tally.max_gap_ms = tally.max_gap_ms.max(visible);
            if dropped > 0 {
                // Frames due in the gap, while the page was visible, never drawn.
                tally.dropped += dropped;
                let gap = Gap {
                    start_ms: p,
                    duration_ms: t - p,
                };
                push_bounded(&mut tally.gaps, gap, max_gaps);
            }
        }
        tally.frames += 1;
        tally.last_ms = Some(t);
    }

    /// The browser reported a busy period.
    pub fn add_task(&mut self, task: BusyPeriod, now_ms: f64) {
        push_bounded(&mut self.tasks, task, self.max_len);
        self.prune(now_ms);
    }

    /// The lab held the main thread for `span`: an animation frame's callbacks and the
    /// rendering after them, or a turn of a run's driver. Such a span may hold a
    /// document's work too (a blocking parse in a driver turn); [`MainThreadLog::add_work`]
    /// records that, and the lab's own time leaves it out.
    pub fn add_own(&mut self, span: Interval, now_ms: f64) {
        insert_merged(&mut self.own, span, self.max_len * 4);
        self.prune(now_ms);
    }

    /// A document's work held the main thread for `span` (a parse, a slice of one, a
    /// held wait): the lesson's subject, never the lab's own cost.
    pub fn add_work(&mut self, span: Interval, now_ms: f64) {
        insert_merged(&mut self.work, span, self.max_len * 4);
        self.prune(now_ms);
    }

    /// An input event on the probe waited `delay_ms` for its handler.
    ///
    /// The same event may be reported twice: by its handler, then by Event Timing
    /// (same timestamp). The later report replaces the earlier one.
    pub fn add_input(&mut self, input: InputSample, now_ms: f64) {
        let same = self
            .inputs
            .iter_mut()
            .rev()
            .take(16)
            .find(|i| (i.at_ms - input.at_ms).abs() < 0.5);
        match same {
            Some(existing) => *existing = input,
            None => push_bounded(&mut self.inputs, input, self.max_len),
        }
        self.prune(now_ms);
    }

    /// Entries kept, of all kinds (for tests of the bound).
    pub fn len(&self) -> usize {
        self.frames.len()
            + self.tasks.len()
            + self.inputs.len()
            + self.hidden.len()
            + self.folded.as_ref().map_or(0, |f| f.gaps.len())
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn prune(&mut self, now_ms: f64) {
        let oldest = now_ms - self.max_age_ms;
        while self.frames.front().is_some_and(|&t| t < oldest) {
            if let Some(t) = self.frames.pop_front() {
                self.fold(t);
            }
        }
        while self
            .hidden
            .front()
            .is_some_and(|h| h.1.is_some_and(|end| end < oldest))
        {
            self.hidden.pop_front();
        }
        while self
            .tasks
            .front()
            .is_some_and(|t| t.start_ms + t.duration_ms < oldest)
        {
            self.tasks.pop_front();
        }
        while self.inputs.front().is_some_and(|i| i.at_ms < oldest) {
            self.inputs.pop_front();
        }
        for spans in [&mut self.own, &mut self.work] {
            while spans.front().is_some_and(|o| o.end_ms < oldest) {
                spans.pop_front();
            }
        }
    }
}

/// Adds `span` to `spans` (sorted, disjoint), merged with any it overlaps or touches;
/// spans arrive about in order, so the ones it meets are at the end. Keeps at most
/// `max_len`, oldest first out.
fn insert_merged(spans: &mut VecDeque<Interval>, span: Interval, max_len: usize) {
    if span.end_ms <= span.start_ms {
        return;
    }
    let mut merged = span;
    let mut later = Vec::new();
    while let Some(last) = spans.pop_back() {
        if last.end_ms < merged.start_ms {
            spans.push_back(last);
            break;
        }
        if last.start_ms > merged.end_ms {
            later.push(last);
            continue;
        }
        merged.start_ms = merged.start_ms.min(last.start_ms);
        merged.end_ms = merged.end_ms.max(last.end_ms);
    }
    for span in std::iter::once(merged).chain(later.into_iter().rev()) {
        push_bounded(spans, span, max_len);
    }
}

fn push_bounded<T>(queue: &mut VecDeque<T>, value: T, max_len: usize) {
    if queue.len() == max_len {
        queue.pop_front();
    }
    queue.push_back(value);
}
