//! The run engine: the rules of one run as a state machine that does no I/O and
//! reads no clock (the sans-IO shape of quinn's `Connection`).
//!
//! The seed's code is `data = await download(url)` on the event loop, then
//! `await loop.run_in_executor(pool, parse, data)`: the downloads stay on the page's
//! loop and only the work moves. So in every mode the engine asks the page to fetch
//! (sequential: one document after another, each fetched *and* worked on before the
//! next; concurrent: all at once), and hands each fetched body to a thread: the main
//! thread (one document at a time) or one of `k` pool workers (one job each).
//!
//! The driver (`browser::driver`) tells the engine what happened through
//! `handle_*` methods, with `now_ms` passed in, and carries out what
//! [`Engine::poll_command`] asks. Every change to the run's record comes out of
//! [`Engine::poll_event`], for the screen. Each race (a late reply of an old run, a
//! cancel between fetch and parse, a worker that dies) is then a native test of a
//! sequence of calls.

mod commands;
mod fetches;
mod threads;
mod waits;

use std::collections::VecDeque;

pub use commands::{Command, JobId, Thread};

use super::error::LabError;
use super::report::{DocState, RunEvent, RunLog, RunOutcome};
use super::scenario::{FetchStrategy, ParseStrategy, Scenario, WaitKind};
use super::work::WorkSummary;

/// One run's rules. Create one per run; events of other runs are ignored.
#[derive(Debug)]
pub struct Engine {
    log: RunLog,
    /// Where each document is, as far as the engine has asked: in the record's own
    /// states ([`DocState`]), but ahead of the record, which changes only when the
    /// driver says a thing happened (`Fetching` from the moment a fetch is asked for,
    /// `Parsing` from the moment a thread is given the document).
    states: Vec<DocState>,
    /// One slot per thread that can work: the doc it works on.
    slots: Vec<Option<u32>>,
    /// Fetched documents waiting for a thread, in arrival order.
    ready: VecDeque<u32>,
    commands: VecDeque<Command>,
    events: VecDeque<RunEvent>,
}

impl Engine {
    /// A run of `scenario` that starts at `now_ms`: its first fetches are queued.
    pub fn new(run_id: u32, scenario: Scenario, now_ms: f64) -> Self {
        let log = RunLog::new(run_id, scenario, now_ms);
        let threads = log.work_threads() as usize;
        let docs = log.scenario.docs as usize;
        let mut engine = Self {
            states: vec![DocState::NotStarted; docs],
            slots: vec![None; threads],
            ready: VecDeque::new(),
            commands: VecDeque::new(),
            events: VecDeque::new(),
            log,
        };
        // Forgotten documents first: their futures are made and dropped, never run.
        for doc in engine.log.scenario.forget.clone() {
            if doc <= engine.log.scenario.docs {
                engine.set_state(doc, DocState::NeverPolled);
                engine.commands.push_back(Command::DropUnpolled { doc });
                engine.record(RunEvent::NeverPolled { doc });
            }
        }
        // lesson:fetch-order
        let pending: Vec<u32> = (1..=engine.log.scenario.docs)
            .filter(|&doc| engine.state(doc) == Some(DocState::NotStarted))
            .collect();
        let first = match engine.log.scenario.fetch {
            // join_all: every request goes out now; each document is handled as its
            // response arrives. With a limit (buffer_unordered(k)), the first k go
            // out, and each finished download lets the next one go (`more_fetches`).
            FetchStrategy::Concurrent => {
                let at_once = engine
                    .log
                    .scenario
                    .limit
                    .map_or(pending.len(), |k| k as usize);
                &pending[..pending.len().min(at_once)]
            }
            // One after another: the next request goes out only once the previous
            // document has been fetched and worked on (`after_document`).
            FetchStrategy::Sequential => &pending[..pending.len().min(1)],
        };
        for &doc in first {
            engine.start_fetch(doc);
        }
        // lesson:end
        if engine.states.iter().all(|s| s.is_finished()) {
            engine.log.finish(now_ms);
        }
        engine
    }

    // --- getters -----------------------------------------------------------------

    /// The run's record so far.
    pub fn log(&self) -> &RunLog {
        &self.log
    }

    /// The run's id.
    pub fn run_id(&self) -> u32 {
        self.log.run_id
    }

