//! One component per file, each with its props.

pub mod compare;
pub mod controls;
pub mod document_row;
pub mod document_rows;
pub mod embed_panel;
pub mod heartbeat;
pub mod lesson;
pub mod notices;
pub mod scrub;
pub mod step_panel;
pub mod summary;
pub mod timeline_table;
