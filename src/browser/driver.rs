//! Carries out one run: the engine ([`crate::lab::engine`]) decides, this does. It
//! starts each fetch on the page's event loop, runs the work on the main thread or
//! posts the body to a pool worker, and feeds every outcome back to the engine.
//!
//! The operations in flight (fetches, sliced parses, worker jobs) are streams in one
//! `SelectAll`, polled by one task: that is `join_all` over the documents, handing
//! back each result as it arrives. NOTE: in blocking mode a parse runs inside that
//! task, so while it runs, no other fetch's continuation can run either: their
//! responses wait, and their "waiting for the server" bars stretch. That stretch is
//! the lesson, not an artefact.

mod outcomes;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::channel::oneshot;
use futures::future::{select, Either};
use futures::stream::{self, LocalBoxStream, SelectAll};
use futures::StreamExt;
use web_sys::AbortController;

use gloo_timers::future::TimeoutFuture;

use super::clock::{hold_thread, next_task, now_ms};
use super::documents::{load, Fetched, Payload, Simulator};
use super::main_work::{work_blocking, work_sliced, SlicedWork};
use super::measures::measure_document;
use super::monitor::OwnClock;
use super::pool::{JobEvent, WorkerPool};
use crate::lab::engine::{Command, Engine, JobId};
use crate::lab::error::LabError;
use crate::lab::report::{DocState, RunEvent, RunLog};
use crate::lab::scenario::{FailKind, ParseStrategy, Scenario};
use crate::lab::small_map::SmallMap;
use crate::lab::work::WorkSummary;

/// What an operation in flight reports back.
enum Outcome {
    FetchStarted {
        doc: u32,
        at_ms: f64,
    },
    Fetched {
        doc: u32,
        result: Result<Fetched, LabError>,
    },
    Slept {
        doc: u32,
    },
    SlicedDone {
        doc: u32,
        work: SlicedWork,
    },
    Worker {
        doc: u32,
        event: JobEvent,
    },
}
type Operations = SelectAll<LabStream>;

/// One run in progress. Shared by the task that drives it and the controller, which
/// may cancel it at any moment.
pub struct ActiveRun {
    engine: RefCell<Engine>,
    simulator: Simulator,
    pool: Rc<WorkerPool>,
    /// Each document's own abort controller, while its request is in flight.
    aborts: RefCell<SmallMap<u32, AbortController>>,
    /// Fetched bodies waiting for a thread.
    bodies: RefCell<SmallMap<u32, Payload>>,
    /// Wakes the driving task when the run is cancelled from outside.
    wake: RefCell<Option<oneshot::Sender<()>>>,
    on_event: Box<dyn Fn(RunEvent)>,
    /// Where the lab's own main-thread time and the documents' work on it go.
    own_clock: Option<OwnClock>,
    /// When the driver's current turn began (an outcome woke it), until it is recorded.
    turn_started: Cell<Option<f64>>,
}

impl ActiveRun {
    /// A run of `scenario` starting now. `on_event` gets every change to its record.
    /// Drive it with [`ActiveRun::drive`].
    pub fn new(
        run_id: u32,
        scenario: Scenario,
        simulator: Simulator,
        pool: Rc<WorkerPool>,
        own_clock: Option<OwnClock>,
        on_event: impl Fn(RunEvent) + 'static,
    ) -> (Rc<Self>, oneshot::Receiver<()>) {
        let (wake, woken) = oneshot::channel();
        let run = Rc::new(Self {
            engine: RefCell::new(Engine::new(run_id, scenario, now_ms())),
            simulator,
            pool,
            aborts: RefCell::default(),
            bodies: RefCell::default(),
            wake: RefCell::new(Some(wake)),
            on_event: Box::new(on_event),
            own_clock,
            turn_started: Cell::new(None),
        });
        (run, woken)
    }

    /// The run's id.
    pub fn run_id(&self) -> u32 {
        self.engine.borrow().run_id()
    }

    /// A copy of the run's record so far.
    pub fn log(&self) -> RunLog {
        self.engine.borrow().log().clone()
    }

    /// Calls `f` with the run's record, without copying it.
    pub fn with_log<T>(&self, f: impl FnOnce(&RunLog) -> T) -> T {
        f(self.engine.borrow().log())
    }

