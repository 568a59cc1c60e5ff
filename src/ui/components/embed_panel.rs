//! The "Embed" panel: the snippet that puts this scenario into another page, a button
//! that copies it, and the one line that does the same in an mdBook chapter (with the
//! `mdbook-event-loop-lab` preprocessor).

use yew::prelude::*;

use crate::browser::embed::{app_url, copy_text};
use crate::lab::page::{book_line, embed_snippet};
use crate::lab::scenario::Scenario;

/// Props of [`EmbedPanel`].
#[derive(Properties, PartialEq)]
pub struct EmbedPanelProps {
    /// The scenario the snippet embeds.
    pub scenario: Scenario,
    /// Close pressed.
    pub on_close: Callback<()>,
}

/// Shows the snippet; copying falls back to selecting it by hand.
#[component]
pub fn EmbedPanel(props: &EmbedPanelProps) -> Html {
    let snippet = embed_snippet(&app_url(), &props.scenario);
    let result = use_state(|| None::<Result<(), String>>);
    let on_copy = {
        let (snippet, result) = (snippet.clone(), result.clone());
        Callback::from(move |_: MouseEvent| {
            let (snippet, result) = (snippet.clone(), result.clone());
            wasm_bindgen_futures::spawn_local(async move {
                result.set(Some(copy_text(&snippet).await))
            });
        })
    };
    let on_close = props.on_close.reform(|_: MouseEvent| ());
    let status = match &*result {
        Some(Ok(())) => "Copied.".to_string(),
        Some(Err(why)) => format!("Could not copy ({why}): select the text and copy it."),
        None => String::new(),
    };
    html! {
        <section class="embed-panel" aria-label="Embed this scenario" data-testid="embed-panel">
            <p>{ "Paste this into a docs page (mdBook, rustdoc, a blog): the iframe runs this scenario, and the script sizes it to fit." }</p>
            <textarea readonly=true rows="12" data-testid="embed-snippet" aria-label="Embed snippet" value={snippet} />
            <div class="buttons">
                <button class="primary" onclick={on_copy} data-testid="embed-copy">{ "Copy" }</button>
                <button onclick={on_close}>{ "Close" }</button>
                <span role="status">{ status }</span>
            </div>
            <p>{ "In an mdBook chapter, with the event-loop-lab preprocessor, this line does the same:" }</p>
            <input type="text" readonly=true class="book-line" data-testid="embed-book-line"
                aria-label="mdBook directive" value={book_line(&props.scenario)} />
        </section>
    }
}
