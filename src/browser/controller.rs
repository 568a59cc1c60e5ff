//! Drives runs: fetches documents sequentially or concurrently on the event loop,
//! runs the work blocking, sliced or in the worker pool, and reports every step as a
//! [`LabEvent`]. One controller lives for the app's lifetime (owned by a hook); the
//! UI buttons and `window.eventLoopLab` both go through it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::channel::oneshot;
use futures::future::{join_all, select, Either, LocalBoxFuture, Shared};
use futures::{FutureExt, StreamExt};
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::spawn_local;
use web_sys::AbortController;
use yew::Callback;

use super::clock::{from_epoch_ms, now_ms};
use super::fetch::load_document;
use super::monitor::{Monitor, Support};
use super::pool::{WorkerPool, WORKER_SCRIPT};
use super::simulator;
use crate::lab::error::LabError;
use crate::lab::page::SimulatorChoice;
use crate::lab::report::{DocRecord, Report, RunEvent, RunLog, RunOutcome};
use crate::lab::scenario::{FetchStrategy, ParamNotice, ParseStrategy, Scenario};
use crate::lab::timeline::MainThreadReport;
use crate::lab::work::{analyze, Analyzer, WorkSummary};
use crate::protocol::{DocSource, JobId, ParseResponse, SimulatedDoc};

/// How long one document's request may take before it fails with a timeout.
const FETCH_TIMEOUT_MS: u32 = 20_000;
/// How long starting workers may take before a run goes ahead anyway.
const WORKER_START_TIMEOUT_MS: u32 = 10_000;
/// Extra time a worker gets for its work before the app gives up on its reply.
const WORKER_REPLY_GRACE_MS: u32 = 30_000;
/// Main-thread time the `sliced` strategy spends before yielding, ms. Well under the
/// 50 ms long-task threshold, so a frame and input fit between slices.
const SLICE_MS: f64 = 8.0;
/// Bytes processed between clock checks in the `sliced` strategy.
const SLICE_STEP_BYTES: usize = 16 * 1024;

/// What the controller tells the UI.
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
    /// Several events at once: what happened since the last animation frame. Drawing
    /// once per frame keeps the measuring from causing the freezes it measures.
    Batch(Vec<LabEvent>),
    /// The browser's instruments (which are missing is shown in the UI).
    InstrumentsDetected(Support),
    /// What the main thread did so far in run `run_id` (sent ~10 times a second).
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

/// Where documents come from, decided once at start-up.
#[derive(Debug, Clone, PartialEq)]
enum SimMode {
    /// Real fetches, answered by the service worker.
    ServiceWorker,
    /// The in-page simulator, for this reason.
    InPage(String),
}

type SimulatorReady = Shared<LocalBoxFuture<'static, SimMode>>;

struct Current {
    run_id: u32,
    cancel: oneshot::Sender<()>,
}

struct Inner {
    defaults: Scenario,
    scenario: RefCell<Scenario>,
    simulator: SimulatorReady,
    pool: WorkerPool,
    next_run_id: Cell<u32>,
    current: RefCell<Option<Current>>,
    log: RefCell<Option<RunLog>>,
    last_report: RefCell<Option<Report>>,
    monitor: RefCell<Option<Monitor>>,
    /// Run events since the last frame, drawn together on the next one.
    pending: RefCell<Vec<LabEvent>>,
    last_measured_ms: Cell<f64>,
    on_event: Callback<LabEvent>,
}

/// How often the live main-thread summary is sent during a run, ms.
const MEASURE_EVERY_MS: f64 = 100.0;

impl Inner {
    /// Runs on every animation frame: sends the events gathered since the last one.
    fn on_frame(&self, now: f64) {
        if now - self.last_measured_ms.get() >= MEASURE_EVERY_MS {
            let log = self.log.borrow();
            if let Some(log) = log.as_ref().filter(|log| log.ended_ms.is_none()) {
                self.last_measured_ms.set(now);
                let main = self.main_thread(log.started_ms, now, &log.docs);
                self.pending
                    .borrow_mut()
                    .push(LabEvent::MainThreadMeasured {
                        run_id: log.run_id,
                        now_ms: now,
                        main,
                    });
            }
        }
        self.flush();
    }

