//! Hooks that own the app's long-lived handles (the controller, the rAF loop).

mod use_controller;
mod use_heartbeat;

pub use use_controller::use_controller;
pub use use_heartbeat::{use_heartbeat, HeartbeatRefs};
