//! Native tests of the lesson (`lab::lesson`) and of what its steps 6 and 7 add to
//! the engine: a wait after each fetch (`wait=`, `wait_ms=`) and a forgotten future
//! (`forget=`).
#![cfg(not(target_arch = "wasm32"))]

use event_loop_lab::lab::activity::{segments, time_in, Activity};
use event_loop_lab::lab::engine::{Command, Engine, JobId};
use event_loop_lab::lab::lesson::{self, verdict, STEPS};
use event_loop_lab::lab::report::{DocState, RunEvent, RunLog, RunOutcome};
use event_loop_lab::lab::scenario::{FetchStrategy, ParseStrategy, Scenario, WaitKind, YieldKind};
use event_loop_lab::lab::timeline::{attribute, LongTask, MainThreadReport};
use event_loop_lab::lab::trace::trace_events;
use event_loop_lab::lab::work::WorkSummary;

fn defaults() -> Scenario {
    Scenario::with_cores(2)
}

fn commands(engine: &mut Engine) -> Vec<Command> {
    std::iter::from_fn(|| engine.poll_command()).collect()
}

/// The time document `index` (0-based) spent in `activity`, by its segments.
fn time(log: &RunLog, index: usize, activity: Activity) -> Option<f64> {
    time_in(&segments(&log.docs[index], log.scenario.wait), activity)
}

fn job(doc: u32) -> JobId {
    JobId { run: 1, doc }
}

#[test]
fn seven_steps_in_order_each_with_presets_that_need_no_correction() {
    assert_eq!(
        STEPS.iter().map(|s| s.id).collect::<Vec<_>>(),
        (1..=7).collect::<Vec<_>>()
    );
    assert!(lesson::step(0).is_none() && lesson::step(8).is_none());
    for step in &STEPS {
        assert!(!step.variants.is_empty(), "step {}", step.id);
        assert!(!step.rust.is_empty(), "step {}", step.id);
        for variant in step.variants {
            let (_, notices) = Scenario::from_query(variant.preset, &defaults());
            assert!(notices.is_empty(), "step {}: {notices:?}", step.id);
        }
    }
    // The steps show what their titles promise.
    let s = |id: u32| lesson::step(id).unwrap().scenario(&defaults());
    assert_eq!(s(1).fetch, FetchStrategy::Sequential);
    assert_eq!(s(2).fetch, FetchStrategy::Concurrent);
    assert_eq!(s(3).parse, ParseStrategy::Blocking);
    assert_eq!(s(4).parse, ParseStrategy::Worker);
    assert_eq!(
        (s(5).parse, s(5).yield_kind),
        (ParseStrategy::Sliced, YieldKind::Frame)
    );
    let trap = lesson::step(5).unwrap().variants[1].scenario(&defaults());
    assert_eq!(trap.yield_kind, YieldKind::Microtask);
    assert_eq!((s(6).wait, s(6).wait_ms), (WaitKind::Blocking, 300));
    assert_eq!(s(7).forget, [3]);
}

/// A snippet is the marked region of its file, line for line: it cannot drift.
#[test]
fn every_snippet_is_a_region_of_the_source_it_names() {
    for step in &STEPS {
        for (what, snippet) in step.rust {
            assert!(!what.is_empty());
            let source = std::fs::read_to_string(snippet.file).unwrap();
            let lines: Vec<&str> = snippet.code.lines().collect();
            assert!(lines.len() >= 3, "{}: {}", snippet.file, snippet.code);
            let trimmed: Vec<&str> = source.lines().map(str::trim).collect();
            let found = trimmed
                .windows(lines.len())
                .any(|w| w.iter().zip(&lines).all(|(a, b)| *a == b.trim()));
            assert!(found, "not in {}: {}", snippet.file, snippet.code);
        }
    }
}

#[test]
fn wait_and_forget_read_from_the_query_and_round_trip() {
    let (s, notices) = Scenario::from_query("wait=BLOCKING&wait_ms=300&forget=3,1,3", &defaults());
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        (s.wait, s.wait_ms, s.forget.clone()),
        (WaitKind::Blocking, 300, vec![1, 3])
    );
    let q = s.to_query();
    assert!(q.contains("&wait=blocking&wait_ms=300&forget=1,3&"), "{q}");
    assert_eq!(Scenario::from_query(&q, &defaults()).0, s);
    let (bad, notices) = Scenario::from_query("wait=later&wait_ms=9000&forget=x", &defaults());
    let words: Vec<String> = notices.iter().map(ToString::to_string).collect();
    assert_eq!(
        words,
        [
            "wait=\"later\" is not one of blocking, async; using async",
            "wait_ms=9000 is outside 0–5000; using 5000",
            "forget=\"x\" must list document numbers 1–64 separated by commas; ignoring it",
        ]
    );
    assert!(bad.forget.is_empty());
    // A config from `to_config` sets everything, empty lists included.
    let config = defaults().to_config();
    let keys: Vec<&str> = config.iter().map(|(k, _)| *k).collect();
    for key in ["fail", "wait", "wait_ms", "forget", "yield", "query"] {
        assert!(keys.contains(&key), "{key}");
    }
}

