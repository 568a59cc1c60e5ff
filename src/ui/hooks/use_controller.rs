//! Creates the run controller once, installs `window.eventLoopLab` for it, and
//! removes it when the app unmounts.

use std::rc::Rc;

use yew::prelude::*;

use crate::browser::api::JsApi;
use crate::browser::controller::Controller;
use crate::browser::pool::WorkerPool;
use crate::lab::page::SimulatorChoice;
use crate::lab::scenario::Scenario;
use crate::ui::state::{Action, State};

/// The controller for the app's lifetime. Its events are dispatched to the reducer.
#[hook]
pub fn use_controller(
    dispatcher: UseReducerDispatcher<State>,
    defaults: Scenario,
    initial: Scenario,
    simulator: SimulatorChoice,
    pool: Rc<WorkerPool>,
) -> Controller {
    let controller = use_memo((), move |_| {
        let on_event = move |event| dispatcher.dispatch(Action::Lab(event));
        Controller::new(defaults, initial, simulator, pool, Rc::new(on_event))
    });
    use_effect_with(controller.clone(), |controller| {
        let api = JsApi::install(controller);
        let controller = controller.clone();
        move || {
            controller.cancel();
            drop(api);
        }
    });
    (*controller).clone()
}
