//! Native tests of the run engine (`lab::engine`): scripted sequences of events,
//! including the races a browser produces — a reply of an old run arriving after a
//! new run started, a cancel between fetch and parse, a worker dying mid-parse.
#![cfg(not(target_arch = "wasm32"))]

use event_loop_lab::lab::activity::{segments, time_in, Activity};
use event_loop_lab::lab::engine::{Command, Engine, JobId};
use event_loop_lab::lab::error::LabError;
use event_loop_lab::lab::report::{DocState, RunOutcome};
use event_loop_lab::lab::scenario::{FetchStrategy, ParseStrategy, Scenario};
use event_loop_lab::lab::work::WorkSummary;

fn scenario(docs: u32, fetch: FetchStrategy, parse: ParseStrategy, workers: u32) -> Scenario {
    Scenario {
        docs,
        latency_ms: 100,
        fetch,
        parse,
        workers,
        ..Scenario::with_cores(2)
    }
}

fn commands(engine: &mut Engine) -> Vec<Command> {
    std::iter::from_fn(|| engine.poll_command()).collect()
}

fn job(run: u32, doc: u32) -> JobId {
    JobId { run, doc }
}

fn summary(links: u32) -> WorkSummary {
    WorkSummary {
        links,
        ..WorkSummary::default()
    }
}

fn states(engine: &Engine) -> Vec<DocState> {
    engine.log().docs.iter().map(|d| d.state).collect()
}

#[test]
fn concurrent_worker_run_fetches_all_on_the_page_and_gives_each_worker_one_job() {
    let s = scenario(3, FetchStrategy::Concurrent, ParseStrategy::Worker, 2);
    let mut e = Engine::new(1, s, 0.0);
    assert_eq!(
        commands(&mut e),
        (1..=3)
            .map(|doc| Command::StartFetch { doc })
            .collect::<Vec<_>>()
    );
    for doc in 1..=3 {
        assert!(e.handle_fetch_started(job(1, doc), 1.0));
    }
    for doc in 1..=3 {
        assert!(e.handle_fetched(job(1, doc), 1000, Some(100.0), 101.0));
    }
    // Two workers: docs 1 and 2 go out, doc 3 waits for a free worker.
    assert_eq!(
        commands(&mut e),
        [
            Command::PostToWorker { doc: 1, worker: 1 },
            Command::PostToWorker { doc: 2, worker: 2 }
        ]
    );
    assert_eq!(states(&e)[2], DocState::AwaitingThread);
    assert!(e.handle_work_started(job(1, 2), 102.0));
    assert!(e.handle_parsed(job(1, 2), summary(5), 50.0, 152.0));
    assert_eq!(
        commands(&mut e),
        [Command::PostToWorker { doc: 3, worker: 2 }]
    );
    assert!(e.handle_work_started(job(1, 3), 153.0));
    let d3 = &e.log().docs[2];
    let queued = time_in(&segments(d3, e.log().scenario.wait), Activity::Queued);
    assert_eq!(
        (queued, d3.thread.as_deref()),
        (Some(52.0), Some("worker-2"))
    );
    assert!(e.handle_work_started(job(1, 1), 102.0));
    assert!(e.handle_parsed(job(1, 1), summary(5), 50.0, 152.0));
    assert!(!e.is_over());
    assert!(e.handle_parsed(job(1, 3), summary(5), 50.0, 203.0));
    assert!(e.is_over());
    let log = e.log();
    assert_eq!(log.outcome, RunOutcome::Finished);
    assert_eq!(log.ended_ms, Some(203.0));
    assert!(log.ideal_ms() <= log.elapsed_ms(203.0));
}

#[test]
fn sequential_fetches_the_next_document_only_after_the_last_one_is_worked_on() {
    let s = scenario(2, FetchStrategy::Sequential, ParseStrategy::Blocking, 2);
    let mut e = Engine::new(1, s, 0.0);
    assert_eq!(commands(&mut e), [Command::StartFetch { doc: 1 }]);
    e.handle_fetched(job(1, 1), 10, None, 100.0);
    assert_eq!(commands(&mut e), [Command::WorkOnMain { doc: 1 }]);
    e.handle_work_started(job(1, 1), 100.0);
    e.handle_parsed(job(1, 1), summary(1), 40.0, 140.0);
    assert_eq!(commands(&mut e), [Command::StartFetch { doc: 2 }]);
    assert_eq!(e.log().docs[1].state, DocState::NotStarted);
    e.handle_fetch_started(job(1, 2), 141.0);
    assert_eq!(e.log().docs[1].fetch_start_ms, Some(141.0));
}

