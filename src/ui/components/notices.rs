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
            if let SimulatorStatus::Failed(why) = &props.simulator {
                <div class="banner error" role="alert" data-testid="simulator-error">
                    { format!("{why}. Documents cannot be served with simulated latency, so each will fail with the server's answer.") }
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