    /// Whether the run has finished or was cancelled.
    pub fn is_over(&self) -> bool {
        self.log.outcome != RunOutcome::Running
    }

    /// The thread `doc` is being worked on, if it is.
    pub fn working_on(&self, doc: u32) -> Option<Thread> {
        if self.state(doc)? != DocState::Parsing {
            return None;
        }
        let index = self.slots.iter().position(|slot| *slot == Some(doc))?;
        Some(match self.log.scenario.parse {
            ParseStrategy::Worker => Thread::Worker(index as u32 + 1),
            _ => Thread::Main,
        })
    }

    // --- poll ------------------------------------------------------------------------

    /// The next thing the driver must do, if any.
    pub fn poll_command(&mut self) -> Option<Command> {
        self.commands.pop_front()
    }

    /// The next change to the run's record, for the screen.
    pub fn poll_event(&mut self) -> Option<RunEvent> {
        self.events.pop_front()
    }

    // --- events from outside ---------------------------------------------------------

    /// The request for `job` was sent at `now_ms`.
    pub fn handle_fetch_started(&mut self, job: JobId, now_ms: f64) -> bool {
        if !self.is_in(job, DocState::Fetching) {
            return false;
        }
        self.record(RunEvent::FetchStarted {
            doc: job.doc,
            at_ms: now_ms,
        });
        true
    }

    /// The simulated server took `job`'s request up on a free connection at `at_ms`
    /// (on the page's clock), as it stamped its answer (`connections=6`).
    pub fn handle_connected(&mut self, job: JobId, at_ms: f64) -> bool {
        if !self.is_in(job, DocState::Fetching) {
            return false;
        }
        self.record(RunEvent::Connected {
            doc: job.doc,
            at_ms,
        });
        true
    }

    /// The page holds `job`'s whole body (`bytes` long). `answered_ms` is when the
    /// server said it answered, on the page's clock. Returns whether it was taken.
    pub fn handle_fetched(
        &mut self,
        job: JobId,
        bytes: u64,
        answered_ms: Option<f64>,
        now_ms: f64,
    ) -> bool {
        if !self.is_in(job, DocState::Fetching) {
            return false;
        }
        self.record(RunEvent::Fetched {
            doc: job.doc,
            at_ms: now_ms,
            bytes,
            answered_ms,
        });
        let scenario = &self.log.scenario;
        if scenario.wait == WaitKind::Async && scenario.wait_ms > 0 {
            let ms = scenario.wait_ms;
            self.set_state(job.doc, DocState::Sleeping);
            self.record(RunEvent::WaitStarted {
                doc: job.doc,
                at_ms: now_ms,
            });
            // The download is over: with a limit, the next request may go out.
            self.more_fetches();
            self.commands.push_back(Command::Sleep { doc: job.doc, ms });
            return true;
        }
        self.set_state(job.doc, DocState::AwaitingThread);
        self.more_fetches();
        self.ready.push_back(job.doc);
        self.assign_threads();
        true
    }

    /// `job`'s request failed (status, network, timeout, a bad body).
    pub fn handle_fetch_failed(&mut self, job: JobId, error: LabError, now_ms: f64) -> bool {
        if !self.is_in(job, DocState::Fetching) {
            return false;
        }
        self.fail(job.doc, error, now_ms);
        true
    }

    /// Main-thread time spent handing `job` to its worker.
    pub fn handle_handed_off(&mut self, job: JobId, cost_ms: f64) -> bool {
        if !self.is_working(job) {
            return false;
        }
        self.record(RunEvent::HandedOff {
            doc: job.doc,
            cost_ms,
        });
        true
    }

    /// The work on `job` started at `at_ms` (on the page's clock), on the thread the
    /// engine gave it.
    pub fn handle_work_started(&mut self, job: JobId, at_ms: f64) -> bool {
        let Some(thread) = self.working(job) else {
            return false;
        };
        self.record(RunEvent::ParseStarted {
            doc: job.doc,
            at_ms,
            thread: thread.name(),
        });
        true
    }

