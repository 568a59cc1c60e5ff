//! The scrub cursor over one finished run, or over two drawn one above the other: an
//! instant on a clock that starts at each run's start, moved by pointer (a press or a
//! drag over the lanes or the cursor's rail) and by keyboard (arrows step from one event
//! of the runs to the next: a fetch start, an answer, a parse start or end, a long
//! task's edge; Home and End go to the ends). The screen says what each document and
//! the main thread were doing then ([`instant::at`], the one account of a run), and
//! each keyboard step's words go to the page's one live region (never each pixel of a
//! drag).

use yew::prelude::*;

use crate::lab::instant;
use crate::lab::num::Num;
use crate::lab::report::Report;
use crate::ui::components::document_row::cursor_line;

/// A scrub cursor, ready to draw.
/// What the readout says before the cursor has moved: true during the run and after it,
/// so that the same words (the same lines) stand in both.
const SCRUB_HINT: &str = "Once the run has ended, drag across the lanes, or focus the cursor bar and use the arrow keys, to see what each document and the main thread were doing at any instant.";

/// The cursor bar and the readout while a run goes: the same boxes as [`use_scrub`]'s,
/// not yet usable. Drawn in their place so that the run's end, which makes them
/// usable, moves nothing below them (layout shift: measured at 1280 px, the rows, the
/// main lane and the summary jumped by 22 and 65 px when they appeared).
pub fn waiting() -> (Html, Html) {
    let track = html! {
        <div class="axis scrub waiting" aria-hidden="true">
            <span class="doc-name">{ "time" }</span>
            <span class="lane scrub-track">
                <svg class="lane-svg" height="16"><rect class="scrub-rail" x="0" y="6" width="100%" height="4" rx="2" /></svg>
            </span>
        </div>
    };
    let readout = html! { <div class="scrub-readout"><p>{ SCRUB_HINT }</p></div> };
    (track, readout)
}

pub struct Scrub {
    /// The instant, ms from the runs' starts, once the reader has moved the cursor.
    cursor_ms: Option<f64>,
    starts: Vec<f64>,
    /// The cursor's rail: focusable, the keyboard's target.
    pub track: Html,
    /// The instant in words, for each run.
    pub readout: Html,
    /// Moves the cursor to the pointer while its main button is down.
    pub on_pointer: Callback<PointerEvent>,
}

impl Scrub {
    /// The cursor as an instant of run `index`'s own clock, once set.
    pub fn at(&self, index: usize) -> Option<f64> {
        Some(self.starts.get(index)? + self.cursor_ms?)
    }
}

/// The words for run `index` of `reports` at `r` ms from its start.
fn words(reports: &[Report], index: usize, r: f64) -> String {
    let report = &reports[index];
    let text = instant::at(report, report.started_ms + r).describe(report.started_ms);
    if reports.len() > 1 {
        format!("Run {}: {text}", report.run_id)
    } else {
        text
    }
}

/// A cursor over `reports` (none: no cursor, `None`), on an axis `scale` ms long.
/// The cursor goes back to the start whenever the runs change.
#[hook]
pub fn use_scrub(reports: Vec<Report>, scale: f64, on_scrub: Callback<String>) -> Option<Scrub> {
    let cursor = use_state(|| None::<f64>);
    let track_ref = use_node_ref();
    let ids: Vec<u32> = reports.iter().map(|r| r.run_id).collect();
    {
        let cursor = cursor.clone();
        use_effect_with(ids, move |_| cursor.set(None));
    }
    if reports.is_empty() {
        return None;
    }
    let length = reports
        .iter()
        .map(|r| r.finished_ms - r.started_ms)
        .fold(0.0, f64::max);
    // Every run's events on the shared clock, in order.
    let events = instant::aligned_events(&reports);
    let on_pointer = {
        let (cursor, track_ref) = (cursor.clone(), track_ref.clone());
        Callback::from(move |e: PointerEvent| {
            if e.buttons() & 1 == 0 {
                return;
            }
            let Some(track) = track_ref.cast::<web_sys::Element>() else {
                return;
            };
            let rect = track.get_bounding_client_rect();
            if rect.width() <= 0.0 {
                return;
            }
            let x = ((f64::from(e.client_x()) - rect.left()) / rect.width()).clamp(0.0, 1.0);
            cursor.set(Some((x * scale).min(length)));
        })
    };
    let on_key = {
        let (cursor, reports) = (cursor.clone(), reports.clone());
        Callback::from(move |e: KeyboardEvent| {
            let at = cursor.unwrap_or(0.0);
            let next = match e.key().as_str() {
                "ArrowRight" | "ArrowUp" => events.iter().copied().find(|t| *t > at),
                "ArrowLeft" | "ArrowDown" => events.iter().copied().rev().find(|t| *t < at),
                "Home" => events.first().copied(),
                "End" => events.last().copied(),
                _ => return,
            };
            e.prevent_default();
            if let Some(r) = next {
                cursor.set(Some(r));
                let said: Vec<String> = (0..reports.len()).map(|i| words(&reports, i, r)).collect();
                on_scrub.emit(said.join(" "));
            }
        })
    };
    let said: Option<Vec<String>> =
        cursor.map(|r| (0..reports.len()).map(|i| words(&reports, i, r)).collect());
    let track = html! {
        <div class="axis scrub">
            <span class="doc-name">{ "time" }</span>
            <span class="lane scrub-track" ref={track_ref} tabindex="0" role="slider" data-testid="scrub"
                aria-label="Scrub the run: arrow keys step from one event to the next, Home and End go to its ends"
                aria-valuemin="0" aria-valuemax={format!("{:.0}", Num(length))}
                aria-valuenow={format!("{:.0}", Num(cursor.unwrap_or(0.0)))}
                data-cursor-ms={Num(cursor.unwrap_or(0.0)).to_string()}
                aria-valuetext={said.as_ref().map_or_else(|| "at the start of the run".to_string(), |w| w.join(" "))}
                onkeydown={on_key} onpointerdown={on_pointer.clone()} onpointermove={on_pointer.clone()}>
                <svg class="lane-svg" height="16" aria-hidden="true">
                    <rect class="scrub-rail" x="0" y="6" width="100%" height="4" rx="2" />
                    { cursor_line(*cursor, 0.0, scale, 16) }
                </svg>
            </span>
        </div>
    };
    let readout = match said {
        Some(lines) => html! {
            <div class="scrub-readout" data-testid="scrub-readout">
                { for lines.into_iter().map(|line| html! { <p>{ line }</p> }) }
            </div>
        },
        None => html! {
            <div class="scrub-readout" data-testid="scrub-readout"><p>{ SCRUB_HINT }</p></div>
        },
    };
    Some(Scrub {
        cursor_ms: *cursor,
        starts: reports.iter().map(|r| r.started_ms).collect(),
        track,
        readout,
        on_pointer,
    })
}
