//! The yew app: one reducer ([`state`]), hooks that own long-lived handles, and one
//! component per file.

pub mod app;
pub mod components;
pub mod hooks;
pub mod rehearsal;
pub mod screen;
pub mod state;
