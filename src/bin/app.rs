//! Entry point of the page *and* of its parse workers: both load this one wasm
//! module (see `event_loop_lab::worker` for how a worker loads it).
use event_loop_lab::{ui::app, worker};

fn main() {
    console_error_panic_hook::set_once();
    if worker::in_worker() {
        worker::start();
    } else {
        app::start();
    }
}
