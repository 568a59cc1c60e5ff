//! One run from Run to its report: waits for the simulator and the workers, starts
//! the run's clock, drives it, and reads what the main thread did.

use std::rc::Rc;

use wasm_bindgen::JsCast;

use super::Inner;
use crate::browser::clock::{next_task, now_ms};
use crate::browser::driver::ActiveRun;
use crate::browser::main_work::has_scheduler_yield;
use crate::browser::monitor::Monitor;
use crate::lab::events::LabEvent;
use crate::lab::report::{Report, RunLog, RunOutcome};
use crate::lab::scenario::{ParamNotice, ParseStrategy, Scenario, YieldKind};
use crate::lab::timeline::MainThreadReport;

/// How long starting workers may take before a run goes ahead anyway.
pub(super) const WORKER_START_TIMEOUT_MS: u32 = 10_000;

fn still_current(inner: &Inner, run_id: u32) -> bool {
    inner
        .current
        .borrow()
        .as_ref()
        .is_some_and(|c| c.run_id == run_id)
}

/// The size of this page's wasm linear memory, bytes.
fn wasm_memory_bytes() -> u64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map_or(0, |memory| {
            memory
                .buffer()
                .dyn_into::<js_sys::ArrayBuffer>()
                .map_or(0, |buffer| buffer.byte_length() as u64)
        })
}

/// One run from Run to its report.
pub(super) async fn run(inner: Rc<Inner>, run_id: u32, scenario: Scenario) -> Report {
    // Runs wait for the simulator (a first visit installs it). If it failed, the
    // requests go to the static server and each row shows its error.
    let simulator = inner.simulator.clone().await;
    // Workers this run needs are started before its clock starts: booting a worker
    // is a one-off cost, not what a run measures. A worker that cannot start fails
    // the rows it is given. That includes fresh workers that replaced dead ones.
    // The pool keeps `workers` workers even when a run has fewer documents (it uses
    // fewer then): starting and stopping workers between runs costs the page a
    // message and a module each time.
    if scenario.parse == ParseStrategy::Worker
        && still_current(&inner, run_id)
        && inner.pool.resize(scenario.workers as usize).is_ok()
    {
        inner.pool.ready(WORKER_START_TIMEOUT_MS).await;
    }
    if !still_current(&inner, run_id) {
        // Cancelled while waiting for the simulator or the workers: it never started.
        let mut log = RunLog::new(run_id, scenario, now_ms());
        log.cancel(now_ms());
        return log.report(now_ms(), MainThreadReport::default());
    }
    if let Some(notice) = scenario.crash_ignored_notice() {
        inner.queue(LabEvent::NoticesRaised(vec![notice]));
    }
    if scenario.parse == ParseStrategy::Sliced
        && scenario.yield_kind == YieldKind::Scheduler
        && !has_scheduler_yield()
    {
        inner.queue(LabEvent::NoticesRaised(vec![ParamNotice::SchedulerMissing]));
    }
    let events = Rc::downgrade(&inner);
    let (active, woken) = ActiveRun::new(
        run_id,
        scenario,
        simulator,
        Rc::clone(&inner.pool),
        inner.monitor.borrow().as_ref().map(Monitor::own_clock),
        move |event| {
            if let Some(inner) = events.upgrade() {
                inner.queue(LabEvent::DocProgressed { run_id, event });
            }
        },
    );
    if let Some(current) = inner.current.borrow_mut().as_mut() {
        current.active = Some(Rc::clone(&active));
    }
    inner.last_measured_ms.set(0.0);
    if let Some(monitor) = inner.monitor.borrow().as_ref() {
        monitor.begin_window(active.log().started_ms);
    }
    inner.queue(LabEvent::RunStarted(active.log()));
    Rc::clone(&active).drive(woken).await;

    let log = active.log();
    let at_ms = log.ended_ms.unwrap_or_else(now_ms);
    // A long task is reported after it ends, so the one that just ended the run is
    // not known yet: let the task end, then take what the observers hold.
    next_task().await;
    if let Some(monitor) = inner.monitor.borrow().as_ref() {
        monitor.collect();
    }
    let main = inner.main_thread(&log, at_ms);
    let mut report = log.report(at_ms, main.clone());
    report.memory.wasm_bytes = wasm_memory_bytes();
    if log.outcome == RunOutcome::Finished {
        *inner.last_report.borrow_mut() = Some(report.clone());
    }
    // The end is shown at once, with whatever was still waiting for a frame.
    inner.queue(LabEvent::RunEnded {
        run_id,
        outcome: log.outcome,
        at_ms,
        main,
    });
    inner.flush();
    report
}
