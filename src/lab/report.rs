//! The record of one run, built from events whose times are passed in, and the
//! machine-readable [`Report`] made from it (what `window.eventLoopLab.report()`
//! returns and what the screen draws).
//!
//! Each document's own record ([`DocRecord`], [`DocState`]) lives in
//! [`doc_record`](super::doc_record), and what can happen to it ([`RunEvent`]) in
//! [`run_event`](super::run_event); both are re-exported here.

use serde::Serialize;

pub use super::doc_record::{DocRecord, DocState};
pub use super::run_event::RunEvent;

use super::activity::{segments, time_in, Activity};
use super::scenario::{FetchStrategy, ParseStrategy, Scenario, WaitKind};
use super::timeline::{MainThreadReport, WorkSpan};

/// The `thread` name of the page's main thread.
pub const MAIN_THREAD: &str = "main";

/// How a run ended, if it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunOutcome {
    /// Still going.
    Running,
    /// Every document finished (some may have failed).
    Finished,
    /// Stopped by Cancel, Reset or a new run.
    Cancelled,
}

/// The record of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunLog {
    /// Distinguishes runs: events of an older run are never applied to a newer one.
    pub run_id: u32,
    /// What was run.
    pub scenario: Scenario,
    /// When Run was pressed.
    pub started_ms: f64,
    /// When it finished or was cancelled.
    pub ended_ms: Option<f64>,
    /// How it ended.
    pub outcome: RunOutcome,
    /// One record per document, in id order.
    pub docs: Vec<DocRecord>,
}

impl RunLog {
    /// A run that starts now with every document queued.
    pub fn new(run_id: u32, scenario: Scenario, now_ms: f64) -> Self {
        let docs = (1..=scenario.docs).map(DocRecord::new).collect();
        Self {
            run_id,
            scenario,
            started_ms: now_ms,
            ended_ms: None,
            outcome: RunOutcome::Running,
            docs,
        }
    }

    /// Applies an event. Returns `false` when it changed nothing (unknown document,
    /// or the run already ended), so the caller can skip a render.
    pub fn apply(&mut self, event: RunEvent) -> bool {
        if self.outcome != RunOutcome::Running {
            return false;
        }
        let id = match &event {
            RunEvent::FetchStarted { doc, .. }
            | RunEvent::Fetched { doc, .. }
            | RunEvent::Connected { doc, .. }
            | RunEvent::ParseStarted { doc, .. }
            | RunEvent::Parsed { doc, .. }
            | RunEvent::HandedOff { doc, .. }
            | RunEvent::WaitStarted { doc, .. }
            | RunEvent::WaitEnded { doc, .. }
            | RunEvent::NeverPolled { doc }
            | RunEvent::Failed { doc, .. } => *doc,
        };
        let Some(d) = self.docs.iter_mut().find(|d| d.id == id) else {
            return false;
        };
        if d.is_finished() {
            return false;
        }
        match event {
            RunEvent::FetchStarted { at_ms, .. } => {
                d.state = DocState::Fetching;
                d.fetch_start_ms = Some(at_ms);
            }
            RunEvent::Connected { at_ms, .. } => {
                // Never before the request went out, whatever the server's clock says.
                d.connected_ms = Some(d.fetch_start_ms.map_or(at_ms, |s| at_ms.max(s)));
            }
            RunEvent::Fetched {
                at_ms,
                bytes,
                answered_ms,
                ..
            } => {
                d.state = DocState::AwaitingThread;
                d.fetch_end_ms = Some(at_ms);
                // A server clock a hair ahead of ours must not put the answer after
                // the moment we held it.
                d.answered_ms = answered_ms.map(|a| a.min(at_ms));
                d.bytes = bytes;
            }
            RunEvent::WaitStarted { at_ms, .. } => {
                if self.scenario.wait == WaitKind::Async {
                    d.state = DocState::Sleeping;
                }
                d.wait_start_ms = Some(at_ms);
            }
            RunEvent::WaitEnded { at_ms, .. } => {
                if self.scenario.wait == WaitKind::Async {
                    d.state = DocState::AwaitingThread;
                }
                d.wait_end_ms = Some(at_ms);
            }
            RunEvent::NeverPolled { .. } => d.state = DocState::NeverPolled,
            RunEvent::ParseStarted { at_ms, thread, .. } => {
                d.state = DocState::Parsing;
                d.parse_start_ms = Some(at_ms);
                d.thread = Some(thread);
            }
            RunEvent::Parsed {
                at_ms,
                summary,
                work_ms,
                ..
            } => {
                d.state = DocState::Done;
                d.parse_end_ms = Some(at_ms);
                d.ended_ms = Some(at_ms);
                d.work_ms = Some(work_ms);
                d.links = summary.links;
                d.words = summary.words;
                d.distinct_words = summary.distinct_words;
                d.hits = summary.hits;
                d.fuzzy_hits = summary.fuzzy_hits;
            }
            RunEvent::HandedOff { cost_ms, .. } => d.handoff_ms = Some(cost_ms),
            RunEvent::Failed { at_ms, error, .. } => {
                d.state = DocState::Error;
                d.error = Some(error.to_string());
                d.ended_ms = Some(at_ms);
                // Close whichever span was open, so the row shows where it failed.
                if d.fetch_end_ms.is_none() && d.fetch_start_ms.is_some() {
                    d.fetch_end_ms = Some(at_ms);
                } else if d.wait_start_ms.is_some() && d.wait_end_ms.is_none() {
                    d.wait_end_ms = Some(at_ms);
                } else if d.parse_start_ms.is_some() && d.parse_end_ms.is_none() {
                    d.parse_end_ms = Some(at_ms);
                }
            }
        }
        true
    }

