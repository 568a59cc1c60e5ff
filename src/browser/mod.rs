//! Thin browser glue: the clock, fetch, the worker pool, the latency simulators,
//! the run driver and controller, and `window.eventLoopLab`. Everything that decides
//! lives in [`crate::lab`]; this only talks to the browser.

pub mod api;
pub mod clock;
pub mod controller;
pub mod documents;
pub mod download;
pub mod driver;
pub mod embed;
pub mod fetch;
pub mod frames;
pub mod in_view;
pub mod location;
pub mod main_work;
pub mod measures;
pub mod monitor;
pub mod page_simulator;
pub mod pool;
pub mod service_worker;
pub mod slices;