    fn flush(&self) {
        let events = std::mem::take(&mut *self.pending.borrow_mut());
        if !events.is_empty() {
            self.on_event.emit(LabEvent::Batch(events));
        }
    }

    /// The main thread between two times, long tasks attributed to `docs`.
    fn main_thread(&self, from_ms: f64, to_ms: f64, docs: &[DocRecord]) -> MainThreadReport {
        self.monitor
            .borrow()
            .as_ref()
            .map(|m| m.log().summarize(from_ms, to_ms, docs))
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
    /// Creates the controller and starts the latency simulator. `on_event` runs for
    /// every change, on the page's event loop.
    pub fn new(
        defaults: Scenario,
        scenario: Scenario,
        choice: SimulatorChoice,
        on_event: Callback<LabEvent>,
    ) -> Self {
        let simulator: SimulatorReady = async move {
            if choice == SimulatorChoice::Page {
                return SimMode::InPage("simulator=page asks for it".into());
            }
            match simulator::start().await {
                Ok(()) => SimMode::ServiceWorker,
                Err(error) => SimMode::InPage(error.to_string()),
            }
        }
        .boxed_local()
        .shared();
        let inner = Rc::new(Inner {
            defaults,
            scenario: RefCell::new(scenario),
            simulator: simulator.clone(),
            pool: WorkerPool::new(WORKER_SCRIPT),
            next_run_id: Cell::new(1),
            current: RefCell::new(None),
            log: RefCell::new(None),
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
        on_event.emit(LabEvent::InstrumentsDetected(monitor.support));
        *inner.monitor.borrow_mut() = Some(monitor);
        let warm = Rc::clone(&inner);
        spawn_local(async move {
            let mode = simulator.await;
            // Start the pool now, not on the first worker run: workers take ~40 ms to
            // start, which would be charged to that run. They are started only after the
            // simulator controls the page, so their fetches go through it too.
            let k = warm.scenario.borrow().workers as usize;
            // A failure here shows on every row of the first worker run.
            if warm.pool.resize(k).is_ok() {
                warm.pool.warm(WORKER_START_TIMEOUT_MS).await;
            }
            on_event.emit(LabEvent::SimulatorReady {
                in_page: match mode {
                    SimMode::ServiceWorker => None,
                    SimMode::InPage(why) => Some(why),
                },
            });
        });
        Self { inner }
    }

    /// The scenario the next run uses.
    pub fn scenario(&self) -> Scenario {
        self.inner.scenario.borrow().clone()
    }

    /// Applies `key=value` pairs (URL names) to the scenario; reports bad values.
    pub fn edit<'a>(&self, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) {
        let notices = self
            .inner
            .scenario
            .borrow_mut()
            .apply(pairs, &self.inner.defaults);
        if !notices.is_empty() {
            self.inner.on_event.emit(LabEvent::NoticesRaised(notices));
        }
        self.inner
            .on_event
            .emit(LabEvent::ScenarioChanged(self.scenario()));
    }

    /// Puts the scenario back to the defaults.
    pub fn reset(&self) {
        self.cancel();
        *self.inner.scenario.borrow_mut() = self.inner.defaults.clone();
        self.inner
            .on_event
            .emit(LabEvent::ScenarioChanged(self.scenario()));
    }

    /// The last run that finished (not cancelled), if any.
    pub fn last_report(&self) -> Option<Report> {
        self.inner.last_report.borrow().clone()
    }

    /// An input event on the responsiveness probe: it happened at `at_ms` (its
    /// timestamp) and its handler started `delay_ms` later.
    pub fn record_input(&self, at_ms: f64, delay_ms: f64) {
        if let Some(monitor) = self.inner.monitor.borrow().as_ref() {
            monitor.record_input(at_ms, delay_ms);
        }
    }

    /// Cancels the running run, if any. Its documents stop where they are.
    pub fn cancel(&self) {
        if let Some(current) = self.inner.current.borrow_mut().take() {
            let _ = current.cancel.send(());
        }
    }

    /// Starts a run of the current scenario at once, cancelling any run in progress.
    /// The run goes on whether or not the returned receiver is awaited.
    pub fn run(&self) -> PendingReport {
        self.cancel();
        let inner = Rc::clone(&self.inner);
        let run_id = inner.next_run_id.get();
        inner.next_run_id.set(run_id + 1);
        let (cancel_tx, cancel_rx) = oneshot::channel::<()>();
        let (done_tx, done_rx) = oneshot::channel::<Report>();
        *inner.current.borrow_mut() = Some(Current {
            run_id,
            cancel: cancel_tx,
        });
        let scenario = self.scenario();
        spawn_local(async move {
            let report = run(Rc::clone(&inner), run_id, scenario, cancel_rx).await;
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

/// One run from start to end; cancelled when `cancel` fires or its sender is dropped.
async fn run(
    inner: Rc<Inner>,
    run_id: u32,
    scenario: Scenario,
    cancel: oneshot::Receiver<()>,
) -> Report {
    let abort = AbortController::new().ok();
    let body = async {
        // Runs wait for the simulator (a first visit installs it). If it failed, the
        // requests go to the static server and each row shows its error.
        let mode = inner.simulator.clone().await;
        // Workers the pool must start for this run are waited for before the clock
        // starts: booting a worker (~40 ms) is a one-off cost, not what a run measures.
        let pool = match scenario.parse {
            ParseStrategy::Worker => {
                let resized = inner
                    .pool
                    .resize(scenario.workers.min(scenario.docs) as usize);
                if resized.as_ref().is_ok_and(|&started| started > 0) {
                    inner.pool.warm(WORKER_START_TIMEOUT_MS).await;
                }
                resized.map(|_| ())
            }
            _ => Ok(()),
        };
        let log = RunLog::new(run_id, scenario.clone(), now_ms());
        *inner.log.borrow_mut() = Some(log.clone());
        inner.last_measured_ms.set(0.0);
        inner.pending.borrow_mut().push(LabEvent::RunStarted(log));
        if let Err(error) = pool {
            for doc in 1..=scenario.docs {
                emit(
                    &inner,
                    run_id,
                    RunEvent::Failed {
                        doc,
                        at_ms: now_ms(),
                        error: error.clone(),
                    },
                );
            }
            return;
        }
        let docs = 1..=scenario.docs;
        match scenario.fetch {
            FetchStrategy::Sequential => {
                for doc in docs {
                    process(&inner, run_id, &scenario, &mode, doc, abort.as_ref()).await;
                }
            }
            FetchStrategy::Concurrent => {
                join_all(
                    docs.map(|doc| process(&inner, run_id, &scenario, &mode, doc, abort.as_ref())),
                )
                .await;
            }
        }
    };
    let cancelled = match select(Box::pin(body), cancel).await {
        Either::Left(_) => false,
        Either::Right(_) => true,
    };
    let at_ms = now_ms();
    if cancelled {
        if let Some(abort) = &abort {
            abort.abort();
        }
        inner.pool.cancel(run_id);
    }
    // Close the record now: a new run may replace `inner.log` during the wait below.
    let log = inner
        .log
        .borrow_mut()
        .as_mut()
        .filter(|log| log.run_id == run_id)
        .map(|log| {
            if cancelled {
                log.cancel(at_ms);
            } else {
                log.finish(at_ms);
            }
            log.clone()
        })
        // Cancelled while waiting for the simulator: the run never started.
        .unwrap_or_else(|| {
            let mut log = RunLog::new(run_id, scenario, at_ms);
            log.cancel(at_ms);
            log
        });
    // A long task is reported after it ends, so the one that just finished the run is
    // not known yet: let the task end, then take what the observers hold.
    TimeoutFuture::new(0).await;
    if let Some(monitor) = inner.monitor.borrow().as_ref() {
        monitor.collect();
    }
    let main = inner.main_thread(log.started_ms, at_ms, &log.docs);
    let report = log.report(at_ms, main.clone());
    if !cancelled {
        *inner.last_report.borrow_mut() = Some(report.clone());
    }
    // The end is shown at once, with whatever was still waiting for a frame.
    inner.pending.borrow_mut().push(LabEvent::RunEnded {
        run_id,
        outcome: log.outcome,
        at_ms,
        main,
    });
    inner.flush();
    report
}

/// Records an event of run `run_id` and tells the UI, unless the run is over.
fn emit(inner: &Inner, run_id: u32, event: RunEvent) {
    let applied = inner
        .log
        .borrow_mut()
        .as_mut()
        .filter(|log| log.run_id == run_id)
        .is_some_and(|log| log.apply(event.clone()));
    if applied {
        inner
            .pending
            .borrow_mut()
            .push(LabEvent::DocProgressed { run_id, event });
    }
}

/// Resolves `relative` against the page's `<base>`: absolute URLs are needed because
/// workers resolve relative URLs against their own script.
fn absolute(relative: &str) -> String {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten());
    base.and_then(|base| web_sys::Url::new_with_base(relative, &base).ok())
        .map(|u| u.href())
        .unwrap_or_else(|| relative.to_string())
}

/// Where document `doc` comes from: the service worker's URL, or the in-page simulator.
fn doc_source(mode: &SimMode, scenario: &Scenario, doc: u32) -> DocSource {
    match mode {
        SimMode::ServiceWorker => {
            let mut relative = format!(
                "doc/{doc}?latency_ms={}&size_kb={}",
                scenario.latency, scenario.size
            );
            if scenario.fails(doc) {
                relative.push_str("&fail=500");
            }
            DocSource::Url(absolute(&relative))
        }
        SimMode::InPage(_) => DocSource::Simulated(SimulatedDoc {
            corpus_url: absolute("corpus/"),
            doc,
            latency_ms: scenario.latency,
            size_kb: scenario.size,
            fail: scenario.fails(doc),
        }),
    }
}

/// Fetches and works on one document with the scenario's parse strategy.
async fn process(
    inner: &Inner,
    run_id: u32,
    scenario: &Scenario,
    mode: &SimMode,
    doc: u32,
    abort: Option<&AbortController>,
) {
    let source = doc_source(mode, scenario, doc);
    emit(
        inner,
        run_id,
        RunEvent::FetchStarted {
            doc,
            at_ms: now_ms(),
        },
    );
    if scenario.parse == ParseStrategy::Worker {
        return process_in_worker(inner, run_id, scenario, doc, source).await;
    }
    let Some(abort) = abort else {
        let error = LabError::Network("AbortController is unavailable".into());
        return emit(
            inner,
            run_id,
            RunEvent::Failed {
                doc,
                at_ms: now_ms(),
                error,
            },
        );
    };
    let fetched = match load_document(&source, FETCH_TIMEOUT_MS, abort).await {
        Ok(fetched) => fetched,
        Err(error) => {
            return emit(
                inner,
                run_id,
                RunEvent::Failed {
                    doc,
                    at_ms: now_ms(),
                    error,
                },
            )
        }
    };
    let at_ms = now_ms();
    emit(
        inner,
        run_id,
        RunEvent::Fetched {
            doc,
            at_ms,
            bytes: fetched.bytes,
        },
    );
    emit(
        inner,
        run_id,
        RunEvent::ParseStarted {
            doc,
            at_ms,
            thread: "main".into(),
        },
    );
    let summary = match scenario.parse {
        // The naive way: one long synchronous call. Nothing else on the page runs
        // until it returns — no frame, no input, no other fetch's continuation.
        ParseStrategy::Blocking => analyze(&fetched.html, &scenario.query),
        _ => analyze_sliced(&fetched.html, &scenario.query).await,
    };
    emit(
        inner,
        run_id,
        RunEvent::Parsed {
            doc,
            at_ms: now_ms(),
            summary,
        },
    );
}

/// The same work in slices of about [`SLICE_MS`], yielding to the event loop between.
async fn analyze_sliced(html: &str, query: &str) -> WorkSummary {
    let mut analyzer = Analyzer::new(html, query);
    loop {
        let slice_start = now_ms();
        while now_ms() - slice_start < SLICE_MS {
            if analyzer.step(SLICE_STEP_BYTES) {
                return analyzer.finish();
            }
        }
        yield_to_event_loop().await;
    }
}

/// Lets the browser paint and handle input before continuing.
///
/// NOTE: `.await` on a ready future, or on a resolved promise, does not do that: it
/// continues in the same task or in a microtask, and the browser renders and
/// dispatches input only between tasks, after the microtask queue is empty. A real
/// yield is a new task. We use `setTimeout(0)`, not `scheduler.yield()`: the latter
/// resumes ahead of rendering, and in Chromium 156 that let a frame through only about
/// every 110 ms during a sliced parse (measured by `scripts/bench.sh`), while
/// `setTimeout(0)` lets every due frame in, at the cost of the 4 ms clamp browsers put
/// on nested timeouts.
async fn yield_to_event_loop() {
    TimeoutFuture::new(0).await;
}

/// Hands one document to the pool and follows its replies.
async fn process_in_worker(
    inner: &Inner,
    run_id: u32,
    scenario: &Scenario,
    doc: u32,
    source: DocSource,
) {
    let job = JobId { run: run_id, doc };
    let before = now_ms();
    let (worker, mut replies) =
        inner
            .pool
            .load(job, source, scenario.query.clone(), FETCH_TIMEOUT_MS);
    // What the page pays to hand a document over: a URL and a query, whatever the size.
    let cost_ms = now_ms() - before;
    emit(inner, run_id, RunEvent::HandedOff { doc, cost_ms });
    let thread = format!("worker-{worker}");
    loop {
        let deadline = TimeoutFuture::new(FETCH_TIMEOUT_MS + WORKER_REPLY_GRACE_MS);
        let reply = match select(replies.next(), deadline).await {
            Either::Left((reply, _)) => reply,
            Either::Right(_) => None,
        };
        match reply {
            Some(ParseResponse::Fetched {
                bytes,
                fetch_end_epoch_ms,
                ..
            }) => {
                let at_ms = from_epoch_ms(fetch_end_epoch_ms);
                emit(inner, run_id, RunEvent::Fetched { doc, at_ms, bytes });
                emit(
                    inner,
                    run_id,
                    RunEvent::ParseStarted {
                        doc,
                        at_ms,
                        thread: thread.clone(),
                    },
                );
            }
            Some(ParseResponse::Parsed {
                summary,
                parse_end_epoch_ms,
                ..
            }) => {
                emit(
                    inner,
                    run_id,
                    RunEvent::Parsed {
                        doc,
                        at_ms: from_epoch_ms(parse_end_epoch_ms),
                        summary,
                    },
                );
                break;
            }
            Some(ParseResponse::Pong { .. }) => {}
            Some(ParseResponse::Failed {
                error, at_epoch_ms, ..
            }) => {
                emit(
                    inner,
                    run_id,
                    RunEvent::Failed {
                        doc,
                        at_ms: from_epoch_ms(at_epoch_ms),
                        error,
                    },
                );
                break;
            }
            None => {
                let error = LabError::Worker(format!("{thread} did not answer"));
                emit(
                    inner,
                    run_id,
                    RunEvent::Failed {
                        doc,
                        at_ms: now_ms(),
                        error,
                    },
                );
                break;
            }
        }
    }
    inner.pool.forget(job);
}

/// Reads a JS config object (`{docs: 6, fetch: "concurrent", …}`) as `key=value`
/// pairs with the URL's names. Non-objects give no pairs.
pub fn config_pairs(config: &JsValue) -> Vec<(String, String)> {
    if !config.is_object() {
        return Vec::new();
    }
    js_sys::Object::entries(config.unchecked_ref())
        .iter()
        .filter_map(|entry| {
            let entry: js_sys::Array = entry.dyn_into().ok()?;
            let key = entry.get(0).as_string()?;
            let value = entry.get(1);
            // Arrays (`fail: [2, 5]`) read as the query's comma-separated lists.
            let value = if js_sys::Array::is_array(&value) {
                JsValue::from(js_sys::Array::from(&value).join(","))
            } else {
                value
            };
            let value = value
                .as_string()
                .or_else(|| value.as_f64().map(|n| n.to_string()))
                .or_else(|| value.as_bool().map(|b| b.to_string()))
                .unwrap_or_default();
            Some((key, value))
        })
        .collect()
}