    /// Marks the run finished (every document done or failed) at `now_ms`.
    pub fn finish(&mut self, now_ms: f64) -> bool {
        self.end(now_ms, RunOutcome::Finished)
    }

    /// Marks the run cancelled at `now_ms`; documents that had not finished are
    /// marked cancelled, their open span closed there.
    pub fn cancel(&mut self, now_ms: f64) -> bool {
        self.end(now_ms, RunOutcome::Cancelled)
    }

    fn end(&mut self, now_ms: f64, outcome: RunOutcome) -> bool {
        if self.outcome != RunOutcome::Running {
            return false;
        }
        self.outcome = outcome;
        self.ended_ms = Some(now_ms);
        for d in self.docs.iter_mut().filter(|d| !d.is_finished()) {
            d.state = DocState::Cancelled;
            d.ended_ms = Some(now_ms);
            if d.fetch_start_ms.is_some() && d.fetch_end_ms.is_none() {
                d.fetch_end_ms = Some(now_ms);
            }
            if d.wait_start_ms.is_some() && d.wait_end_ms.is_none() {
                d.wait_end_ms = Some(now_ms);
            }
            if d.parse_start_ms.is_some() && d.parse_end_ms.is_none() {
                d.parse_end_ms = Some(now_ms);
            }
        }
        true
    }

    /// Wall time of the run so far (or in all, once ended), ms.
    pub fn elapsed_ms(&self, now_ms: f64) -> f64 {
        self.ended_ms.unwrap_or(now_ms) - self.started_ms
    }

    /// The threads that can do this run's work: the pool's workers (no more than
    /// there are documents) in worker mode, else the main thread alone.
    pub fn work_threads(&self) -> u32 {
        match self.scenario.parse {
            ParseStrategy::Worker => self.scenario.workers.min(self.scenario.docs).max(1),
            _ => 1,
        }
    }

    /// The best any strategy could do with these documents: every fetch overlapped
    /// (the longest simulated latency, plus an awaited `wait_ms`; with a `limit` of k
    /// requests at a time, one of those per wave of k) plus the CPU work shared by the
    /// threads that can do it. The work is what was measured working
    /// (`work_ms`, the sum of the slices in sliced mode, and a held wait), never wall
    /// spans, which overlap when parses interleave.
    pub fn ideal_ms(&self) -> f64 {
        let wait = self.scenario.wait;
        let work_total: f64 = self
            .docs
            .iter()
            .map(|d| {
                let held = time_in(&segments(d, wait), Activity::HeldWait).unwrap_or(0.0);
                d.work_ms.unwrap_or(0.0) + held
            })
            .sum();
        let awaited = match wait {
            WaitKind::Async => self.scenario.wait_ms,
            WaitKind::Blocking => 0,
        };
        f64::from(self.fetch_waves() * (self.scenario.latency_ms + awaited))
            + work_total / f64::from(self.work_threads())
    }

