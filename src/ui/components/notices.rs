//! Notices about query values that were replaced, and the simulator's state.

use yew::prelude::*;

use crate::ui::state::SimulatorStatus;

/// Props of [`Notices`].
#[derive(Properties, PartialEq)]
pub struct NoticesProps {
    /// Sentences to show.
    pub notices: Vec<String>,
    /// The latency simulator's state.
    pub simulator: SimulatorStatus,
    /// Close pressed.
    pub on_dismiss: Callback<()>,
}

/// Shown only when there is something to say.
#[component]
pub fn Notices(props: &NoticesProps) -> Html {
    let on_dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <>
            if let SimulatorStatus::InPage(why) = &props.simulator {
                <div class="banner notice" role="status" data-testid="simulator-note">
                    { format!("Latency is simulated in the page, not by a service worker ({why}). Its timers share the event loop, so a blocked main thread also delays the simulated server.") }
                </div>
            }
            if !props.notices.is_empty() {
                <div class="banner notice" role="status">
                    <ul>
                        { for props.notices.iter().map(|n| html! { <li data-testid="notice">{ n }</li> }) }
                    </ul>
                    <button class="link" onclick={on_dismiss} aria-label="Dismiss notices">{ "dismiss" }</button>
                </div>
            }
        </>
    }
}
