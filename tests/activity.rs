//! Native tests of the one account of a run (`lab::activity`): runs of every mode,
//! fetch order, wait kind and failure path, played through the engine on a simulated
//! clock, and each document's segments checked for what every view relies on: in
//! order, touching end to end, covering the document from its request to its end,
//! and agreeing with the state at any instant and with the report's figures.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use event_loop_lab::lab::activity::{activity_at, segments, time_in, Activity, Segment};
use event_loop_lab::lab::engine::{Command, Engine, JobId};
use event_loop_lab::lab::error::LabError;
use event_loop_lab::lab::instant::{self, MainState};
use event_loop_lab::lab::report::{DocRecord, DocState, RunLog, MAIN_THREAD};
use event_loop_lab::lab::scenario::{FetchStrategy, ParseStrategy, Scenario, WaitKind};
use event_loop_lab::lab::timeline::{LongTask, MainThreadReport};
use event_loop_lab::lab::work::WorkSummary;

/// What goes wrong in a simulated run, if anything.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Trouble {
    None,
    /// Doc 2's fetch fails when its latency is up.
    FetchFails,
    /// Doc 2's work fails (a body that is not UTF-8).
    WorkFails,
    /// The worker parsing doc 2 dies mid-parse (worker mode).
    WorkerDies,
    /// The run is cancelled at this time.
    CancelAt(f64),
}

/// Something the simulated browser will tell the engine, at a time.
#[derive(Debug, Clone, Copy)]
enum Due {
    Fetched(u32),
    Slept(u32),
    /// A thread takes the document.
    Take(u32),
    /// Its held wait (`wait=blocking`) that began at the time given is over: the work
    /// starts. The engine hears of a hold only once it is over, as from the browser.
    Held(u32, f64),
    Parsed(u32),
}

const LATENCY_MS: f64 = 100.0;
const PARSE_MS: f64 = 30.0;
/// How long the page's loop sat on an answer before its code took it.
const LOOP_LAG_MS: f64 = 5.0;

/// Plays one run through the engine and returns its record.
fn play(scenario: Scenario, trouble: Trouble) -> RunLog {
    let mut engine = Engine::new(1, scenario, 0.0);
    let mut due: BTreeMap<(u64, u64), Due> = BTreeMap::new();
    let mut seq = 0u64;
    let mut schedule = |due: &mut BTreeMap<(u64, u64), Due>, at: f64, what: Due| {
        seq += 1;
        due.insert(((at * 1000.0) as u64, seq), what);
    };
    let job = |doc| JobId { run: 1, doc };
    let mut now = 0.0;
    let mut cancelled = false;
    loop {
        while let Some(command) = engine.poll_command() {
            match command {
                Command::StartFetch { doc } => {
                    engine.handle_fetch_started(job(doc), now + 0.5);
                    schedule(&mut due, now + 0.5 + LATENCY_MS, Due::Fetched(doc));
                }
                Command::Sleep { doc, ms } => {
                    schedule(&mut due, now + f64::from(ms), Due::Slept(doc));
                }
                Command::WorkOnMain { doc } | Command::PostToWorker { doc, .. } => {
                    schedule(&mut due, now + 1.0, Due::Take(doc));
                }
                _ => {}
            }
        }
        if engine.is_over() {
            break;
        }
        let Some((&(at, key), &what)) = due.iter().next() else {
            panic!("a run that is not over has nothing in flight: {trouble:?}")
        };
        due.remove(&(at, key));
        let at = at as f64 / 1000.0;
        if let Trouble::CancelAt(t) = trouble {
            if !cancelled && at >= t {
                cancelled = true;
                engine.cancel(t);
                continue;
            }
        }
        now = at;
        match what {
            Due::Fetched(doc) if doc == 2 && trouble == Trouble::FetchFails => {
                engine.handle_fetch_failed(job(doc), LabError::Network("refused".into()), now);
            }
            Due::Fetched(doc) => {
                let answered = now - LOOP_LAG_MS;
                engine.handle_fetched(job(doc), 1000, Some(answered), now);
            }
            Due::Slept(doc) => {
                engine.handle_slept(job(doc), now);
            }
            Due::Take(doc) => {
                let hold = f64::from(engine.hold_ms());
                if hold > 0.0 {
                    schedule(&mut due, now + hold, Due::Held(doc, now));
                    continue;
                }
                schedule(&mut due, now, Due::Held(doc, f64::NAN));
            }
            Due::Held(doc, from) => {
                if !from.is_nan() {
                    engine.handle_held(job(doc), from, now);
                }
                let start = now;
                match trouble {
                    Trouble::WorkFails if doc == 2 => {
                        let error = LabError::NotUtf8 { offset: 7 };
                        engine.handle_work_failed(job(doc), error, start);
                        continue;
                    }
                    _ => {}
                }
                engine.handle_work_started(job(doc), start);
                schedule(&mut due, start + PARSE_MS, Due::Parsed(doc));
            }
            Due::Parsed(doc) if doc == 2 && trouble == Trouble::WorkerDies => {
                if let Some(event_loop_lab::lab::engine::Thread::Worker(w)) = engine.working_on(doc)
                {
                    engine.handle_worker_died(w, "simulated crash", now - PARSE_MS / 2.0);
                }
            }
            Due::Parsed(doc) => {
                engine.handle_parsed(job(doc), WorkSummary::default(), PARSE_MS, now);
            }
        }
    }
    engine.log().clone()
}

