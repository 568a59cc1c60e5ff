//! The pure core: no `web-sys`, no `yew`, no clock. Time is always passed in as
//! `performance.now()` milliseconds, so everything here is tested natively.

pub mod activity;
pub mod body;
pub mod corpus;
pub mod doc_record;
pub mod engine;
pub mod error;
pub mod events;
pub mod instant;
pub mod lesson;
pub mod num;
pub mod page;
pub mod query;
pub mod report;
pub mod run_event;
pub mod scenario;
pub mod small_map;
pub mod sort;
pub mod timeline;
pub mod trace;
pub mod waiting;
pub mod yielding;

/// The heavy work, a crate of its own so it is built for speed (see Cargo.toml).
pub use work;
