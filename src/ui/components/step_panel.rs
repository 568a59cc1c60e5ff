//! The lesson's navigation (seven steps and the free lab) and the panel of the open
//! step: what it sets up, what to watch, its runs, and the verdict of the last one.

use yew::prelude::*;

use crate::lab::lesson::{Step, STEPS};

/// Props of [`LessonNav`].
#[derive(Properties, PartialEq)]
pub struct LessonNavProps {
    /// The open step, or `None` in the free lab.
    pub current: Option<u32>,
    /// A step (or the free lab, `None`) was chosen.
    pub on_choose: Callback<Option<u32>>,
}

/// The lesson's steps, one button each, and the free lab.
#[component]
pub fn LessonNav(props: &LessonNavProps) -> Html {
    let choose = |target: Option<u32>| {
        let on_choose = props.on_choose.clone();
        Callback::from(move |_: MouseEvent| on_choose.emit(target))
    };
    html! {
        <nav class="lesson-nav" aria-label="The lesson, step by step" data-testid="lesson-nav">
            <span class="nav-label">{ "The lesson:" }</span>
            <ol>
                { for STEPS.iter().map(|step| {
                    let current = props.current == Some(step.id);
                    html! {
                        <li>
                            <button class={classes!("step-link", current.then_some("current"))}
                                data-testid={format!("step-{}", step.id)}
                                aria-current={current.then_some("step")}
                                title={step.title}
                                onclick={choose(Some(step.id))}>
                                <span class="num">{ step.id }</span>
                                <span class="step-title">{ step.short }</span>
                            </button>
                        </li>
                    }
                }) }
            </ol>
            <button class={classes!("step-link", "free", props.current.is_none().then_some("current"))}
                data-testid="free-lab" aria-current={props.current.is_none().then_some("page")}
                onclick={choose(None)}>{ "Free lab" }</button>
        </nav>
    }
}

/// Props of [`StepPanel`].
#[derive(Properties, PartialEq)]
pub struct StepPanelProps {
    /// The open step.
    pub step: &'static Step,
    /// The variant the scenario matches now, if any.
    pub variant: Option<usize>,
    /// Whether a run is in progress.
    pub running: bool,
    /// The verdict of the last run of this step's scenario (empty before it).
    pub verdict: Vec<String>,
    /// Run variant `i` of the step.
    pub on_run: Callback<usize>,
    /// Cancel pressed.
    pub on_cancel: Callback<()>,
    /// Previous or next step, or the free lab.
    pub on_choose: Callback<Option<u32>>,
    /// "Compare with your previous run", where the step offers it and two runs exist.
    #[prop_or_default]
    pub on_compare: Option<Callback<()>>,
}

/// The open step.
#[component]
pub fn StepPanel(props: &StepPanelProps) -> Html {
    let step = props.step;
    let choose = |target: Option<u32>| {
        let on_choose = props.on_choose.clone();
        Callback::from(move |_: MouseEvent| on_choose.emit(target))
    };
    let last = STEPS.len() as u32;
    let on_cancel = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| on_cancel.emit(()))
    };
    html! {
        <section class="step-panel" aria-labelledby="step-title" data-testid="step-panel" data-step={step.id.to_string()}>
            <p class="step-of">{ format!("Step {} of {last}", step.id) }</p>
            <h2 id="step-title">{ step.title }</h2>
            <p class="setup">{ step.summary }</p>
            <p class="watch"><strong>{ "Watch: " }</strong>{ step.watch }</p>
            <div class="buttons variants">
                { for step.variants.iter().enumerate().map(|(i, variant)| {
                    let on_run = props.on_run.clone();
                    let onclick = Callback::from(move |_: MouseEvent| on_run.emit(i));
                    let chosen = props.variant == Some(i);
                    html! {
                        <button class={classes!(if i == 0 { "primary" } else { "secondary" }, chosen.then_some("chosen"))}
                            data-testid={format!("step-run-{i}")} {onclick}>{ variant.label }</button>
                    }
                }) }
                <button data-testid="step-cancel" onclick={on_cancel} disabled={!props.running}>{ "Cancel" }</button>
            </div>
            // Reserved from the press of Run on (see the stylesheet): the verdict that
            // comes at the run's end fills the space and moves nothing.
            <div class={classes!("verdict", (props.running || !props.verdict.is_empty()).then_some("reserved"))} data-testid="verdict">
                if props.running {
                    <p class="pending">{ "Running… the verdict comes from what this run measures." }</p>
                } else if props.verdict.is_empty() {
                    <p class="pending">{ "Press Run: the verdict appears here, written from the run's own measurements." }</p>
                } else {
                    // In an element of its own, so that the verdict is drawn new, not
                    // written into the placeholder's <p> (which the browser counts as
                    // that paragraph moving).
                    <div class="measured">
                        <h3>{ "What this run measured" }</h3>
                        { for props.verdict.iter().map(|v| html! { <p>{ v.clone() }</p> }) }
                    </div>
                }
                if let (Some(on_compare), false) = (&props.on_compare, props.running) {
                    <button class="secondary" data-testid="step-compare"
                        onclick={on_compare.reform(|_: MouseEvent| ())}>{ "Compare with your previous run" }</button>
                }
            </div>
            <div class="step-nav">
                <button data-testid="step-prev" disabled={step.id == 1} onclick={choose(Some(step.id.saturating_sub(1).max(1)))}>{ "← Previous" }</button>
                if step.id < last {
                    <button data-testid="step-next" onclick={choose(Some(step.id + 1))}>{ "Next step →" }</button>
                } else {
                    <button data-testid="step-next" onclick={choose(None)}>{ "On to the free lab →" }</button>
                }
            </div>
        </section>
    }
}

/// Props of [`StartHere`].
#[derive(Properties, PartialEq)]
pub struct StartHereProps {
    /// Step 1 chosen.
    pub on_choose: Callback<Option<u32>>,
}

/// In the free lab: where a newcomer starts.
#[component]
pub fn StartHere(props: &StartHereProps) -> Html {
    let on_choose = props.on_choose.clone();
    let onclick = Callback::from(move |_: MouseEvent| on_choose.emit(Some(1)));
    html! {
        <section class="start-here" data-testid="start-here">
            <p><strong>{ "New to the event loop?" }</strong>{ " Seven short steps, each one run you watch and measure." }</p>
            <button class="primary" data-testid="start-lesson" {onclick}>{ "Start with step 1" }</button>
        </section>
    }
}