#[test]
fn a_forgotten_future_is_made_and_dropped_and_never_fetched() {
    let s = Scenario {
        docs: 3,
        forget: vec![2],
        ..defaults()
    };
    let mut e = Engine::new(1, s, 0.0);
    assert_eq!(
        commands(&mut e),
        [
            Command::DropUnpolled { doc: 2 },
            Command::StartFetch { doc: 1 },
            Command::StartFetch { doc: 3 }
        ]
    );
    assert_eq!(e.log().docs[1].state, DocState::NeverPolled);
    for doc in [1, 3] {
        e.handle_fetch_started(job(doc), 1.0);
        e.handle_fetched(job(doc), 10, None, 100.0);
        commands(&mut e);
        e.handle_work_started(job(doc), 100.0);
        e.handle_parsed(job(doc), WorkSummary::default(), 1.0, 101.0);
    }
    assert_eq!(e.log().outcome, RunOutcome::Finished);
    let d2 = &e.log().docs[1];
    assert_eq!(d2.state, DocState::NeverPolled);
    assert_eq!(
        (d2.fetch_start_ms, d2.fetch_end_ms, d2.parse_start_ms),
        (None, None, None)
    );

    // Sequential: the forgotten document is skipped, not waited for.
    let s = Scenario {
        docs: 2,
        fetch: FetchStrategy::Sequential,
        forget: vec![1],
        ..defaults()
    };
    let mut e = Engine::new(1, s, 0.0);
    assert_eq!(
        commands(&mut e),
        [
            Command::DropUnpolled { doc: 1 },
            Command::StartFetch { doc: 2 }
        ]
    );
    // Every document forgotten: the run is over at once.
    let s = Scenario {
        docs: 1,
        forget: vec![1],
        ..defaults()
    };
    assert!(Engine::new(1, s, 5.0).is_over());
}

#[test]
fn an_awaited_wait_sleeps_on_the_loop_then_queues_for_a_thread() {
    let s = Scenario {
        docs: 2,
        wait: WaitKind::Async,
        wait_ms: 300,
        ..defaults()
    };
    let mut e = Engine::new(1, s, 0.0);
    commands(&mut e);
    assert_eq!(e.hold_ms(), 0);
    for doc in 1..=2 {
        e.handle_fetch_started(job(doc), 1.0);
        e.handle_fetched(job(doc), 10, Some(99.0), 100.0);
    }
    // Both sleep at once: nothing is handed to the main thread yet.
    assert_eq!(
        commands(&mut e),
        [
            Command::Sleep { doc: 1, ms: 300 },
            Command::Sleep { doc: 2, ms: 300 }
        ]
    );
    assert_eq!(e.log().docs[0].state, DocState::Sleeping);
    assert!(e.handle_slept(job(1), 401.0));
    assert!(e.handle_slept(job(2), 402.0));
    assert!(
        !e.handle_slept(job(2), 403.0),
        "a second wake-up is ignored"
    );
    assert_eq!(commands(&mut e), [Command::WorkOnMain { doc: 1 }]);
    e.handle_work_started(job(1), 405.0);
    e.handle_parsed(job(1), WorkSummary::default(), 5.0, 410.0);
    assert_eq!(commands(&mut e), [Command::WorkOnMain { doc: 2 }]);
    e.handle_work_started(job(2), 410.0);
    let d1 = &e.log().docs[0];
    assert_eq!(
        (d1.wait_start_ms, d1.wait_end_ms),
        (Some(100.0), Some(401.0))
    );
    // Queued counts from the end of the wait, not from the fetch.
    assert_eq!(time(e.log(), 0, Activity::Queued), Some(4.0));
    assert_eq!(time(e.log(), 1, Activity::Queued), Some(8.0));
}