    /// How many rounds of requests a concurrent run needs at best: one, or ⌈n / k⌉
    /// with a `limit` of k requests at a time (n: the documents that run).
    pub fn fetch_waves(&self) -> u32 {
        let s = &self.scenario;
        let ran = (1..=s.docs).filter(|&d| !s.forgets(d)).count() as u32;
        match s.limit {
            Some(k) if s.fetch == FetchStrategy::Concurrent => ran.div_ceil(k).max(1),
            _ => 1,
        }
    }

    /// The main-thread work spans, for attributing long tasks to documents: each
    /// parse, and each held wait (`wait=blocking`) before it, from the documents'
    /// segments.
    pub fn main_work(&self) -> Vec<WorkSpan> {
        self.docs
            .iter()
            .flat_map(|d| {
                segments(d, self.scenario.wait)
                    .into_iter()
                    .filter(|s| s.thread.as_deref() == Some(MAIN_THREAD))
                    .map(|s| WorkSpan {
                        doc: d.id,
                        start_ms: s.start_ms,
                        end_ms: s.end_ms,
                        held: s.activity == Activity::HeldWait,
                    })
            })
            .collect()
    }

    /// What the fetches alone take one after another.
    pub fn sum_of_latencies_ms(&self) -> f64 {
        f64::from(self.scenario.latency_ms) * f64::from(self.scenario.docs)
    }

    /// `d` as the report gives it: its record, with the time it queued for a thread
    /// read from its segments (0 when a thread took it at once).
    fn reported(&self, d: &DocRecord) -> DocRecord {
        let mut d = d.clone();
        let taken = d.parse_start_ms.or(d.wait_start_ms).is_some();
        d.queued_ms =
            time_in(&segments(&d, self.scenario.wait), Activity::Queued).or(taken.then_some(0.0));
        d
    }

    /// The report of this run, with what the main thread did meanwhile.
    pub fn report(&self, now_ms: f64, main_thread: MainThreadReport) -> Report {
        Report {
            run_id: self.run_id,
            config: self.scenario.clone(),
            outcome: self.outcome,
            started_ms: self.started_ms,
            finished_ms: self.ended_ms.unwrap_or(now_ms),
            total_ms: self.elapsed_ms(now_ms),
            ideal_ms: self.ideal_ms(),
            sum_of_latencies_ms: self.sum_of_latencies_ms(),
            documents: self.docs.iter().map(|d| self.reported(d)).collect(),
            main_thread,
            memory: Memory::default(),
        }
    }
}

/// The page's memory when a run ended: the `memory` field of a report. The pure core
/// cannot see it; the browser side fills it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Memory {
    /// The page's wasm linear memory, bytes. It only ever grows (wasm memory is never
    /// given back), so a run that needed more than the last shows here for good.
    pub wasm_bytes: u64,
}

/// A run, as plain JSON for scripts and tests. All times are `performance.now()` ms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Which run.
    pub run_id: u32,
    /// The scenario, with the URL query's names.
    pub config: Scenario,
    /// Finished or cancelled (or running, for a live snapshot).
    pub outcome: RunOutcome,
    /// When the run started.
    pub started_ms: f64,
    /// When it ended: finished *or cancelled* (see `outcome`); the record calls it
    /// [`RunLog::ended_ms`]. The wire name is older than Cancel and keeps its meaning.
    pub finished_ms: f64,
    /// `finished_ms - started_ms`.
    pub total_ms: f64,
    /// See [`RunLog::ideal_ms`].
    pub ideal_ms: f64,
    /// Documents × latency.
    pub sum_of_latencies_ms: f64,
    /// One entry per document.
    pub documents: Vec<DocRecord>,
    /// Frames, long tasks and input delays during the run.
    pub main_thread: MainThreadReport,
    /// The page's memory at the run's end.
    pub memory: Memory,
}

impl Report {
    /// The report as JSON text.
    pub fn to_json(&self) -> String {
        // Plain structs of numbers and strings cannot fail to serialize. (Not `expect`:
        // it would keep serde_json's error messages, for reading JSON too, in the module.)
        serde_json::to_string(self).unwrap_or_else(|_| unreachable!("a Report always serializes"))
    }
}