    /// The work on `job` ended at `at_ms` with `summary`, after `work_ms` of actual
    /// work. Frees its thread for the next document.
    pub fn handle_parsed(
        &mut self,
        job: JobId,
        summary: WorkSummary,
        work_ms: f64,
        at_ms: f64,
    ) -> bool {
        let Some(thread) = self.working(job) else {
            return false;
        };
        self.free(thread);
        self.set_state(job.doc, DocState::Done);
        self.record(RunEvent::Parsed {
            doc: job.doc,
            at_ms,
            summary,
            work_ms,
        });
        self.after_document(at_ms);
        true
    }

    /// The work on `job` failed without taking its thread down (a body that is not
    /// UTF-8, a worker that could not be started). Frees the thread.
    pub fn handle_work_failed(&mut self, job: JobId, error: LabError, now_ms: f64) -> bool {
        let Some(thread) = self.working(job) else {
            return false;
        };
        self.free(thread);
        self.fail(job.doc, error, now_ms);
        true
    }

    /// Pool worker `worker` died (`why`): its document fails, and the pool replaces it.
    pub fn handle_worker_died(&mut self, worker: u32, why: &str, now_ms: f64) -> bool {
        if self.log.scenario.parse != ParseStrategy::Worker || self.is_over() {
            return false;
        }
        let Some(slot) = (worker as usize)
            .checked_sub(1)
            .and_then(|i| self.slots.get_mut(i))
        else {
            return false;
        };
        let doc = slot.take();
        self.commands.push_back(Command::ReplaceWorker { worker });
        if let Some(doc) = doc {
            let error = LabError::Worker(format!(
                "worker-{worker} stopped while working on doc {doc}: {why}; a fresh worker replaces it"
            ));
            self.fail(doc, error, now_ms);
        } else {
            self.assign_threads();
        }
        true
    }

    // --- commands from the application -------------------------------------------

    /// Cancels the run: requests are aborted, work in progress stops at its next
    /// slice (on the main thread or in a worker), queued work is dropped.
    /// Returns `false` if the run was already over.
    pub fn cancel(&mut self, now_ms: f64) -> bool {
        if self.is_over() {
            return false;
        }
        for doc in 1..=self.log.scenario.docs {
            match self.state(doc) {
                Some(DocState::Fetching) => self.commands.push_back(Command::AbortFetch { doc }),
                // A worker stops at its next slice when told. Work on the main thread
                // needs no command: a sliced parse is an operation of the run's driving
                // task, which the driver drops with the run; the timer's future too.
                Some(DocState::Parsing) => {
                    if let Some(Thread::Worker(worker)) = self.working_on(doc) {
                        self.commands
                            .push_back(Command::CancelOnWorker { doc, worker });
                    }
                }
                _ => {}
            }
            if self.state(doc).is_some_and(|s| !s.is_finished()) {
                self.set_state(doc, DocState::Cancelled);
            }
        }
        self.ready.clear();
        self.slots.iter_mut().for_each(|s| *s = None);
        self.log.cancel(now_ms);
        true
    }

    // --- internals -------------------------------------------------------------------

    fn state(&self, doc: u32) -> Option<DocState> {
        self.states.get((doc as usize).checked_sub(1)?).copied()
    }

    fn set_state(&mut self, doc: u32, state: DocState) {
        if let Some(s) = (doc as usize)
            .checked_sub(1)
            .and_then(|i| self.states.get_mut(i))
        {
            *s = state;
        }
    }

    fn is_in(&self, job: JobId, state: DocState) -> bool {
        job.run == self.log.run_id && !self.is_over() && self.state(job.doc) == Some(state)
    }

    fn working(&self, job: JobId) -> Option<Thread> {
        if job.run != self.log.run_id || self.is_over() {
            return None;
        }
        self.working_on(job.doc)
    }

    fn is_working(&self, job: JobId) -> bool {
        self.working(job).is_some()
    }

    fn record(&mut self, event: RunEvent) {
        if self.log.apply(event.clone()) {
            self.events.push_back(event);
        }
    }

    /// Asks for `doc`'s fetch; the driver says when it really started.
    fn start_fetch(&mut self, doc: u32) {
        self.set_state(doc, DocState::Fetching);
        self.commands.push_back(Command::StartFetch { doc });
    }

    fn fail(&mut self, doc: u32, error: LabError, now_ms: f64) {
        self.set_state(doc, DocState::Error);
        self.record(RunEvent::Failed {
            doc,
            at_ms: now_ms,
            error,
        });
        self.after_document(now_ms);
    }
}
