//! The run controller: a small facade over the pieces of a run. It holds the
//! scenario, starts the latency simulator and the worker pool, starts and cancels
//! runs (each carried out by a [`driver::ActiveRun`](super::driver::ActiveRun), from
//! Run to report in [`run`]),
//! and tells the UI what happened as [`LabEvent`]s, in batches (five times a second
//! during a run, see `Inner::on_frame`). One controller lives for the app's lifetime (owned by a hook); the UI's
//! buttons and `window.eventLoopLab` both go through it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::channel::oneshot;
use futures::future::{LocalBoxFuture, Shared};
use futures::FutureExt;
use wasm_bindgen_futures::spawn_local;

use super::clock::next_task;
use super::documents::Simulator;
use super::download::download_text;
use super::driver::ActiveRun;
use super::monitor::Monitor;
use super::pool::WorkerPool;
use super::service_worker;
use crate::lab::events::LabEvent;
use crate::lab::page::SimulatorChoice;
use crate::lab::report::{Report, RunLog};
use crate::lab::scenario::Scenario;
use crate::lab::timeline::MainThreadReport;
use crate::lab::trace::{trace_file_name, trace_json};
use run::{run, WORKER_START_TIMEOUT_MS};

mod run;

/// How often the live main-thread summary is sent during a run, ms. Each one redraws
/// the lanes still growing and the main thread's lane. NOTE: at 100 ms, fresh pages at
/// CPU 4× (workers=1, default scenario) had their longest frame gap over 50 ms in 5 of
/// 6 runs (29-78 ms); at 200 ms in 1 of 6 (25-61 ms). 32 documents were no better
/// either way (a 51-62 ms task in 2 of 6 runs): there one frame's drawing is the limit.
const MEASURE_EVERY_MS: f64 = 200.0;

type SimulatorReady = Shared<LocalBoxFuture<'static, Simulator>>;

/// The run in progress: its id from the moment Run is pressed, and its driver once
/// the simulator and the workers are ready and its clock has started.
struct Current {
    run_id: u32,
    active: Option<Rc<ActiveRun>>,
}

struct Inner {
    defaults: Scenario,
    scenario: RefCell<Scenario>,
    simulator: SimulatorReady,
    pool: Rc<WorkerPool>,
    next_run_id: Cell<u32>,
    current: RefCell<Option<Current>>,
    last_report: RefCell<Option<Report>>,
    monitor: RefCell<Option<Monitor>>,
    /// Events since the last frame, drawn together on the next one.
    pending: RefCell<Vec<LabEvent>>,
    last_measured_ms: Cell<f64>,
    on_event: Rc<dyn Fn(LabEvent)>,
}

impl Inner {
    /// Runs on every animation frame. About five times a second during a run it sends
    /// what the main thread did so far, with the documents' progress since the last
    /// time; anything else (a run starting or ending, a changed scenario) goes out on
    /// the next frame.
    ///
    /// NOTE: documents' progress used to go out on the next frame too. With 32
    /// documents that was a redraw of the page in most frames of a run (six events a
    /// document), and it cost more than the drawing it showed: a worker run at full
    /// speed spent 22-23 % of its main thread on the lab (Chrome trace, in one sitting
    /// with this change: see the book's benchmark, row 8). A bar that grows five times
    /// a second reads the same.
    fn on_frame(&self, now: f64) {
        let measure = now - self.last_measured_ms.get() >= MEASURE_EVERY_MS;
        if measure {
            if let Some(active) = self.active() {
                self.last_measured_ms.set(now);
                let main = active.with_log(|log| self.main_thread(log, now));
                self.queue(LabEvent::MainThreadMeasured {
                    run_id: active.run_id(),
                    now_ms: now,
                    main,
                });
            }
        }
        let urgent = self
            .pending
            .borrow()
            .iter()
            .any(|e| !matches!(e, LabEvent::DocProgressed { .. }));
        if measure || urgent {
            self.flush();
        }
    }

    /// Queues an event for the next drawing (see [`Inner::on_frame`]). NOTE: `window.eventLoopLab.run(config)`
    /// changes the scenario and starts a run in one task; drawing the change at once
    /// and the run's rows a frame later made two renders, and with 32 documents the
    /// two together made a long task. Events are drawn together instead, at most once a frame.
    fn queue(&self, event: LabEvent) {
        self.pending.borrow_mut().push(event);
    }

