//! The heartbeat strip: a JS-driven dot, frame counter and longest frame gap, plus a
//! text box to type into while a run goes.

use yew::prelude::*;

use crate::ui::hooks::{use_heartbeat, HeartbeatRefs};

/// Props of [`Heartbeat`].
#[derive(Properties, PartialEq)]
pub struct HeartbeatProps {
    /// Changes with every run; resets the longest gap.
    pub run_id: u32,
    /// Called on every frame with `performance.now()`.
    pub on_frame: Callback<f64>,
}

/// Shows whether the main thread is free to draw frames.
#[component]
pub fn Heartbeat(props: &HeartbeatProps) -> Html {
    let refs = use_memo((), |_| HeartbeatRefs::default());
    use_heartbeat((*refs).clone(), props.run_id, props.on_frame.clone());
    html! {
        <section class="heartbeat" aria-label="Heartbeat">
            <div class="track" aria-hidden="true"><div class="dot" ref={refs.dot.clone()}></div></div>
            <p class="beat-numbers">
                { "frames " }<output data-testid="frames" ref={refs.frames.clone()}>{ "0" }</output>
                { " · longest gap this run " }<output data-testid="longest-gap" ref={refs.longest.clone()}>{ "0 ms" }</output>
            </p>
            <p class="hint">{ "The dot is moved by JavaScript on every animation frame: when the main thread is blocked, it stops. (A CSS animation would keep moving on the compositor and hide the freeze.)" }</p>
            <label class="probe">{ "Type here while it runs: " }<input type="text" data-testid="probe" placeholder="does it lag?" /></label>
        </section>
    }
}