#[test]
fn a_blocking_wait_holds_the_thread_before_the_work() {
    let s = Scenario {
        docs: 1,
        latency_ms: 100,
        wait: WaitKind::Blocking,
        wait_ms: 300,
        ..defaults()
    };
    let mut e = Engine::new(1, s, 0.0);
    commands(&mut e);
    assert_eq!(e.hold_ms(), 300);
    e.handle_fetch_started(job(1), 1.0);
    e.handle_fetched(job(1), 10, None, 100.0);
    assert_eq!(commands(&mut e), [Command::WorkOnMain { doc: 1 }]);
    assert!(e.handle_held(job(1), 102.0, 402.0));
    e.handle_work_started(job(1), 402.0);
    e.handle_parsed(job(1), WorkSummary::default(), 8.0, 410.0);
    let log = e.log();
    assert_eq!(
        (
            time(log, 0, Activity::HeldWait),
            time(log, 0, Activity::Queued)
        ),
        (Some(300.0), Some(2.0))
    );
    // The held wait is thread work: the ideal counts it, and a long task during it
    // is the document's.
    assert_eq!(log.ideal_ms(), 100.0 + 300.0 + 8.0);
    let work = log.main_work();
    assert_eq!((work[0].start_ms, work[0].held), (102.0, true));
    assert_eq!(
        attribute(150.0, 200.0, &work, &[]),
        "blocking wait in doc 1"
    );
    // The trace shows the hold on the thread it held, before the parse.
    let trace = trace_events(&log.report(410.0, MainThreadReport::default()));
    let hold = trace
        .iter()
        .find(|e| e.name == "doc 1: blocking wait")
        .expect("a span for the hold");
    let parse = trace.iter().find(|e| e.name == "parse doc 1").unwrap();
    assert_eq!((hold.tid, hold.dur), (parse.tid, Some(300_000.0)));
}

/// A finished blocking run of three documents where doc 3's answer waited 900 ms.
fn blocking_run() -> (RunLog, MainThreadReport) {
    let s = Scenario {
        docs: 3,
        latency_ms: 800,
        ..defaults()
    };
    let mut log = RunLog::new(1, s, 1000.0);
    for doc in 1..=3u32 {
        let parse_start = 1800.0 + f64::from(doc - 1) * 450.0;
        for event in [
            RunEvent::FetchStarted { doc, at_ms: 1001.0 },
            RunEvent::Fetched {
                doc,
                at_ms: parse_start,
                bytes: 10,
                answered_ms: Some(1800.0),
            },
            RunEvent::ParseStarted {
                doc,
                at_ms: parse_start,
                thread: "main".into(),
            },
            RunEvent::Parsed {
                doc,
                at_ms: parse_start + 450.0,
                summary: WorkSummary::default(),
                work_ms: 450.0,
            },
        ] {
            log.apply(event);
        }
    }
    log.finish(3150.0);
    let main = MainThreadReport {
        longest_task_ms: Some(452.0),
        long_tasks: Some(
            (0..3)
                .map(|i| LongTask {
                    start_ms: 1800.0 + f64::from(i) * 450.0,
                    duration_ms: if i == 0 { 452.0 } else { 449.0 },
                    cause: format!("parse doc {}", i + 1),
                })
                .collect(),
        ),
        max_frame_gap_ms: 1360.0,
        ..MainThreadReport::default()
    };
    (log, main)
}

#[test]
fn verdicts_are_written_from_the_measured_run() {
    let (log, main) = blocking_run();
    let v = verdict(Some(3), &log, &main).join(" ");
    assert_eq!(
        v,
        "The dot stopped for 1360 ms, 27.2 × the 50 ms budget: 3 long tasks, the longest 452 ms. \
         Doc 3's server answered after 800 ms, but its code could not run until 1700 ms."
    );
    let v = verdict(Some(2), &log, &main).join(" ");
    assert!(
        v.starts_with("All 3 requests were in flight at once, so their waits overlapped: 2150 ms in all, against 2400 ms"),
        "{v}"
    );
    // Nothing to say about a run that did not finish.
    let mut running = log.clone();
    running.outcome = RunOutcome::Running;
    assert!(verdict(Some(3), &running, &main).is_empty());
}

#[test]
fn a_verdict_never_calls_unmeasured_tasks_none() {
    // Firefox ESR 153 has neither `longtask` nor `long-animation-frame`: the frames
    // still show the freeze, and the tasks are said to be unknown, not absent.
    let (log, measured) = blocking_run();
    let main = MainThreadReport {
        longest_task_ms: None,
        long_tasks: None,
        ..measured
    };
    let v = verdict(Some(3), &log, &main).join(" ");
    assert!(
        v.starts_with("The dot stopped for 1360 ms, 27.2 × the 50 ms budget: an unknown number of long tasks (not measured in this browser)."),
        "{v}"
    );
    assert!(!v.contains("no task"), "{v}");
}

