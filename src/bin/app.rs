//! Entry point of the page (built by trunk as the main bin).
fn main() {
    console_error_panic_hook::set_once();
    yew::Renderer::<event_loop_lab::ui::app::App>::new().render();
}