fn scenarios() -> Vec<Scenario> {
    let mut out = Vec::new();
    for parse in [
        ParseStrategy::Blocking,
        ParseStrategy::Sliced,
        ParseStrategy::Worker,
    ] {
        for fetch in [FetchStrategy::Concurrent, FetchStrategy::Sequential] {
            for (wait, wait_ms) in [
                (WaitKind::Async, 0),
                (WaitKind::Async, 40),
                (WaitKind::Blocking, 40),
            ] {
                for forget in [vec![], vec![3]] {
                    // A concurrent run also with at most 2 requests at a time (`limit=2`).
                    let limits: &[Option<u32>] = match fetch {
                        FetchStrategy::Concurrent => &[None, Some(2)],
                        FetchStrategy::Sequential => &[None],
                    };
                    for &limit in limits {
                        out.push(Scenario {
                            docs: 4,
                            latency_ms: LATENCY_MS as u32,
                            fetch,
                            limit,
                            parse,
                            workers: 2,
                            wait,
                            wait_ms,
                            forget: forget.clone(),
                            ..Scenario::with_cores(2)
                        });
                    }
                }
            }
        }
    }
    out
}

fn troubles(parse: ParseStrategy) -> Vec<Trouble> {
    let mut out = vec![Trouble::None, Trouble::FetchFails, Trouble::WorkFails];
    if parse == ParseStrategy::Worker {
        out.push(Trouble::WorkerDies);
    }
    // Cancels mid-fetch, mid-wait, mid-queue and mid-parse, in one mode or another.
    out.extend([50.0, 103.0, 120.0, 135.0, 160.0, 250.0].map(Trouble::CancelAt));
    out
}

/// Every check the views rely on, for one document of one run.
fn check(log: &RunLog, d: &DocRecord, what: &str) {
    let wait = log.scenario.wait;
    let segs: Vec<Segment> = segments(d, wait);
    let what = format!("{what}, doc {}: {segs:?}", d.id);
    if d.state == DocState::NeverPolled {
        assert!(segs.is_empty(), "{what}");
        assert_eq!(activity_at(d, wait, 50.0), Activity::NeverPolled, "{what}");
        return;
    }
    let Some(fetch_start) = d.fetch_start_ms else {
        // Cancelled before its request went out (a sequential run's later documents).
        assert!(segs.is_empty(), "{what}");
        assert_eq!(activity_at(d, wait, 1.0), Activity::NotStarted, "{what}");
        return;
    };
    // From its request on, in order, touching end to end, nothing of zero length.
    assert_eq!(segs[0].start_ms, fetch_start, "{what}");
    assert_eq!(segs[0].activity, Activity::WaitingForServer, "{what}");
    for pair in segs.windows(2) {
        assert_eq!(
            pair[0].end_ms,
            Some(pair[1].start_ms),
            "{what}: a gap or an overlap"
        );
    }
    for s in &segs {
        assert!(
            s.end_ms.expect("a finished run leaves nothing open") > s.start_ms,
            "{what}"
        );
        assert_eq!(
            s.thread.is_some(),
            s.activity.occupies_thread() && d.thread.is_some(),
            "{what}"
        );
    }
    // …to its end.
    let last = segs.last().expect("a fetched document has segments");
    assert_eq!(
        last.end_ms, d.ended_ms,
        "{what}: the last segment ends with the document"
    );
    // Only a finished parse ends a done document.
    if d.state == DocState::Done {
        assert_eq!(last.activity, Activity::Parsing, "{what}");
    }
    // The state at each instant is the segment's that holds it.
    assert_eq!(
        activity_at(d, wait, fetch_start - 0.1),
        Activity::NotStarted,
        "{what}"
    );
    for s in &segs {
        let mid = (s.start_ms + s.end_ms.unwrap()) / 2.0;
        for t in [s.start_ms, mid] {
            assert_eq!(activity_at(d, wait, t), s.activity, "{what} at {t}");
        }
    }
    let after = match d.state {
        DocState::Done => Activity::Done,
        DocState::Error => Activity::Error,
        DocState::Cancelled => Activity::Cancelled,
        other => panic!("{what}: a finished run left a document {other:?}"),
    };
    assert_eq!(activity_at(d, wait, last.end_ms.unwrap()), after, "{what}");
    // The report's figure is the segments' own.
    let reported = log
        .report(1e6, MainThreadReport::default())
        .documents
        .into_iter()
        .find(|r| r.id == d.id)
        .unwrap();
    let queued = time_in(&segs, Activity::Queued);
    let taken = d.parse_start_ms.or(d.wait_start_ms).is_some();
    assert_eq!(
        reported.queued_ms,
        queued.or(taken.then_some(0.0)),
        "{what}"
    );
}

