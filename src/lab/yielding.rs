//! How sliced work gives the event loop back between slices (`yield=`), in the
//! lesson's four kinds. Only a new task lets the browser draw a frame or handle input;
//! a ready future or a resolved promise continues in the same task.

use std::fmt;

use serde::{Serialize, Serializer};

/// What `parse=sliced` does between two slices of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum YieldKind {
    /// Work in slices that fit each frame's budget, then wait for the next frame
    /// (measured: every frame drawn on time, 1.28× the blocking total).
    Frame,
    /// `setTimeout(0)` after slices of about 8 ms: frames get through whenever the
    /// browser finds room, not when one is due.
    Timeout,
    /// `scheduler.yield()`: its continuation runs ahead of other tasks, so a frame gets
    /// through only now and then (measured: 35 % of frames late).
    Scheduler,
    /// `.await` on a resolved promise: looks like a yield, is a microtask, lets
    /// nothing through. One long task per document.
    Microtask,
}

/// The accepted values, as listed in notices and the book (URL parameters).
pub const YIELD_KINDS: &str = "frame, timeout, scheduler, microtask";

impl YieldKind {
    /// Every kind, in the order of [`YIELD_KINDS`].
    pub const ALL: [YieldKind; 4] = [Self::Frame, Self::Timeout, Self::Scheduler, Self::Microtask];

    /// The query value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Frame => "frame",
            Self::Timeout => "timeout",
            Self::Scheduler => "scheduler",
            Self::Microtask => "microtask",
        }
    }

    /// The kind named `name` (any case), if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for YieldKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for YieldKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}