    fn active(&self) -> Option<Rc<ActiveRun>> {
        self.current.borrow().as_ref()?.active.clone()
    }

    fn flush(&self) {
        let events = std::mem::take(&mut *self.pending.borrow_mut());
        if !events.is_empty() {
            (self.on_event)(LabEvent::Batch(events));
        }
    }

    /// The main thread from the run's start to `to_ms`, long tasks attributed to
    /// its main-thread work.
    fn main_thread(&self, log: &RunLog, to_ms: f64) -> MainThreadReport {
        self.monitor
            .borrow()
            .as_ref()
            .map(|m| m.log().summarize(log.started_ms, to_ms, &log.main_work()))
            .unwrap_or_default()
    }
}

/// The run controller. Cheap to clone (one shared state).
#[derive(Clone)]
pub struct Controller {
    inner: Rc<Inner>,
}

impl PartialEq for Controller {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Controller {
    /// Creates the controller and starts the latency simulator; `pool` holds the
    /// workers already started (none for an embed, see `ui::app::start`). `on_event`
    /// runs for every change, on the page's event loop.
    pub fn new(
        defaults: Scenario,
        scenario: Scenario,
        choice: SimulatorChoice,
        pool: Rc<WorkerPool>,
        on_event: Rc<dyn Fn(LabEvent)>,
    ) -> Self {
        let simulator: SimulatorReady = async move {
            if choice == SimulatorChoice::Page {
                return Simulator::InPage("simulator=page asks for it".into());
            }
            match service_worker::start().await {
                Ok(()) => Simulator::ServiceWorker,
                Err(error) => Simulator::InPage(error.to_string()),
            }
        }
        .boxed_local()
        .shared();
        let inner = Rc::new(Inner {
            defaults,
            scenario: RefCell::new(scenario),
            simulator: simulator.clone(),
            pool,
            next_run_id: Cell::new(1),
            current: RefCell::new(None),
            last_report: RefCell::new(None),
            monitor: RefCell::new(None),
            pending: RefCell::new(Vec::new()),
            last_measured_ms: Cell::new(0.0),
            on_event: on_event.clone(),
        });
        let weak = Rc::downgrade(&inner);
        let monitor = Monitor::start(Rc::new(move |now| {
            if let Some(inner) = weak.upgrade() {
                inner.on_frame(now);
            }
        }));
        on_event(LabEvent::InstrumentsDetected(monitor.support));
        *inner.monitor.borrow_mut() = Some(monitor);
        let warm = Rc::clone(&inner);
        spawn_local(async move {
            // NOTE: a task after the one that made the controller, which is the app's
            // first render: the simulator's registration (and the workers' start, then
            // here too) in that task made it one of 100-150 ms at CPU 4× (Chrome trace).
            next_task().await;
            let simulator = simulator.await;
            // The pool's workers started with the page, not on the first worker run: a
            // worker takes tens of ms to start, a wait before that run's clock starts.
            // (An empty pool, an embed's, is ready at once; an embed starts its workers
            // when it is read, [`Controller::warm_workers`].)
            warm.pool.ready(WORKER_START_TIMEOUT_MS).await;
            on_event(LabEvent::SimulatorReady {
                in_page: match simulator {
                    Simulator::ServiceWorker => None,
                    Simulator::InPage(why) => Some(why),
                },
            });
        });
        Self { inner }
    }

    /// Starts the pool's workers ahead of a run, if the scenario parses in workers and
    /// they are not running yet (an embed being read).
    pub fn warm_workers(&self) {
        let scenario = self.scenario();
        if scenario.parse == crate::lab::scenario::ParseStrategy::Worker {
            let _ = self.inner.pool.grow_to(scenario.workers as usize);
        }
    }

    /// Stops the pool's workers while no run needs them (an embed long out of view).
    /// The next worker run starts them again, before its clock starts.
    pub fn release_workers(&self) {
        if self.inner.current.borrow().is_none() {
            let _ = self.inner.pool.resize(0);
        }
    }

    /// The scenario the next run uses.
    pub fn scenario(&self) -> Scenario {
        self.inner.scenario.borrow().clone()
    }

