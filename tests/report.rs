//! Native tests of the run record: each document's states, events after the end,
//! the ideal time, cancelling, and the report's JSON names.
#![cfg(not(target_arch = "wasm32"))]

use event_loop_lab::lab::activity::{segments, time_in, Activity};
use event_loop_lab::lab::error::LabError;
use event_loop_lab::lab::report::{DocRecord, DocState, RunEvent, RunLog};
use event_loop_lab::lab::scenario::{ParseStrategy, Scenario};
use event_loop_lab::lab::timeline::MainThreadReport;
use event_loop_lab::lab::work::WorkSummary;

fn scenario(docs: u32) -> Scenario {
    Scenario {
        docs,
        latency_ms: 500,
        ..Scenario::with_cores(2)
    }
}

#[test]
fn a_document_goes_through_its_states() {
    let mut log = RunLog::new(1, scenario(2), 100.0);
    assert!(log.apply(RunEvent::FetchStarted {
        doc: 1,
        at_ms: 101.0
    }));
    assert!(log.apply(RunEvent::Fetched {
        doc: 1,
        at_ms: 601.0,
        bytes: 10,
        answered_ms: Some(600.5),
    }));
    assert!(log.apply(RunEvent::ParseStarted {
        doc: 1,
        at_ms: 602.0,
        thread: "worker-1".into()
    }));
    let summary = WorkSummary {
        links: 3,
        words: 9,
        distinct_words: 5,
        hits: 2,
        fuzzy_hits: 4,
    };
    assert!(log.apply(RunEvent::Parsed {
        doc: 1,
        at_ms: 652.0,
        summary,
        work_ms: 50.0,
    }));
    let d = &log.docs[0];
    let parsed = time_in(&segments(d, log.scenario.wait), Activity::Parsing);
    assert_eq!((d.state, d.links, parsed), (DocState::Done, 3, Some(50.0)));
    let reported = &log.report(700.0, MainThreadReport::default()).documents[0];
    assert_eq!(
        (reported.answered_ms, reported.queued_ms),
        (Some(600.5), Some(1.0))
    );
    assert!(!log.docs.iter().all(DocRecord::is_finished));
    assert!(log.apply(RunEvent::Failed {
        doc: 2,
        at_ms: 700.0,
        error: LabError::Status {
            status: 500,
            status_text: "Internal Server Error".into()
        }
    }));
    assert!(log.docs.iter().all(DocRecord::is_finished));
    assert_eq!(
        log.docs[1].error.as_deref(),
        Some("the server answered 500 Internal Server Error")
    );
}

#[test]
fn events_after_the_end_or_for_unknown_documents_change_nothing() {
    let mut log = RunLog::new(1, scenario(1), 0.0);
    assert!(!log.apply(RunEvent::FetchStarted { doc: 9, at_ms: 1.0 }));
    assert!(log.cancel(5.0));
    assert!(!log.apply(RunEvent::FetchStarted { doc: 1, at_ms: 6.0 }));
    assert!(!log.finish(7.0));
    assert_eq!(log.report(99.0, MainThreadReport::default()).total_ms, 5.0);
}

#[test]
fn ideal_is_max_latency_plus_work_shared_by_the_pool() {
    let mut s = scenario(2);
    s.parse = ParseStrategy::Worker;
    s.workers = 2;
    let mut log = RunLog::new(1, s, 0.0);
    for doc in 1..=2 {
        log.apply(RunEvent::ParseStarted {
            doc,
            at_ms: 500.0,
            thread: "main".into(),
        });
        log.apply(RunEvent::Parsed {
            doc,
            at_ms: 600.0,
            summary: WorkSummary::default(),
            work_ms: 100.0,
        });
    }
    assert_eq!(log.ideal_ms(), 600.0);
    assert_eq!(log.sum_of_latencies_ms(), 1000.0);
}

#[test]
fn ideal_counts_the_work_not_the_wall_span_of_interleaved_slices() {
    let mut s = scenario(2);
    s.parse = ParseStrategy::Sliced;
    let mut log = RunLog::new(1, s, 0.0);
    // Both sliced parses span 500..1500 ms, but each only worked 400 ms of it.
    for doc in 1..=2 {
        log.apply(RunEvent::ParseStarted {
            doc,
            at_ms: 500.0,
            thread: "main".into(),
        });
        log.apply(RunEvent::Parsed {
            doc,
            at_ms: 1500.0,
            summary: WorkSummary::default(),
            work_ms: 400.0,
        });
    }
    assert_eq!(log.ideal_ms(), 500.0 + 800.0);
}

#[test]
fn cancel_closes_open_spans_and_marks_unfinished_documents() {
    let mut log = RunLog::new(1, scenario(2), 0.0);
    log.apply(RunEvent::FetchStarted { doc: 1, at_ms: 1.0 });
    assert!(log.cancel(50.0));
    let d = &log.docs[0];
    assert_eq!((d.state, d.fetch_end_ms), (DocState::Cancelled, Some(50.0)));
    assert_eq!(log.docs[1].state, DocState::Cancelled);
    assert!(log.docs.iter().all(DocRecord::is_finished));
}

#[test]
fn report_json_uses_the_public_names() {
    let log = RunLog::new(3, scenario(1), 10.0);
    let json = log.report(20.0, MainThreadReport::default()).to_json();
    for key in [
        "\"config\"",
        "\"total_ms\":10.0",
        "\"finished_ms\"",
        "\"documents\"",
        "\"fetch_start_ms\":null",
        "\"thread\":null",
        "\"error\":null",
        "\"fetch\":\"concurrent\"",
        // Nothing measured the main thread's tasks: null, not 0.
        "\"longest_task_ms\":null",
        "\"long_tasks\":null",
    ] {
        assert!(json.contains(key), "{key} missing in {json}");
    }
}
