//! Native tests of the main-thread record: dropped frames, long tasks and their
//! causes, input delays, the percentile, and the bound on memory.
#![cfg(not(target_arch = "wasm32"))]

use event_loop_lab::lab::timeline::{
    percentile, BusyPeriod, InputSample, Interval, MainThreadLog, MainThreadReport, TaskSource,
    WorkSpan, FRAME_MS, LAB_DRAWING,
};

fn frames(log: &mut MainThreadLog, from: f64, to: f64) {
    let mut t = from;
    while t <= to {
        log.add_frame(t);
        t += FRAME_MS;
    }
}

/// The cause of each long task of a summary, in order.
fn causes(summary: &MainThreadReport) -> Vec<&str> {
    summary
        .long_tasks
        .iter()
        .flatten()
        .map(|t| t.cause.as_str())
        .collect()
}
#[test]
fn gaps_longer_than_two_frames_are_dropped_frames() {
    let mut log = MainThreadLog::new(10_000, 60_000.0);
    frames(&mut log, 0.0, 100.0);
    log.add_frame(400.0); // a 300 ms freeze after ~100 ms
    frames(&mut log, 400.0 + FRAME_MS, 500.0);
    let s = log.summarize(0.0, 500.0, &[]);
    assert!(
        (s.max_frame_gap_ms - 300.0).abs() < FRAME_MS + 0.01,
        "{}",
        s.max_frame_gap_ms
    );
    assert_eq!(s.frame_gaps.len(), 1);
    assert!(
        (16..=18).contains(&s.dropped_frames),
        "{}",
        s.dropped_frames
    );
}

#[test]
fn long_tasks_are_attributed_to_the_overlapping_parse() {
    let work: Vec<WorkSpan> = [(1, 100.0, 450.0), (2, 500.0, 840.0)]
        .into_iter()
        .map(|(doc, start_ms, end)| WorkSpan {
            doc,
            start_ms,
            end_ms: Some(end),
            held: false,
        })
        .collect();
    let mut log = MainThreadLog::new(100, 60_000.0);
    for (start, duration) in [(99.0, 350.0), (500.0, 340.0), (2000.0, 80.0)] {
        log.add_task(
            BusyPeriod {
                start_ms: start,
                duration_ms: duration,
                source: TaskSource::Longtask,
                render_ms: 0.0,
            },
            start,
        );
    }
    log.add_task(
        BusyPeriod {
            start_ms: 99.0,
            duration_ms: 351.0,
            source: TaskSource::LongAnimationFrame,
            render_ms: 0.0,
        },
        460.0,
    );
    let s = log.summarize(0.0, 3000.0, &work);
    let causes = causes(&s);
    assert_eq!(
        causes,
        ["parse doc 1", "parse doc 2", "other work (not the lab's)"]
    );
    assert_eq!(s.longest_task_ms, Some(350.0));
    assert_eq!(s.long_animation_frames, Some(1));
}

/// A worker run's long task that no parse overlaps and that a long animation frame's
/// rendering covers is the lab's own drawing, not a freeze the work caused.
#[test]
fn a_long_task_that_is_mostly_rendering_is_the_labs_drawing() {
    let mut log = MainThreadLog::new(100, 60_000.0);
    let task = |start_ms, duration_ms, source, render_ms| BusyPeriod {
        start_ms,
        duration_ms,
        source,
        render_ms,
    };
    log.add_task(task(100.0, 80.0, TaskSource::Longtask, 0.0), 200.0);
    log.add_task(
        task(90.0, 95.0, TaskSource::LongAnimationFrame, 70.0),
        200.0,
    );
    log.add_task(task(400.0, 60.0, TaskSource::Longtask, 0.0), 500.0);
    let s = log.summarize(0.0, 1000.0, &[]);
    let causes = causes(&s);
    assert_eq!(causes, [LAB_DRAWING, "other work (not the lab's)"]);
}