#[test]
fn a_failed_document_never_touches_another_and_sequential_runs_go_on() {
    let s = scenario(3, FetchStrategy::Sequential, ParseStrategy::Blocking, 1);
    let mut e = Engine::new(1, s, 0.0);
    commands(&mut e);
    e.handle_fetch_failed(job(1, 1), LabError::Timeout(200), 200.0);
    // The next document starts at once, with nothing inherited from the failure.
    assert_eq!(commands(&mut e), [Command::StartFetch { doc: 2 }]);
    e.handle_fetched(job(1, 2), 10, None, 300.0);
    assert_eq!(commands(&mut e), [Command::WorkOnMain { doc: 2 }]);
    assert_eq!(
        states(&e),
        [
            DocState::Error,
            DocState::AwaitingThread,
            DocState::NotStarted
        ]
    );
    assert_eq!(
        e.log().docs[0].error.as_deref(),
        Some("no response within 200 ms")
    );
}

#[test]
fn a_reply_of_an_old_run_is_ignored_by_the_new_one() {
    let s = scenario(1, FetchStrategy::Concurrent, ParseStrategy::Worker, 1);
    let mut old = Engine::new(1, s.clone(), 0.0);
    old.handle_fetched(job(1, 1), 10, None, 100.0);
    commands(&mut old);
    old.cancel(120.0);
    let mut new = Engine::new(2, s, 130.0);
    commands(&mut new);
    assert!(new.handle_fetch_started(job(2, 1), 131.0));
    // Run 1's worker reply arrives late: it must not finish run 2's doc 1.
    assert!(!new.handle_fetched(job(1, 1), 10, None, 140.0));
    assert!(!new.handle_work_started(job(1, 1), 141.0));
    assert!(!new.handle_parsed(job(1, 1), summary(9), 10.0, 150.0));
    assert!(!new.handle_fetch_started(job(1, 1), 141.0));
    assert_eq!(states(&new), [DocState::Fetching]);
    assert!(new.poll_event().is_some_and(|e| matches!(
        e,
        event_loop_lab::lab::report::RunEvent::FetchStarted { doc: 1, .. }
    )));
    assert!(new.poll_event().is_none());
}

#[test]
fn cancel_between_fetch_and_parse_drops_queued_work_and_stops_busy_workers() {
    let s = scenario(3, FetchStrategy::Concurrent, ParseStrategy::Worker, 1);
    let mut e = Engine::new(1, s, 0.0);
    commands(&mut e);
    e.handle_fetched(job(1, 1), 10, None, 100.0);
    e.handle_fetched(job(1, 2), 10, None, 101.0);
    assert_eq!(
        commands(&mut e),
        [Command::PostToWorker { doc: 1, worker: 1 }]
    );
    assert!(e.cancel(110.0));
    // Doc 1 is on worker 1: stop it there. Doc 2 waited: dropped. Doc 3: abort its request.
    assert_eq!(
        commands(&mut e),
        [
            Command::CancelOnWorker { doc: 1, worker: 1 },
            Command::AbortFetch { doc: 3 }
        ]
    );
    assert!(!e.cancel(111.0));
    assert!(!e.handle_parsed(job(1, 1), summary(1), 5.0, 112.0));
    assert!(commands(&mut e).is_empty());
    assert_eq!(e.log().outcome, RunOutcome::Cancelled);
    assert!(e.log().docs.iter().all(|d| d.state == DocState::Cancelled));
}

