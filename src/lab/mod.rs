//! The pure core: no `web-sys`, no `yew`, no clock. Time is always passed in as
//! `performance.now()` milliseconds, so everything here is tested natively.

pub mod corpus;
pub mod engine;
pub mod error;
pub mod events;
pub mod page;
pub mod report;
pub mod scenario;
pub mod timeline;
pub mod work;