#[test]
fn a_long_task_the_labs_own_measured_spans_cover_is_the_labs_drawing() {
    let mut log = MainThreadLog::new(100, 60_000.0);
    let longtask = |start_ms, duration_ms| BusyPeriod {
        start_ms,
        duration_ms,
        source: TaskSource::Longtask,
        render_ms: 0.0,
    };
    // Two overlapping own spans (a frame's, and a driver turn inside it) cover 40 of
    // the task's 60 ms once, not 70 ms twice.
    log.add_own(own(100.0, 130.0), 130.0);
    log.add_own(own(110.0, 140.0), 140.0);
    log.add_task(longtask(100.0, 60.0), 200.0);
    // Only 20 of 60 ms are the lab's: not its drawing.
    log.add_own(own(300.0, 320.0), 320.0);
    log.add_task(longtask(300.0, 60.0), 400.0);
    // A parse overlapping it wins over any own span.
    let work = [WorkSpan {
        doc: 4,
        start_ms: 500.0,
        end_ms: Some(560.0),
        held: false,
    }];
    log.add_own(own(490.0, 600.0), 600.0);
    log.add_task(longtask(500.0, 70.0), 600.0);
    let s = log.summarize(0.0, 1000.0, &work);
    assert_eq!(
        causes(&s),
        [LAB_DRAWING, "other work (not the lab's)", "parse doc 4"]
    );
}

fn own(start_ms: f64, end_ms: f64) -> Interval {
    Interval { start_ms, end_ms }
}

#[test]
fn own_time_counts_each_instant_once_leaves_the_work_out_and_stays_bounded() {
    let mut log = MainThreadLog::new(10, 60_000.0);
    let s = log.summarize(0.0, 100.0, &[]);
    assert_eq!(s.own_ms, None, "nothing measured is not zero");
    // Spans that overlap, touch, or arrive out of order are merged: 10..40 and 50..60.
    log.add_own(own(20.0, 30.0), 30.0);
    log.add_own(own(10.0, 25.0), 31.0);
    log.add_own(own(30.0, 40.0), 40.0);
    log.add_own(own(50.0, 60.0), 60.0);
    log.add_own(own(55.0, 55.0), 60.0);
    assert_eq!(log.summarize(0.0, 100.0, &[]).own_ms, Some(40.0));
    // Clipped to the window.
    assert_eq!(log.summarize(35.0, 55.0, &[]).own_ms, Some(10.0));
    // A parse on the main thread inside a driver turn's span is the work, not the lab's.
    log.add_work(own(12.0, 22.0), 60.0);
    assert_eq!(log.summarize(0.0, 100.0, &[]).own_ms, Some(30.0));
    // Bounded: four times the history's length, oldest first out.
    for i in 0..1000 {
        let t = 100.0 + f64::from(i) * 10.0;
        log.add_own(own(t, t + 1.0), t + 1.0);
    }
    let kept = log.summarize(0.0, 1e9, &[]).own_ms.unwrap();
    assert_eq!(kept, 40.0, "the newest 40 spans of 1 ms");
}

#[test]
fn long_animation_frames_stand_in_only_where_the_browser_has_no_long_tasks_api() {
    let frame = BusyPeriod {
        start_ms: 10.0,
        duration_ms: 120.0,
        source: TaskSource::LongAnimationFrame,
        render_ms: 0.0,
    };
    let mut log = MainThreadLog::new(100, 60_000.0).without_long_tasks_api();
    log.add_task(frame, 130.0);
    assert_eq!(log.summarize(0.0, 200.0, &[]).longest_task_ms, Some(120.0));

    // With the API, a long frame made of short tasks is a long frame, not a task, even
    // before any long task has been reported.
    let mut log = MainThreadLog::new(100, 60_000.0);
    log.add_task(frame, 130.0);
    let s = log.summarize(0.0, 200.0, &[]);
    assert_eq!((s.longest_task_ms, s.long_tasks), (Some(0.0), Some(vec![])));
    assert_eq!(s.long_animation_frames, Some(1));
}