/// Main-thread work needs no command to stop: a sliced parse is an operation of the
/// run's driving task, which the driver drops with the run. What the engine owes is
/// to abort the fetches, close the parse's span at the cancel and refuse its result.
#[test]
fn cancel_stops_main_thread_work() {
    let s = scenario(2, FetchStrategy::Concurrent, ParseStrategy::Sliced, 1);
    let mut e = Engine::new(1, s, 0.0);
    commands(&mut e);
    e.handle_fetch_started(job(1, 1), 0.0);
    e.handle_fetched(job(1, 2), 10, None, 100.0);
    assert_eq!(commands(&mut e), [Command::WorkOnMain { doc: 2 }]);
    e.handle_work_started(job(1, 2), 100.0);
    e.cancel(130.0);
    assert_eq!(commands(&mut e), [Command::AbortFetch { doc: 1 }]);
    assert!(!e.handle_parsed(job(1, 2), summary(5), 40.0, 140.0));
    let d2 = &e.log().docs[1];
    assert_eq!(
        (d2.state, d2.parse_end_ms, d2.ended_ms),
        (DocState::Cancelled, Some(130.0), Some(130.0))
    );
}

#[test]
fn a_worker_dying_mid_parse_fails_its_document_and_the_next_one_gets_a_fresh_worker() {
    let s = scenario(2, FetchStrategy::Concurrent, ParseStrategy::Worker, 1);
    let mut e = Engine::new(1, s, 0.0);
    commands(&mut e);
    e.handle_fetched(job(1, 1), 10, None, 100.0);
    e.handle_fetched(job(1, 2), 10, None, 100.0);
    e.handle_work_started(job(1, 1), 101.0);
    assert_eq!(
        commands(&mut e),
        [Command::PostToWorker { doc: 1, worker: 1 }]
    );
    assert!(e.handle_worker_died(1, "RuntimeError: unreachable", 150.0));
    assert_eq!(
        commands(&mut e),
        [
            Command::ReplaceWorker { worker: 1 },
            Command::PostToWorker { doc: 2, worker: 1 }
        ]
    );
    let error = e.log().docs[0].error.clone().unwrap_or_default();
    assert!(
        error.contains("worker-1 stopped while working on doc 1"),
        "{error}"
    );
    // A late reply of the dead worker changes nothing.
    assert!(!e.handle_parsed(job(1, 1), summary(1), 1.0, 151.0));
    e.handle_work_started(job(1, 2), 160.0);
    e.handle_parsed(job(1, 2), summary(3), 40.0, 200.0);
    assert!(e.is_over());
    assert_eq!(states(&e), [DocState::Error, DocState::Done]);
}

#[test]
fn an_idle_worker_that_dies_is_replaced_without_touching_any_document() {
    let s = scenario(2, FetchStrategy::Concurrent, ParseStrategy::Worker, 2);
    let mut e = Engine::new(1, s, 0.0);
    commands(&mut e);
    e.handle_fetch_started(job(1, 1), 0.0);
    e.handle_fetch_started(job(1, 2), 0.0);
    assert!(e.handle_worker_died(2, "gone", 10.0));
    assert_eq!(commands(&mut e), [Command::ReplaceWorker { worker: 2 }]);
    assert_eq!(states(&e), [DocState::Fetching, DocState::Fetching]);
    // A worker the pool does not have is no event of this run.
    assert!(!e.handle_worker_died(3, "gone", 11.0));
}

#[test]
fn two_runs_back_to_back_each_finish_on_their_own_events() {
    let s = scenario(1, FetchStrategy::Concurrent, ParseStrategy::Blocking, 1);
    for run in 1..=2 {
        let t0 = f64::from(run) * 1000.0;
        let mut e = Engine::new(run, s.clone(), t0);
        assert_eq!(commands(&mut e), [Command::StartFetch { doc: 1 }]);
        e.handle_fetch_started(job(run, 1), t0);
        e.handle_fetched(job(run, 1), 10, Some(t0 + 100.0), t0 + 100.0);
        assert_eq!(commands(&mut e), [Command::WorkOnMain { doc: 1 }]);
        e.handle_work_started(job(run, 1), t0 + 100.0);
        e.handle_parsed(job(run, 1), summary(2), 30.0, t0 + 130.0);
        assert!(e.is_over());
        assert_eq!(e.log().elapsed_ms(0.0), 130.0);
    }
}

