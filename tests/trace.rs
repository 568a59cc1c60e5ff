//! Native tests of the trace export (`lab::trace`) on a recorded run.
#![cfg(not(target_arch = "wasm32"))]

use event_loop_lab::lab::report::{RunEvent, RunLog};
use event_loop_lab::lab::scenario::{ParseStrategy, Scenario};
use event_loop_lab::lab::timeline::{Gap, InputSample, LongTask, MainThreadReport};
use event_loop_lab::lab::trace::{trace_events, trace_file_name, trace_json, TraceEvent};
use event_loop_lab::lab::work::WorkSummary;

/// A two-document worker run: doc 1 parsed on worker-1, doc 2 answered late and
/// parsed on worker-2 after a queue; one long task, one frame gap, one input.
fn recorded() -> event_loop_lab::lab::report::Report {
    let scenario = Scenario {
        docs: 2,
        latency_ms: 100,
        parse: ParseStrategy::Worker,
        workers: 2,
        ..Scenario::with_cores(2)
    };
    let mut log = RunLog::new(4, scenario, 1000.0);
    let summary = WorkSummary {
        links: 7,
        ..WorkSummary::default()
    };
    for event in [
        RunEvent::FetchStarted {
            doc: 1,
            at_ms: 1001.0,
        },
        RunEvent::FetchStarted {
            doc: 2,
            at_ms: 1001.5,
        },
        RunEvent::Fetched {
            doc: 1,
            at_ms: 1102.0,
            bytes: 5000,
            answered_ms: Some(1101.5),
        },
        RunEvent::ParseStarted {
            doc: 1,
            at_ms: 1103.0,
            thread: "worker-1".into(),
        },
        RunEvent::Fetched {
            doc: 2,
            at_ms: 1180.0,
            bytes: 6000,
            answered_ms: Some(1102.0),
        },
        RunEvent::ParseStarted {
            doc: 2,
            at_ms: 1200.0,
            thread: "worker-2".into(),
        },
        RunEvent::Parsed {
            doc: 1,
            at_ms: 1300.0,
            summary,
            work_ms: 197.0,
        },
        RunEvent::Parsed {
            doc: 2,
            at_ms: 1400.0,
            summary,
            work_ms: 200.0,
        },
    ] {
        assert!(log.apply(event));
    }
    log.finish(1400.0);
    let main = MainThreadReport {
        longest_task_ms: Some(75.0),
        long_tasks: Some(vec![LongTask {
            start_ms: 1105.0,
            duration_ms: 75.0,
            cause: "other work (not the lab's)".into(),
        }]),
        frame_gaps: vec![Gap {
            start_ms: 1104.0,
            duration_ms: 80.0,
        }],
        hidden_ms: 150.0,
        hidden: vec![Gap {
            start_ms: 1200.0,
            duration_ms: 150.0,
        }],
        inputs: vec![InputSample {
            at_ms: 1150.0,
            delay_ms: 30.0,
        }],
        ..MainThreadReport::default()
    };
    log.report(1400.0, main)
}

/// An event's args as a viewer reads them.
fn args(e: &TraceEvent) -> serde_json::Value {
    serde_json::to_value(&e.args).unwrap()
}

#[test]
fn every_lane_is_named_and_every_span_is_complete() {
    let events = trace_events(&recorded());
    let named: Vec<(u32, String)> = events
        .iter()
        .filter(|e| e.ph == "M" && e.name == "thread_name")
        .map(|e| (e.tid, args(e)["name"].as_str().unwrap().to_string()))
        .collect();
    let names: Vec<&str> = named.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "main thread: work",
            "main thread: long tasks",
            "main thread: frames",
            "worker-1",
            "worker-2",
            "doc 1",
            "doc 2"
        ]
    );
    for e in events.iter().filter(|e| e.ph == "X") {
        assert!(e.dur.is_some_and(|d| d >= 0.0), "{e:?}");
        assert!(
            named.iter().any(|(tid, _)| *tid == e.tid),
            "unnamed lane: {e:?}"
        );
        assert_eq!(e.pid, 1);
    }
}

#[test]
fn documents_long_tasks_frames_hidden_stretches_and_inputs_land_on_their_lanes_in_microseconds() {
    let events = trace_events(&recorded());
    let find = |name: &str| {
        events
            .iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("no event {name}"))
    };
    let parse = find("parse doc 2");
    assert_eq!(
        (parse.ts, parse.dur, parse.tid),
        (1_200_000.0, Some(200_000.0), 12)
    );
    assert_eq!(args(parse)["links"], 7);
    assert_eq!(args(parse)["thread"], "worker-2");
    // Doc 2: the server answered at 1102, the page took it at 1180, a worker at 1200.
    let server = find("doc 2: waiting for the server");
    assert_eq!(
        (server.ts, server.dur, server.tid),
        (1_001_500.0, Some(100_500.0), 102)
    );
    let stretch = find("doc 2: answered, waiting for the page's loop");
    assert_eq!((stretch.ts, stretch.dur), (1_102_000.0, Some(78_000.0)));
    let queued = find("doc 2: queued for a thread");
    assert_eq!((queued.ts, queued.dur), (1_180_000.0, Some(20_000.0)));
    // Doc 1 took its body 0.5 ms after the answer: no stretch span for it.
    assert!(!events
        .iter()
        .any(|e| e.name == "doc 1: answered, waiting for the page's loop"));
    let task = find("long task: other work (not the lab's)");
    assert_eq!((task.tid, task.dur), (2, Some(75_000.0)));
    assert_eq!(find("no frame for 80 ms").tid, 3);
    // A hidden stretch is on the frames lane too, and named as what it is.
    let hidden = find("page hidden for 150 ms");
    assert_eq!(
        (hidden.tid, hidden.ts, hidden.dur),
        (3, 1_200_000.0, Some(150_000.0))
    );
    assert_eq!(args(hidden)["dropped_frames"], 0);
    assert_eq!(args(find("no frame for 80 ms")).get("dropped_frames"), None);
    let input = find("input, waited 30 ms");
    assert_eq!((input.ph, input.s, input.tid), ("i", Some("t"), 1));
}

#[test]
fn the_file_is_a_trace_events_object_with_the_run_named() {
    let report = recorded();
    // As a viewer reads it: the text.
    let file: serde_json::Value = serde_json::from_str(&trace_json(&report)).unwrap();
    assert!(file["traceEvents"].as_array().is_some_and(|a| a.len() > 10));
    assert_eq!(file["otherData"]["run_id"], 4);
    assert_eq!(file["otherData"]["config"]["parse"], "worker");
    assert_eq!(trace_file_name(4), "event-loop-lab-run-4.json");
}
