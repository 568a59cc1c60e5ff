//! The heartbeat strip: a JS-driven dot, frame counter and longest frame gap, plus a
//! text box to type into while a run goes.

use yew::prelude::*;

use crate::browser::clock::now_ms;
use crate::lab::num::Num;
use crate::lab::timeline::MainThreadReport;
use crate::ui::hooks::{use_heartbeat, HeartbeatRefs};

/// Props of [`Heartbeat`].
#[derive(Properties, PartialEq)]
pub struct HeartbeatProps {
    /// The main thread during the current or last run.
    pub main: Option<MainThreadReport>,
    /// An input event on the probe: `(its timestamp, delay until its handler ran)`.
    pub on_input: Callback<(f64, f64)>,
    /// The probe's elements once mounted (an empty list when unmounted), for the
    /// instruments that measure their input delay (Event Timing).
    pub on_probe: Callback<Vec<web_sys::Element>>,
}

/// The event's timestamp and how long it waited for this handler, ms.
fn input_delay(e: &Event) -> (f64, f64) {
    let at = e.time_stamp();
    (at, (now_ms() - at).max(0.0))
}

/// Shows whether the main thread is free to draw frames.
#[component]
pub fn Heartbeat(props: &HeartbeatProps) -> Html {
    let refs = use_memo((), |_| HeartbeatRefs::default());
    use_heartbeat((*refs).clone());
    let (probe_box, probe_button) = (use_node_ref(), use_node_ref());
    {
        let (on_probe, targets) = (
            props.on_probe.clone(),
            [probe_box.clone(), probe_button.clone()],
        );
        use_effect_with((), move |_| {
            on_probe.emit(targets.iter().filter_map(NodeRef::cast).collect());
            move || on_probe.emit(Vec::new())
        });
    }
    let on_key = props.on_input.reform(|e: KeyboardEvent| input_delay(&e));
    let on_press = props.on_input.reform(|e: PointerEvent| input_delay(&e));
    let main = props.main.clone().unwrap_or_default();
    let p95 = main
        .input_delay_p95_ms
        .map_or("–".to_string(), |v| format!("{:.0} ms", Num(v)));
    html! {
        <section class="heartbeat" aria-label="Heartbeat">
            <div class="track" aria-hidden="true"><canvas class="dot" ref={refs.dot.clone()}></canvas></div>
            <p class="beat-numbers">
                { "frames " }<output class="frames" data-testid="frames" ref={refs.frames.clone()}>{ "0" }</output>
                { " · longest gap this run " }<output data-testid="longest-gap">{ format!("{:.0} ms", Num(main.max_frame_gap_ms)) }</output>
                { " · dropped " }<output data-testid="dropped-frames">{ main.dropped_frames }</output>
            </p>
            <p class="hint reduced-motion-note">{ "Reduced motion is on: instead of a moving dot, watch the frame counter — it stops whenever the main thread is blocked." }</p>
            <p class="hint">{ "The dot is drawn by JavaScript on every animation frame: when the main thread is blocked, it stops. (A CSS animation would keep moving on the compositor and hide the freeze.)" }</p>
            <div class="probe">
                <label>{ "Type here while it runs: " }<input type="text" data-testid="probe" ref={probe_box} placeholder="does it lag?" onkeydown={on_key} /></label>
                <button type="button" data-testid="probe-button" ref={probe_button} onpointerdown={on_press}>{ "or press me" }</button>
                <span class="probe-result">{ format!("{} inputs · p95 delay ", main.inputs.len()) }<output data-testid="input-delay-p95">{ p95 }</output></span>
            </div>
        </section>
    }
}