#[test]
fn a_work_failure_frees_the_thread_for_the_next_document() {
    let s = scenario(2, FetchStrategy::Concurrent, ParseStrategy::Blocking, 1);
    let mut e = Engine::new(1, s, 0.0);
    commands(&mut e);
    e.handle_fetched(job(1, 1), 10, None, 100.0);
    e.handle_fetched(job(1, 2), 10, None, 100.0);
    assert_eq!(commands(&mut e), [Command::WorkOnMain { doc: 1 }]);
    e.handle_work_started(job(1, 1), 100.0);
    e.handle_work_failed(job(1, 1), LabError::NotUtf8 { offset: 3 }, 101.0);
    assert_eq!(commands(&mut e), [Command::WorkOnMain { doc: 2 }]);
}

#[test]
fn ideal_never_exceeds_the_total_in_any_mode() {
    // A scripted run per mode: fetches answer at the latency (100 ms); each document
    // takes 60 ms of work, on whichever thread the engine gives it.
    for parse in [
        ParseStrategy::Blocking,
        ParseStrategy::Sliced,
        ParseStrategy::Worker,
    ] {
        for fetch in [FetchStrategy::Concurrent, FetchStrategy::Sequential] {
            let mut e = Engine::new(1, scenario(4, fetch, parse, 2), 0.0);
            let mut now = 0.0;
            let mut in_flight: Vec<u32> = Vec::new();
            let mut working: Vec<(u32, f64)> = Vec::new();
            while !e.is_over() {
                for command in commands(&mut e) {
                    match command {
                        Command::StartFetch { doc } => {
                            e.handle_fetch_started(job(1, doc), now);
                            in_flight.push(doc);
                        }
                        Command::WorkOnMain { doc } | Command::PostToWorker { doc, .. } => {
                            e.handle_work_started(job(1, doc), now);
                            working.push((doc, now + 60.0));
                        }
                        other => panic!("unexpected {other:?}"),
                    }
                }
                // The next thing to happen: a fetch at +100 ms, or a work's end.
                if let Some(&(doc, end)) = working.iter().min_by(|a, b| a.1.total_cmp(&b.1)) {
                    now = end;
                    working.retain(|w| w.0 != doc);
                    e.handle_parsed(job(1, doc), summary(1), 60.0, now);
                } else if !in_flight.is_empty() {
                    now += 100.0;
                    for doc in std::mem::take(&mut in_flight) {
                        e.handle_fetched(job(1, doc), 10, Some(now), now);
                    }
                }
            }
            let log = e.log();
            let total = log.elapsed_ms(now);
            assert!(
                log.ideal_ms() <= total + 1e-9,
                "{parse} {fetch}: ideal {} > total {total}",
                log.ideal_ms()
            );
        }
    }
}

/// A tiny deterministic generator, so each case plays a different order of answers.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

