//! The timeline's text alternative, for screen readers and for reading exact figures:
//! one row per document (the time of each of its segments), and the main thread's
//! long tasks.

use yew::prelude::*;

use crate::lab::activity::{segments, time_in, Activity};
use crate::lab::num::Num;
use crate::lab::report::{DocState, RunLog};
use crate::lab::timeline::MainThreadReport;

/// The timeline's text alternative: each document's spans, and the long tasks.
pub fn timeline_table(run: &RunLog, main: &MainThreadReport) -> Html {
    let t0 = run.started_ms;
    // A column for the wait for a connection, where the run had a connection ceiling.
    let ceiling = run.scenario.connections.is_some();
    let cell = |v: Option<f64>| v.map_or_else(|| "–".to_string(), |v| format!("{:.0}", Num(v)));
    let rows = run.docs.iter().map(|d| {
        let segments = segments(d, run.scenario.wait);
        let time = |activity| time_in(&segments, activity);
        let waited = time(Activity::Sleeping).or(time(Activity::HeldWait));
        let result = match (&d.error, d.state) {
            (Some(error), _) => error.clone(),
            (None, DocState::Done) => format!("{} links, {} hits", d.links, d.hits),
            (None, state) => state.as_str().replace('_', " "),
        };
        html! {
            <tr>
                <th scope="row">{ format!("doc {}", d.id) }</th>
                <td>{ cell(d.fetch_start_ms.map(|t| t - t0)) }</td>
                if ceiling {
                    <td>{ cell(time(Activity::WaitingForConnection)) }</td>
                }
                <td>{ cell(time(Activity::WaitingForServer)) }</td>
                <td>{ cell(time(Activity::AnsweredWaitingForLoop)) }</td>
                <td>{ cell(waited) }</td>
                <td>{ cell(time(Activity::Queued)) }</td>
                <td>{ cell(time(Activity::Parsing)) }</td>
                <td>{ d.thread.clone().unwrap_or_else(|| "–".into()) }</td>
                <td>{ result }</td>
            </tr>
        }
    });
    let tasks = main.long_tasks.iter().flatten().map(|t| {
        html! {
            <tr>
                <td>{ format!("{:.0}", Num(t.start_ms - t0)) }</td>
                <td>{ format!("{:.0}", Num(t.duration_ms)) }</td>
                <td>{ t.cause.clone() }</td>
            </tr>
        }
    });
    html! {
        <div class="table-box">
            <table data-testid="docs-table">
                <caption>{ "Each document, in ms (start from the run's start)" }</caption>
                <thead><tr>
                    <th scope="col">{ "document" }</th><th scope="col">{ "start" }</th>
                    if ceiling {
                        <th scope="col">{ "connection" }</th>
                    }
                    <th scope="col">{ "server" }</th><th scope="col">{ "page's loop" }</th>
                    <th scope="col">{ "wait" }</th><th scope="col">{ "queued" }</th>
                    <th scope="col">{ "parse" }</th><th scope="col">{ "thread" }</th>
                    <th scope="col">{ "result" }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            <table data-testid="long-tasks-table">
                <caption>{ format!("Main thread: {}, {} frames dropped, longest gap between frames {:.0} ms",
                    main.long_tasks.as_ref().map_or_else(|| "long tasks not measured in this browser".to_string(), |t| format!("{} long tasks", t.len())),
                    main.dropped_frames, Num(main.max_frame_gap_ms)) }</caption>
                <thead><tr>
                    <th scope="col">{ "long task at" }</th><th scope="col">{ "lasting" }</th><th scope="col">{ "cause" }</th>
                </tr></thead>
                <tbody>{ for tasks }</tbody>
            </table>
        </div>
    }
}