#[test]
fn without_either_api_tasks_are_not_measured_and_frames_still_show_the_freeze() {
    // Firefox ESR 153: no `longtask`, no `long-animation-frame`. A 123 ms freeze is
    // still a frame gap, but the report must not call it "no long task".
    let mut log = MainThreadLog::new(1000, 60_000.0)
        .without_long_tasks_api()
        .without_long_animation_frame_api();
    frames(&mut log, 0.0, 50.0);
    log.add_frame(50.0 + 123.0);
    let s = log.summarize(0.0, 200.0, &[]);
    assert_eq!(s.longest_task_ms, None);
    assert_eq!(s.long_tasks, None);
    assert_eq!(s.long_animation_frames, None);
    assert!(
        s.max_frame_gap_ms >= 123.0 - FRAME_MS,
        "{}",
        s.max_frame_gap_ms
    );
    assert_eq!(s.frame_gaps.len(), 1);

    // Not measured is `null` in the report's JSON, where a measured "none" is 0 and [].
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["longest_task_ms"], serde_json::Value::Null);
    assert_eq!(json["long_tasks"], serde_json::Value::Null);
    assert_eq!(json["long_animation_frames"], serde_json::Value::Null);
    let measured =
        serde_json::to_value(MainThreadLog::new(10, 1000.0).summarize(0.0, 1.0, &[])).unwrap();
    assert_eq!(measured["longest_task_ms"], serde_json::json!(0.0));
    assert_eq!(measured["long_tasks"], serde_json::json!([]));
    assert_eq!(measured["long_animation_frames"], serde_json::json!(0));
}

#[test]
fn with_long_tasks_but_no_long_animation_frames_only_their_count_is_unmeasured() {
    let mut log = MainThreadLog::new(100, 60_000.0).without_long_animation_frame_api();
    log.add_task(
        BusyPeriod {
            start_ms: 10.0,
            duration_ms: 80.0,
            source: TaskSource::Longtask,
            render_ms: 0.0,
        },
        100.0,
    );
    let s = log.summarize(0.0, 200.0, &[]);
    assert_eq!(s.longest_task_ms, Some(80.0));
    assert_eq!(s.long_tasks.map(|t| t.len()), Some(1));
    assert_eq!(s.long_animation_frames, None);
}

#[test]
fn a_second_report_of_the_same_input_replaces_the_first() {
    let mut log = MainThreadLog::new(100, 60_000.0);
    log.add_input(
        InputSample {
            at_ms: 100.0,
            delay_ms: 180.0,
        },
        300.0,
    );
    log.add_input(
        InputSample {
            at_ms: 100.2,
            delay_ms: 182.0,
        },
        400.0,
    );
    log.add_input(
        InputSample {
            at_ms: 150.0,
            delay_ms: 3.0,
        },
        400.0,
    );
    let s = log.summarize(0.0, 500.0, &[]);
    assert_eq!(s.inputs.len(), 2);
    assert_eq!(s.inputs[0].delay_ms, 182.0);
    assert_eq!(s.input_delay_p95_ms, Some(182.0));
}

#[test]
fn percentile_is_nearest_rank() {
    assert_eq!(percentile(&[], 95.0), None);
    assert_eq!(percentile(&[5.0], 95.0), Some(5.0));
    let v: Vec<f64> = (1..=100).map(f64::from).collect();
    assert_eq!(percentile(&v, 95.0), Some(95.0));
    assert_eq!(percentile(&[3.0, 1.0, 2.0], 50.0), Some(2.0));
}

#[test]
fn memory_stays_bounded_on_a_long_run() {
    let mut log = MainThreadLog::new(4096, 60_000.0);
    // An hour of frames, a long task every second, typing all along.
    let mut t = 0.0;
    while t < 3_600_000.0 {
        log.add_frame(t);
        if (t % 1000.0) < FRAME_MS {
            log.add_task(
                BusyPeriod {
                    start_ms: t,
                    duration_ms: 60.0,
                    source: TaskSource::Longtask,
                    render_ms: 0.0,
                },
                t,
            );
            log.add_input(
                InputSample {
                    at_ms: t,
                    delay_ms: 5.0,
                },
                t,
            );
        }
        t += FRAME_MS;
    }
    assert!(log.len() <= 3 * 4096, "{}", log.len());
    // The last minute is all still there.
    let s = log.summarize(3_600_000.0 - 30_000.0, 3_600_000.0, &[]);
    assert!(s.frames > 1700, "{}", s.frames);
    assert_eq!(s.long_tasks.map(|t| t.len()), Some(30));
}