#[test]
fn every_document_of_every_kind_of_run_is_one_unbroken_chain_of_segments() {
    let mut runs = 0;
    for scenario in scenarios() {
        for trouble in troubles(scenario.parse) {
            let what = format!(
                "{:?} {:?} wait={:?}/{} forget={:?} {trouble:?}",
                scenario.parse, scenario.fetch, scenario.wait, scenario.wait_ms, scenario.forget
            );
            let log = play(scenario.clone(), trouble);
            for d in &log.docs {
                check(&log, d, &what);
            }
            runs += 1;
        }
    }
    assert!(runs > 200, "{runs} runs");
}

#[test]
fn each_mode_lives_its_own_segments() {
    let activities = |log: &RunLog, doc: usize| -> Vec<Activity> {
        segments(&log.docs[doc], log.scenario.wait)
            .iter()
            .map(|s| s.activity)
            .collect()
    };
    let base = Scenario {
        docs: 2,
        latency_ms: LATENCY_MS as u32,
        workers: 1,
        ..Scenario::with_cores(2)
    };
    use Activity::*;
    // Blocking, concurrent: doc 2 queues for the main thread behind doc 1.
    let log = play(base.clone(), Trouble::None);
    assert_eq!(
        activities(&log, 0),
        [WaitingForServer, AnsweredWaitingForLoop, Queued, Parsing]
    );
    assert_eq!(
        activities(&log, 1),
        [WaitingForServer, AnsweredWaitingForLoop, Queued, Parsing]
    );
    assert!(time_in(&segments(&log.docs[1], WaitKind::Async), Queued).unwrap() > PARSE_MS - 1.0);
    // An awaited timer sleeps on the page's loop before the queue.
    let log = play(
        Scenario {
            wait: WaitKind::Async,
            wait_ms: 40,
            ..base.clone()
        },
        Trouble::None,
    );
    assert_eq!(activities(&log, 0)[2..4], [Sleeping, Queued]);
    // A blocking wait holds the thread that then parses, on that thread.
    let log = play(
        Scenario {
            wait: WaitKind::Blocking,
            wait_ms: 40,
            parse: ParseStrategy::Worker,
            ..base
        },
        Trouble::None,
    );
    let segs = segments(&log.docs[0], WaitKind::Blocking);
    let held = segs
        .iter()
        .find(|s| s.activity == HeldWait)
        .expect("a held wait");
    assert_eq!(
        (held.thread.as_deref(), held.closed_ms()),
        (Some("worker-1"), Some(40.0))
    );
    assert_ne!(held.thread.as_deref(), Some(MAIN_THREAD));
}

#[test]
fn a_record_still_running_ends_in_an_open_segment_and_a_clock_a_hair_behind_is_moved_up() {
    let mut log = RunLog::new(
        1,
        Scenario {
            docs: 1,
            ..Scenario::with_cores(2)
        },
        0.0,
    );
    use event_loop_lab::lab::report::RunEvent;
    log.apply(RunEvent::FetchStarted { doc: 1, at_ms: 1.0 });
    log.apply(RunEvent::Fetched {
        doc: 1,
        at_ms: 101.0,
        bytes: 10,
        answered_ms: Some(100.0),
    });
    // A worker's clock, converted through the epoch, puts the start a hair early.
    log.apply(RunEvent::ParseStarted {
        doc: 1,
        at_ms: 100.9,
        thread: "worker-1".into(),
    });
    let segs = segments(&log.docs[0], WaitKind::Async);
    let last = segs.last().unwrap();
    assert_eq!(
        (last.activity, last.start_ms, last.end_ms),
        (Activity::Parsing, 101.0, None)
    );
    assert_eq!(
        activity_at(&log.docs[0], WaitKind::Async, 5_000.0),
        Activity::Parsing
    );
    assert_eq!(last.duration_ms(151.0), 50.0);
}