/// `limit=k` with concurrent fetches (buffer_unordered(k)): whatever order the answers
/// come in, and whichever fail, never more than k requests are in flight, every
/// document is fetched exactly once, and the run ends with every document finished.
#[test]
fn a_limit_keeps_at_most_k_requests_in_flight_and_fetches_every_document_once() {
    for seed in 0..40u64 {
        for (docs, limit) in [(1, 1), (5, 1), (5, 2), (6, 2), (7, 3), (8, 8), (3, 10)] {
            for parse in [ParseStrategy::Blocking, ParseStrategy::Worker] {
                let mut rng = Lcg(seed * 7919 + u64::from(docs * 31 + limit));
                let s = Scenario {
                    limit: Some(limit),
                    ..scenario(docs, FetchStrategy::Concurrent, parse, 2)
                };
                let mut e = Engine::new(1, s, 0.0);
                let (mut now, mut in_flight, mut working) = (0.0, Vec::new(), Vec::new());
                let mut started = vec![0u32; docs as usize + 1];
                let case = format!("seed {seed}, docs {docs}, limit {limit}, {parse}");
                loop {
                    for c in commands(&mut e) {
                        match c {
                            Command::StartFetch { doc } => {
                                started[doc as usize] += 1;
                                in_flight.push(doc);
                                assert!(e.handle_fetch_started(job(1, doc), now), "{case}");
                            }
                            Command::WorkOnMain { doc } | Command::PostToWorker { doc, .. } => {
                                working.push(doc);
                                assert!(e.handle_work_started(job(1, doc), now), "{case}");
                            }
                            other => panic!("{case}: unexpected {other:?}"),
                        }
                    }
                    assert!(
                        in_flight.len() <= limit as usize,
                        "{case}: {in_flight:?} in flight"
                    );
                    now += 10.0;
                    // Answer a fetch (one in five fails), or finish a parse.
                    if !in_flight.is_empty() && (working.is_empty() || rng.below(2) == 0) {
                        let doc = in_flight.swap_remove(rng.below(in_flight.len()));
                        if rng.below(5) == 0 {
                            let error = LabError::Network("reset".into());
                            assert!(e.handle_fetch_failed(job(1, doc), error, now), "{case}");
                        } else {
                            assert!(e.handle_fetched(job(1, doc), 10, None, now), "{case}");
                        }
                    } else if !working.is_empty() {
                        let doc = working.swap_remove(rng.below(working.len()));
                        assert!(e.handle_parsed(job(1, doc), summary(1), 1.0, now), "{case}");
                    } else {
                        break;
                    }
                }
                assert_eq!(e.log().outcome, RunOutcome::Finished, "{case}");
                assert!(
                    started[1..].iter().all(|&n| n == 1),
                    "{case}: fetches per doc {started:?}"
                );
                assert!(e.log().docs.iter().all(|d| d.state.is_finished()), "{case}");
            }
        }
    }
}

#[test]
fn a_limit_lets_the_next_request_go_when_a_download_ends_not_when_its_parse_does() {
    let s = Scenario {
        limit: Some(2),
        ..scenario(4, FetchStrategy::Concurrent, ParseStrategy::Worker, 1)
    };
    let mut e = Engine::new(1, s, 0.0);
    assert_eq!(
        commands(&mut e),
        [
            Command::StartFetch { doc: 1 },
            Command::StartFetch { doc: 2 }
        ]
    );
    // Doc 1's body is in: doc 3's request goes out at once, while doc 1 is parsed.
    e.handle_fetched(job(1, 1), 10, None, 100.0);
    assert_eq!(
        commands(&mut e),
        [
            Command::StartFetch { doc: 3 },
            Command::PostToWorker { doc: 1, worker: 1 }
        ]
    );
    // A failed request frees its place too.
    e.handle_fetch_failed(job(1, 2), LabError::Network("refused".into()), 101.0);
    assert_eq!(commands(&mut e), [Command::StartFetch { doc: 4 }]);
}

#[test]
fn cancel_in_a_limited_run_aborts_the_requests_in_flight_and_never_starts_the_rest() {
    let s = Scenario {
        limit: Some(2),
        ..scenario(6, FetchStrategy::Concurrent, ParseStrategy::Blocking, 1)
    };
    let mut e = Engine::new(1, s, 0.0);
    commands(&mut e);
    e.handle_fetch_started(job(1, 1), 0.0);
    e.handle_fetch_started(job(1, 2), 0.0);
    e.handle_fetched(job(1, 1), 10, None, 100.0);
    assert_eq!(
        commands(&mut e),
        [
            Command::StartFetch { doc: 3 },
            Command::WorkOnMain { doc: 1 }
        ]
    );
    e.handle_fetch_started(job(1, 3), 100.0);
    assert!(e.cancel(120.0));
    assert_eq!(
        commands(&mut e),
        [
            Command::AbortFetch { doc: 2 },
            Command::AbortFetch { doc: 3 }
        ]
    );
    // A late answer of an aborted request starts nothing.
    assert!(!e.handle_fetched(job(1, 2), 10, None, 130.0));
    assert!(commands(&mut e).is_empty());
    let never: Vec<u32> = e
        .log()
        .docs
        .iter()
        .filter(|d| d.fetch_start_ms.is_none())
        .map(|d| d.id)
        .collect();
    assert_eq!(never, [4, 5, 6]);
    assert_eq!(e.log().outcome, RunOutcome::Cancelled);
}
