//! One document's row of the timeline: a bar per segment of its life (the one account
//! in [`activity`](crate::lab::activity)), on which thread it was worked on, its times,
//! and what it found or why it failed.

use yew::prelude::*;

use crate::lab::activity::{activity_at, segments, Activity, Segment};
use crate::lab::num::Num;
use crate::lab::report::{DocRecord, DocState, MAIN_THREAD};
use crate::lab::scenario::WaitKind;

/// A segment of a document's lane as an SVG rect.
/// Positions are SVG attributes, not inline styles, so the timeline draws under a CSP
/// that forbids inline styles.
fn bar(segment: &Segment, now: f64, t0: f64, scale: f64) -> Html {
    let start = segment.start_ms;
    let end = segment.end_ms.unwrap_or(now).max(start);
    let x = (start - t0) / scale * 100.0;
    let width = ((end - start) / scale * 100.0).max(0.4);
    let on_main = segment.thread.as_deref() == Some(MAIN_THREAD);
    let class = match segment.activity {
        Activity::WaitingForConnection => "connection",
        Activity::WaitingForServer => "fetch",
        Activity::AnsweredWaitingForLoop => "answered",
        Activity::Sleeping => "wait-async",
        Activity::Queued => "queued",
        Activity::HeldWait if on_main => "wait-held",
        Activity::HeldWait => "wait-held on-worker",
        Activity::Parsing if on_main => "parse-main",
        Activity::Parsing => "parse-worker",
        _ => "",
    };
    html! {
        <rect class={classes!("bar", class)} x={format!("{:.3}%", Num(x))} y="1"
            width={format!("{:.3}%", Num(width))} height="12" rx="3" />
    }
}

/// The lane's words, its tooltip: each segment, its thread and its length once the
/// document has ended. NOTE: one tooltip for the lane, not one per bar: a row drawn
/// again rebuilt a formatted `<title>` for each of its bars, and with 32 rows changing
/// in one redraw that was a measurable part of the frame at CPU 4×. Words that change
/// on every redraw would be one more node to update, so a document still going says so.
fn lane_words(d: &DocRecord, segments: &[Segment]) -> String {
    if !d.is_finished() {
        return format!("doc {}: still going", d.id);
    }
    let parts: Vec<String> = segments
        .iter()
        .filter_map(|s| {
            let ms = s.closed_ms()?;
            let on = s
                .thread
                .as_deref()
                .map(|t| format!(" on {t}"))
                .unwrap_or_default();
            Some(format!("{}{on} {:.0} ms", s.activity.label(), Num(ms)))
        })
        .collect();
    format!("doc {}: {}", d.id, parts.join(", "))
}

/// The thread's name written on a finished parse bar wide enough to hold it: the
/// lane tells main-thread from worker parses by words, not by colour alone.
fn thread_label(segment: &Segment, t0: f64, scale: f64) -> Html {
    let (Some(end), Some(thread)) = (segment.end_ms, segment.thread.as_deref()) else {
        return html! {};
    };
    let width = (end - segment.start_ms) / scale * 100.0;
    let short = thread.replace("worker-", "w");
    if segment.activity != Activity::Parsing || width < 2.2 * short.len() as f64 {
        return html! {};
    }
    html! {
        <text class="bar-label" x={format!("{:.3}%", Num((segment.start_ms - t0) / scale * 100.0 + 0.4))} y="11">{ short }</text>
    }
}

/// The scrub cursor across a lane `height` px tall, if it is set.
pub fn cursor_line(cursor_ms: Option<f64>, t0: f64, scale: f64, height: u32) -> Html {
    let Some(t) = cursor_ms else {
        return html! {};
    };
    let x = format!("{:.3}%", Num(((t - t0) / scale * 100.0).clamp(0.0, 100.0)));
    html! { <line class="cursor" x1={x.clone()} x2={x} y1="0" y2={height.to_string()} /> }
}

/// Props of [`DocumentRow`].
#[derive(Properties, PartialEq)]
pub struct DocumentRowProps {
    /// The document's record.
    pub doc: DocRecord,
    /// The run's wait kind (which decides its segments).
    pub wait: WaitKind,
    /// The run's start, ms on the page's clock: the axis's 0.
    pub t0: f64,
    /// The axis's length, ms.
    pub scale: f64,
    /// Now, while the document has a segment still open; `None` once it ended, so
    /// its props stop changing and yew skips it.
    pub now_ms: Option<f64>,
    /// The scrub cursor's instant, once a run is over and the reader has moved it.
    #[prop_or_default]
    pub cursor_ms: Option<f64>,
}

/// One document's row: its lane of segments, their times, and what it found or why it
/// failed.
#[component]
pub fn DocumentRow(props: &DocumentRowProps) -> Html {
    let d = &props.doc;
    let (t0, scale, wait) = (props.t0, props.scale, props.wait);
    let now = props.now_ms.or(d.ended_ms).unwrap_or(t0);
    let segments = segments(d, wait);
    let outcome = match d.state {
        DocState::Done => {
            // A narrow column ends the line with "…"; the tooltip has all of it.
            let found = format!("{} links · {} words · {} hits", d.links, d.words, d.hits);
            html! { <span class="found" title={found.clone()}>{ found }</span> }
        }
        DocState::Error => html! {
            <span class="doc-error" data-testid="doc-error">{ d.error.clone().unwrap_or_default() }</span>
        },
        DocState::NeverPolled => html! {
            <span class="doc-error never" data-testid="never-polled">{ "never ran: its future was dropped without .await, so no request went out" }</span>
        },
        DocState::Cancelled => html! { <span class="found">{ Activity::Cancelled.label() }</span> },
        _ => {
            let activity = activity_at(d, wait, now);
            let on = match (activity.occupies_thread(), d.thread.as_deref()) {
                (true, Some(thread)) => format!(" on {thread}"),
                _ => String::new(),
            };
            html! { <span class="found">{ format!("{}{on}…", activity.label()) }</span> }
        }
    };
    // Only finished segments: figures that change on every tick make the browser
    // shape text in every row on every tick (measured: up to 17 ms a frame with 32
    // rows).
    let times: Vec<String> = segments
        .iter()
        .filter_map(Segment::closed_ms)
        .filter(|ms| *ms >= 0.5)
        .map(|v| format!("{:.0}", Num(v)))
        .collect();
    let times = if times.is_empty() {
        String::new()
    } else {
        format!("{} ms", times.join(" + "))
    };
    html! {
        <li class={classes!("doc-row", d.state.as_str())} data-testid="doc-row"
            data-doc-id={d.id.to_string()} data-state={d.state.as_str()}>
            <span class="doc-name">{ format!("doc {}", d.id) }</span>
            <span class="lane">
                <svg class="lane-svg" height="14" aria-hidden="true">
                    <title>{ lane_words(d, &segments) }</title>
                    { for segments.iter().map(|s| bar(s, now, t0, scale)) }
                    { for segments.iter().map(|s| thread_label(s, t0, scale)) }
                    { cursor_line(props.cursor_ms, t0, scale, 14) }
                </svg>
            </span>
            <span class="times" title={times.clone()}>{ times.clone() }</span>
            { outcome }
        </li>
    }
}
