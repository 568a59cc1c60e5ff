//! Entry point of the parse worker (built by trunk as a `data-type="worker"` bin).
use gloo_worker::Registrable;

fn main() {
    console_error_panic_hook::set_once();
    event_loop_lab::worker::ParseWorker::registrar().register();
}