    /// Applies `key=value` pairs (URL names) to the scenario; reports bad values.
    /// Shown on the next frame, with whatever else happened by then.
    pub fn edit<'a>(&self, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) {
        let notices = self
            .inner
            .scenario
            .borrow_mut()
            .apply(pairs, &self.inner.defaults);
        if !notices.is_empty() {
            self.inner.queue(LabEvent::NoticesRaised(notices));
        }
        self.inner.queue(LabEvent::ScenarioChanged(self.scenario()));
    }

    /// Replaces the whole scenario (a lesson step's preset); a run in progress is
    /// cancelled, since what it shows no longer matches the screen.
    pub fn load(&self, scenario: Scenario) {
        self.cancel();
        *self.inner.scenario.borrow_mut() = scenario;
        self.inner.queue(LabEvent::ScenarioChanged(self.scenario()));
    }

    /// The defaults of this browser (a lesson's presets apply on top of them).
    pub fn defaults(&self) -> Scenario {
        self.inner.defaults.clone()
    }

    /// Puts the scenario back to the defaults.
    pub fn reset(&self) {
        self.cancel();
        *self.inner.scenario.borrow_mut() = self.inner.defaults.clone();
        self.inner.queue(LabEvent::ScenarioChanged(self.scenario()));
    }

    /// Offers the last finished run as a trace file (Chrome's Trace Event Format).
    /// Returns whether there was a run to export and the browser took the download.
    pub fn export_trace(&self) -> bool {
        let Some(report) = self.last_report() else {
            return false;
        };
        let text = trace_json(&report);
        download_text(&trace_file_name(report.run_id), "application/json", &text)
    }

    /// The last run that finished (not cancelled), if any.
    pub fn last_report(&self) -> Option<Report> {
        self.inner.last_report.borrow().clone()
    }

    /// The probe's elements, whose input delay is measured ([`Monitor::watch_probe`]).
    pub fn watch_probe(&self, targets: Vec<web_sys::Element>) {
        if let Some(monitor) = self.inner.monitor.borrow().as_ref() {
            monitor.watch_probe(targets);
        }
    }

    /// An input event on the responsiveness probe: it happened at `at_ms` (its
    /// timestamp) and its handler started `delay_ms` later.
    pub fn record_input(&self, at_ms: f64, delay_ms: f64) {
        if let Some(monitor) = self.inner.monitor.borrow().as_ref() {
            monitor.record_input(at_ms, delay_ms);
        }
    }

    /// Cancels the run in progress, if any, at once: its requests are aborted, its
    /// work stops at its next slice, its queued work is dropped.
    pub fn cancel(&self) {
        let current = self.inner.current.borrow_mut().take();
        if let Some(active) = current.and_then(|c| c.active) {
            active.cancel();
        }
    }

    /// Starts a run of the current scenario, cancelling any run in progress. The run
    /// goes on whether or not the returned report is awaited.
    pub fn run(&self) -> PendingReport {
        self.cancel();
        let inner = Rc::clone(&self.inner);
        let run_id = inner.next_run_id.get();
        inner.next_run_id.set(run_id + 1);
        *inner.current.borrow_mut() = Some(Current {
            run_id,
            active: None,
        });
        let (done_tx, done_rx) = oneshot::channel::<Report>();
        // Every edit is fitted to the memory budget already; a scenario loaded whole (a
        // lesson's preset) is fitted here, so no run starts over it.
        let over_budget = self.inner.scenario.borrow_mut().fit_memory_budget();
        if let Some(notice) = over_budget {
            self.inner.queue(LabEvent::NoticesRaised(vec![notice]));
            self.inner.queue(LabEvent::ScenarioChanged(self.scenario()));
        }
        let scenario = self.scenario();
        spawn_local(async move {
            let report = run(Rc::clone(&inner), run_id, scenario).await;
            let mut current = inner.current.borrow_mut();
            if current.as_ref().is_some_and(|c| c.run_id == run_id) {
                *current = None;
            }
            drop(current);
            let _ = done_tx.send(report);
        });
        PendingReport(done_rx)
    }
}

/// The report of a started run, once it finishes or is cancelled.
pub struct PendingReport(oneshot::Receiver<Report>);

impl PendingReport {
    /// Waits for the report (`None` only if the app was torn down mid-run).
    pub async fn report(self) -> Option<Report> {
        self.0.await.ok()
    }
}