#[test]
fn a_run_longer_than_the_frame_history_keeps_its_start_in_totals() {
    // 64 documents of 5000 ms one after another: 320 s, far past the 8192 frames
    // (136 s at 60 Hz) the history holds. A freeze in the run's first minute must
    // still be in its summary at the end.
    let mut log = MainThreadLog::new(8192, 20.0 * 60_000.0);
    frames(&mut log, 0.0, 1000.0);
    log.begin_window(1000.0);
    frames(&mut log, 1000.0 + FRAME_MS, 30_000.0);
    log.add_frame(30_400.0); // a 400 ms freeze, 29 s in
    frames(&mut log, 30_400.0 + FRAME_MS, 321_000.0);
    assert!(log.len() <= 8192 + 2, "{} entries kept", log.len());
    let s = log.summarize(1000.0, 321_000.0, &[]);
    let expected = (320_000.0 / FRAME_MS) as u32;
    assert!(
        s.frames.abs_diff(expected) <= 30,
        "{} frames, {expected} drawn",
        s.frames
    );
    assert_eq!(s.frame_gaps.len(), 1, "{:?}", s.frame_gaps);
    assert!((s.frame_gaps[0].start_ms - 30_000.0).abs() < FRAME_MS);
    assert!(
        (22..=24).contains(&s.dropped_frames),
        "{}",
        s.dropped_frames
    );
    assert!(
        (s.max_frame_gap_ms - 400.0).abs() < FRAME_MS,
        "{}",
        s.max_frame_gap_ms
    );
    // Without the window the start is gone: the same summary misses the freeze.
    let mut plain = MainThreadLog::new(8192, 20.0 * 60_000.0);
    frames(&mut plain, 0.0, 30_000.0);
    plain.add_frame(30_400.0);
    frames(&mut plain, 30_400.0 + FRAME_MS, 321_000.0);
    assert_eq!(plain.summarize(1000.0, 321_000.0, &[]).dropped_frames, 0);
}

#[test]
fn a_hidden_page_drops_no_frames_and_the_summary_says_how_long_it_was_hidden() {
    let mut log = MainThreadLog::new(10_000, 60_000.0);
    frames(&mut log, 0.0, 1000.0);
    log.set_hidden(true, 1005.0);
    // Hidden: the browser draws nothing for 3 s.
    log.set_hidden(false, 4000.0);
    frames(&mut log, 4010.0, 5000.0);
    let s = log.summarize(0.0, 5000.0, &[]);
    assert_eq!(s.dropped_frames, 0, "{s:?}");
    assert!(s.frame_gaps.is_empty(), "{:?}", s.frame_gaps);
    assert!((s.hidden_ms - 2995.0).abs() < 0.01, "{}", s.hidden_ms);
    assert_eq!(s.hidden.len(), 1);
    assert!(
        s.max_frame_gap_ms < 2.0 * FRAME_MS,
        "{}",
        s.max_frame_gap_ms
    );
    // A freeze while visible still counts, next to a hidden stretch.
    log.add_frame(5300.0);
    let s = log.summarize(0.0, 5300.0, &[]);
    assert!(
        (16..=18).contains(&s.dropped_frames),
        "{}",
        s.dropped_frames
    );
    // Still hidden at the end of the window: hidden up to its end.
    log.set_hidden(true, 5400.0);
    let s = log.summarize(5000.0, 6000.0, &[]);
    assert!((s.hidden_ms - 600.0).abs() < 0.01, "{}", s.hidden_ms);
}