    /// Cancels the run at once: requests are aborted, busy workers told to stop at
    /// their next slice, and the driving task stops (dropping a sliced parse at its
    /// next slice).
    pub fn cancel(&self) {
        let cancelled = self.engine.borrow_mut().cancel(now_ms());
        if cancelled {
            self.with_log(|log| {
                log.docs
                    .iter()
                    .filter(|d| d.state == DocState::Cancelled)
                    .for_each(|d| measure_document(log, d.id));
            });
            // Cancelling only asks to abort, replace and stop: nothing to keep.
            self.carry_out(&mut Operations::new());
            self.flush_events();
        }
        if let Some(wake) = self.wake.borrow_mut().take() {
            let _ = wake.send(());
        }
    }

    /// Runs until every document has finished or the run is cancelled. Each turn, from
    /// the moment an outcome wakes it until it waits again, is the lab's own time on the
    /// main thread (a blocking parse inside it is recorded as the document's work).
    pub async fn drive(self: Rc<Self>, mut woken: oneshot::Receiver<()>) {
        let mut operations = Operations::new();
        self.turn_started.set(Some(now_ms()));
        loop {
            self.carry_out(&mut operations);
            self.flush_events();
            if let (Some(clock), Some(from)) = (&self.own_clock, self.turn_started.take()) {
                clock.own(from, now_ms());
            }
            if self.engine.borrow().is_over() {
                return;
            }
            // lesson:drive
            // Every fetch, timer and parse in flight is a stream in `operations`: one
            // task polls them all and handles each result as it arrives (join_all).
            match select(operations.next(), &mut woken).await {
                Either::Left((Some(outcome), _)) => self.handle(outcome),
                // Nothing in flight, yet not over: a broken invariant of the engine.
                // End the run rather than spin.
                Either::Left((None, _)) => self.cancel(),
                // Cancelled from outside (the engine already knows).
                Either::Right(_) => {}
            }
            // lesson:end
        }
    }

    fn flush_events(&self) {
        loop {
            let event = self.engine.borrow_mut().poll_event();
            let Some(event) = event else { return };
            if let RunEvent::Parsed { doc, .. } | RunEvent::Failed { doc, .. } = &event {
                self.with_log(|log| measure_document(log, *doc));
            }
            (self.on_event)(event);
        }
    }

    fn job(&self, doc: u32) -> JobId {
        JobId {
            run: self.run_id(),
            doc,
        }
    }

    fn scenario(&self) -> Scenario {
        self.engine.borrow().log().scenario.clone()
    }

    /// Does what the engine asks, until it asks nothing more.
    fn carry_out(&self, operations: &mut Operations) {
        let mut fetches: u32 = 0;
        loop {
            let command = self.engine.borrow_mut().poll_command();
            let Some(command) = command else { return };
            match command {
                Command::StartFetch { doc } => {
                    operations.push(self.start_fetch(doc, fetches / FETCH_STARTS_PER_TASK));
                    fetches += 1;
                }
                Command::WorkOnMain { doc } => {
                    if let Some(op) = self.work_on_main(doc) {
                        operations.push(op);
                    }
                }
                Command::PostToWorker { doc, worker } => {
                    if let Some(op) = self.post_to_worker(doc, worker) {
                        operations.push(op);
                    }
                }
                Command::AbortFetch { doc } => {
                    if let Some(abort) = self.aborts.borrow_mut().remove(&doc) {
                        abort.abort();
                    }
                }
                Command::Sleep { doc, ms } => operations.push(
                    // lesson:sleep
                    stream::once(async move {
                        // The page's loop runs everything else while this timer waits.
                        TimeoutFuture::new(ms).await;
                        Outcome::Slept { doc }
                    })
                    // lesson:end
                    .boxed_local(),
                ),
                Command::DropUnpolled { doc } => self.forget(doc),
                Command::ReplaceWorker { worker } => self.pool.replace(worker),
                Command::CancelOnWorker { doc, worker } => self.pool.cancel(worker, self.job(doc)),
            }
        }
    }

    /// Fetches `doc`, after `later` tasks (see [`FETCH_STARTS_PER_TASK`]).
    fn start_fetch(&self, doc: u32, later: u32) -> LabStream {
        let (scenario, run) = (self.scenario(), self.run_id());
        let simulator = self.simulator.clone();
        let abort = AbortController::new();
        if let Ok(abort) = &abort {
            self.aborts.borrow_mut().insert(doc, abort.clone());
        }
        let started = stream::once(async move {
            for _ in 0..later {
                next_task().await;
            }
            Outcome::FetchStarted {
                doc,
                at_ms: now_ms(),
            }
        });
        // Polled right after the start is recorded, so the fetch goes out then.
        let fetched = stream::once(async move {
            let result = match abort {
                Ok(abort) => load(&simulator, &scenario, run, doc, &abort).await,
                Err(_) => Err(LabError::Network("AbortController is unavailable".into())),
            };
            Outcome::Fetched { doc, result }
        });
        started.chain(fetched).boxed_local()
    }