/// Step 2's "at most 2 at a time": five documents of 600 ms each, two requests at a
/// time, go out in three waves; the verdict says so from the record.
#[test]
fn step_two_limited_variant_goes_in_waves_and_its_verdict_says_how_many() {
    let step = lesson::step(2).unwrap();
    let limited = step.variants[1].scenario(&defaults());
    assert_eq!(
        (limited.docs, limited.limit, limited.latency_ms),
        (5, Some(2), 600)
    );
    let mut e = Engine::new(1, limited, 0.0);
    let mut now = 0.0;
    // Each wave: its requests start, the server answers 600 ms later, the page parses.
    while !e.is_over() {
        let mut started = Vec::new();
        for c in commands(&mut e) {
            match c {
                Command::StartFetch { doc } => {
                    e.handle_fetch_started(job(doc), now);
                    started.push(doc);
                }
                Command::WorkOnMain { doc } => {
                    e.handle_work_started(job(doc), now);
                    e.handle_parsed(job(doc), WorkSummary::default(), 1.0, now + 1.0);
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(started.len() <= 2, "{started:?}");
        now += 600.0;
        let in_flight: Vec<u32> = e
            .log()
            .docs
            .iter()
            .filter(|d| d.state == DocState::Fetching)
            .map(|d| d.id)
            .collect();
        for doc in in_flight {
            e.handle_fetched(job(doc), 10, Some(now), now);
        }
    }
    let text = verdict(Some(2), e.log(), &MainThreadReport::default()).join(" ");
    assert!(text.contains("At most 2 requests were in flight at a time (the record shows 2 at the busiest moment)"), "{text}");
    assert!(text.contains("went out in 3 waves"), "{text}");
    assert!(text.contains("about ⌈5 / 2⌉ × 600 ms = 1800 ms"), "{text}");
    // The best such a run can do: three latencies, plus the work (1 ms a document).
    assert_eq!(e.log().fetch_waves(), 3);
    assert_eq!(e.log().ideal_ms(), 3.0 * 600.0 + 5.0);
}

/// `connections=6`: a request that waited for a connection shows that wait as its own
/// segment before the server's time, at() names it, and the verdict says why the
/// lab's default has no ceiling.
#[test]
fn a_request_waiting_for_a_connection_is_its_own_segment_and_the_verdict_explains_http2() {
    let scenario = Scenario {
        docs: 8,
        connections: Some(6),
        latency_ms: 400,
        parse: ParseStrategy::Worker,
        ..defaults()
    };
    let mut e = Engine::new(1, scenario, 0.0);
    for c in commands(&mut e) {
        if let Command::StartFetch { doc } = c {
            e.handle_fetch_started(job(doc), 0.0);
        }
    }
    // Docs 1-6 got a connection at once; 7 and 8 when the first answers went out.
    for doc in 1..=8u32 {
        let (connected, answered) = if doc <= 6 {
            (0.5, 400.0)
        } else {
            (400.0, 800.0)
        };
        assert!(e.handle_connected(job(doc), connected));
        assert!(e.handle_fetched(job(doc), 10, Some(answered), answered + 1.0));
    }
    while !e.is_over() {
        for c in commands(&mut e) {
            if let Command::PostToWorker { doc, .. } = c {
                e.handle_work_started(job(doc), 900.0);
                e.handle_parsed(job(doc), WorkSummary::default(), 1.0, 901.0);
            }
        }
    }
    let log = e.log();
    assert_eq!(time(log, 6, Activity::WaitingForConnection), Some(400.0));
    assert_eq!(time(log, 6, Activity::WaitingForServer), Some(400.0));
    assert_eq!(log.docs[6].connected_ms, Some(400.0));
    let text = verdict(None, log, &MainThreadReport::default()).join(" ");
    assert!(text.contains("The server had 6 connections for this page, as a browser opens to one origin over HTTP/1.1: 2 requests waited for one, the longest 400 ms."), "{text}");
    assert!(
        text.contains("HTTP/2 carries every request of a page over one connection"),
        "{text}"
    );
    let json = serde_json::to_value(&log.docs[6]).unwrap();
    assert_eq!(json["connected_ms"], 400.0);
}
