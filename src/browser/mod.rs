//! Thin browser glue: the clock, fetch, the worker pool, the latency simulator,
//! the run controller and `window.eventLoopLab`. Everything that decides lives in
//! [`crate::lab`]; this only talks to the browser.

pub mod api;
pub mod clock;
pub mod controller;
pub mod embed;
pub mod fetch;
pub mod monitor;
pub mod pool;
pub mod simulated;
pub mod simulator;
