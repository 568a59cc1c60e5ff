//! Event Loop Lab: what blocks the browser's event loop, and what does not.
//!
//! - [`lab`]: the pure core (scenario, the heavy work, the run record), tested natively;
//! - [`browser`]: thin glue to fetch, workers, the service worker and the clock;
//! - [`protocol`]: the messages between the page and its parse workers;
//! - [`worker`]: the parse worker (the same module, started in a Web Worker);
//! - [`ui`]: the yew app.

pub mod browser;
pub mod lab;
pub mod protocol;
pub mod ui;
pub mod worker;