    /// `forget=N`: the step of the lesson where `.await` was forgotten. The fetch's
    /// future is really created, then dropped without being polled.
    fn forget(&self, doc: u32) {
        let scenario = self.scenario();
        let Ok(abort) = AbortController::new() else {
            return;
        };
        // lesson:forget
        // The future exists, with everything it needs to fetch…
        let future = load(&self.simulator, &scenario, self.run_id(), doc, &abort);
        // …but nothing polls it: a Rust future does nothing until it is awaited or
        // spawned, so no request goes out. (A JS promise would have started at once.)
        drop(future);
        // lesson:end
    }

    fn work_on_main(&self, doc: u32) -> Option<LabStream> {
        let job = self.job(doc);
        let scenario = self.scenario();
        let body = self.bodies.borrow_mut().remove(&doc);
        let Some(Payload::Bytes(buffer)) = body else {
            let error = LabError::BodyMissing { doc };
            self.engine
                .borrow_mut()
                .handle_work_failed(job, error, now_ms());
            return None;
        };
        let hold_ms = self.engine.borrow().hold_ms();
        if hold_ms > 0 {
            // `wait=blocking` on the main thread: inside this task, like `time.sleep`
            // inside `async def`.
            let (from, to) = hold_thread(hold_ms);
            self.record_work(from, to);
            self.engine.borrow_mut().handle_held(job, from, to);
        }
        let started = now_ms();
        self.engine.borrow_mut().handle_work_started(job, started);
        if scenario.parse == ParseStrategy::Sliced {
            return Some(
                stream::once(async move {
                    let work = work_sliced(buffer, scenario.query, scenario.yield_kind).await;
                    Outcome::SlicedDone { doc, work }
                })
                .boxed_local(),
            );
        }
        // lesson:blocking
        // Blocking: right here, in this task. Until it returns, the driving task polls
        // no other fetch, and the browser draws no frame and handles no input.
        let result = work_blocking(&buffer, &scenario.query);
        // lesson:end
        let ended = now_ms();
        self.record_work(started, ended);
        self.finish_work(job, result, ended - started, ended);
        None
    }

    /// A document's work held the main thread from `from_ms` to `to_ms`.
    fn record_work(&self, from_ms: f64, to_ms: f64) {
        if let Some(clock) = &self.own_clock {
            clock.work(from_ms, to_ms);
        }
    }

    fn finish_work(
        &self,
        job: JobId,
        result: Result<WorkSummary, LabError>,
        work_ms: f64,
        at_ms: f64,
    ) {
        let mut engine = self.engine.borrow_mut();
        match result {
            Ok(summary) => engine.handle_parsed(job, summary, work_ms, at_ms),
            Err(error) => engine.handle_work_failed(job, error, at_ms),
        };
    }

    fn post_to_worker(&self, doc: u32, worker: u32) -> Option<LabStream> {
        let job = self.job(doc);
        let scenario = self.scenario();
        let body = self.bodies.borrow_mut().remove(&doc);
        let crash = scenario.failure(doc) == Some(FailKind::Crash);
        let hold_ms = self.engine.borrow().hold_ms();
        // lesson:worker
        // Only the work moves: the page fetched the body on its own loop and hands a
        // handle to its bytes to a pool worker, then awaits the reply as a stream.
        let posted = match body {
            Some(Payload::Blob(blob)) => {
                self.pool
                    .post(worker, job, &scenario.query, crash, hold_ms, &blob)
            }
            _ => Err(LabError::BodyMissing { doc }),
        };
        // lesson:end
        match posted {
            Ok(events) => Some(
                events
                    .map(move |event| Outcome::Worker { doc, event })
                    .boxed_local(),
            ),
            Err(error) => {
                self.engine
                    .borrow_mut()
                    .handle_work_failed(job, error, now_ms());
                None
            }
        }
    }
}

type LabStream = LocalBoxStream<'static, Outcome>;

/// Fetches started in one task, at most. NOTE: starting a fetch costs the page's main
/// thread 0.3–0.8 ms in Chromium (measured here: 32 fetches through the service worker
/// took 10–27 ms), and the first frame of a run also draws every row, so 32 or 64
/// documents started at once made a long task of their own. A run's fetches start in
/// groups a task apart instead (about 15 ms in all for 32 documents), with each
/// document's start recorded when its request really went out.
const FETCH_STARTS_PER_TASK: u32 = 4;