/// `at(t)` (`window.eventLoopLab.at`) at every event boundary of every simulated run and
/// halfway between each two: it reads the one account (each document's state is its
/// activity then), one thread never holds two documents at once, the main thread is
/// said to work exactly when a document is on it, a long task covers its span, and at
/// the run's end every document has finished.
#[test]
fn at_any_instant_the_run_reads_as_the_one_account_says() {
    let mut instants = 0;
    for scenario in scenarios() {
        for trouble in troubles(scenario.parse) {
            let log = play(scenario.clone(), trouble);
            let end = log.ended_ms.expect("every simulated run ends");
            // The first main-thread parse, measured as a long task.
            let first_main = log
                .docs
                .iter()
                .flat_map(|d| segments(d, log.scenario.wait))
                .find(|s| s.thread.as_deref() == Some(MAIN_THREAD) && s.end_ms.is_some());
            let main = MainThreadReport {
                long_tasks: Some(
                    first_main
                        .iter()
                        .map(|s| LongTask {
                            start_ms: s.start_ms,
                            duration_ms: s.end_ms.unwrap() - s.start_ms,
                            cause: "parse doc 1".into(),
                        })
                        .collect(),
                ),
                ..MainThreadReport::default()
            };
            let report = log.report(end, main);
            let what = format!("{:?} {:?} {trouble:?}", scenario.parse, scenario.fetch);
            let events = instant::events(&report);
            assert!(events.windows(2).all(|w| w[0] < w[1]), "{what}: {events:?}");
            assert_eq!(
                (events[0], *events.last().unwrap()),
                (report.started_ms, end),
                "{what}"
            );
            let halves = events.windows(2).map(|w| (w[0] + w[1]) / 2.0);
            for t in events.iter().copied().chain(halves) {
                instants += 1;
                let now = instant::at(&report, t);
                let on = |thread: &str| {
                    now.documents
                        .iter()
                        .filter(|d| d.thread.as_deref() == Some(thread))
                        .count()
                };
                for (d, seen) in report.documents.iter().zip(&now.documents) {
                    assert_eq!(
                        seen.state,
                        activity_at(d, report.config.wait, t),
                        "{what} at {t}: doc {}",
                        d.id
                    );
                }
                assert!(on(MAIN_THREAD) <= 1, "{what} at {t}: {now:?}");
                for w in 1..=scenario.workers {
                    assert!(on(&format!("worker-{w}")) <= 1, "{what} at {t}: {now:?}");
                }
                let working = now.main.state == MainState::Parsing || now.main.doc.is_some();
                assert_eq!(working, on(MAIN_THREAD) == 1, "{what} at {t}: {now:?}");
                if let Some(s) = &first_main {
                    let inside = s.start_ms <= t && t < s.end_ms.unwrap();
                    assert_eq!(
                        now.main.state == MainState::LongTask,
                        inside,
                        "{what} at {t}"
                    );
                }
                if t == end {
                    assert!(
                        now.documents.iter().all(|d| matches!(
                            d.state,
                            Activity::Done
                                | Activity::Error
                                | Activity::Cancelled
                                | Activity::NeverPolled
                        )),
                        "{what}: {now:?}"
                    );
                }
            }
        }
    }
    assert!(instants > 2000, "{instants} instants");
}

#[test]
fn at_says_in_words_what_a_listener_hears() {
    let log = play(
        Scenario {
            docs: 2,
            parse: ParseStrategy::Blocking,
            ..Scenario::with_cores(2)
        },
        Trouble::None,
    );
    let report = log.report(log.ended_ms.unwrap(), MainThreadReport::default());
    let doc1 = &report.documents[0];
    let t = (doc1.parse_start_ms.unwrap() + doc1.parse_end_ms.unwrap()) / 2.0;
    let words = instant::at(&report, t).describe(report.started_ms);
    assert!(
        words.starts_with(&format!(
            "At {:.0} ms: main thread working on doc 1. doc 1 parsing on main;",
            t
        )),
        "{words}"
    );
    let json = serde_json::to_value(instant::at(&report, t)).unwrap();
    assert_eq!(json["documents"][0]["state"], "parsing");
    assert_eq!(json["main"]["state"], "parsing");
    assert_eq!(json["main"]["doc"], 1);
}
