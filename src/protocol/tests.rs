//! Native tests of the worker protocol: every message and every error round-trips,
//! times travel to the microsecond, and anything else is refused.

use super::*;

#[test]
fn requests_round_trip() {
    let job = JobId { run: 3, doc: 2 };
    for request in [
        WorkerRequest::Work {
            job,
            query: "async  \"await\" spaces\tand\nlines ".into(),
            crash: false,
            hold_ms: 300,
        },
        WorkerRequest::Work {
            job,
            query: String::new(),
            crash: true,
            hold_ms: 0,
        },
        WorkerRequest::Cancel { job },
    ] {
        assert_eq!(WorkerRequest::decode(&request.encode()), Some(request));
    }
}

#[test]
fn replies_and_every_error_round_trip() {
    let job = JobId { run: 7, doc: 64 };
    let errors = [
        LabError::Status {
            status: 404,
            status_text: "Not Found".into(),
        },
        LabError::Status {
            status: 500,
            status_text: String::new(),
        },
        LabError::Network("TypeError: Failed to fetch".into()),
        LabError::Timeout(20_000),
        LabError::NotHtml {
            content_type: "application/json; charset=utf-8".into(),
        },
        LabError::NotUtf8 { offset: 7 },
        LabError::TooLarge {
            bytes: 20_000_000,
            limit: 16_777_216,
        },
        LabError::TooLargeWhileRead {
            read: 16_842_752,
            limit: 16_777_216,
        },
        LabError::Worker("panicked at 'doc 3' \n line two".into()),
        LabError::BodyMissing { doc: 4 },
        LabError::Simulator(String::new()),
    ];
    let mut replies = vec![
        WorkerReply::Ready,
        WorkerReply::Started {
            job,
            at_epoch_ms: 1_764_140_000_123.456,
            held_from_epoch_ms: None,
        },
        WorkerReply::Started {
            job,
            at_epoch_ms: 0.3,
            held_from_epoch_ms: Some(1_764_139_999_823.25),
        },
        WorkerReply::Parsed {
            job,
            summary: WorkSummary {
                links: 1,
                words: u32::MAX,
                distinct_words: 3,
                hits: 0,
                fuzzy_hits: 5,
            },
            end_epoch_ms: 1_764_140_000_999.5,
            work_ms: 412.346,
        },
    ];
    replies.extend(errors.into_iter().map(|error| WorkerReply::Failed {
        job,
        error,
        at_epoch_ms: 12.5,
    }));
    for reply in replies {
        assert_eq!(WorkerReply::decode(&reply.encode()), Some(reply));
    }
}

#[test]
fn times_travel_to_the_microsecond() {
    let job = JobId { run: 1, doc: 2 };
    let sent = WorkerReply::Started {
        job,
        at_epoch_ms: 0.1 + 0.2,
        held_from_epoch_ms: Some(412.345_678_9),
    };
    assert_eq!(sent.encode(), "started 1 2 300 412346");
    assert_eq!(
        WorkerReply::decode(&sent.encode()),
        Some(WorkerReply::Started {
            job,
            at_epoch_ms: 0.3,
            held_from_epoch_ms: Some(412.346),
        })
    );
    // A time since the epoch keeps its microseconds.
    let at = 1_764_140_000_123.457;
    let reply = WorkerReply::decode(&format!("started 1 2 {} -", us(at)));
    assert!(matches!(reply, Some(WorkerReply::Started { at_epoch_ms, .. }) if at_epoch_ms == at));
}

#[test]
fn anything_else_is_refused() {
    for text in [
        "",
        "ready?",
        "work 1 2",
        "work 1 2 maybe 0 q",
        "work -1 2 0 0 q",
        "cancel 1",
        "started 1 2 x -",
        "parsed 1 2 3 4 5 6",
        "failed 1 2 3 nonsense here",
        "failed 1 2 3 timeout soon",
        "{\"Ready\":null}",
    ] {
        assert_eq!(WorkerReply::decode(text), None, "{text:?}");
        assert_eq!(WorkerRequest::decode(text), None, "{text:?}");
    }
}
