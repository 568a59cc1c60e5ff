//! A wait inside each document's async code, after its fetch (`wait=` and `wait_ms=`):
//! the lesson's "blocking call inside async code". `time.sleep(0.3)` inside
//! `async def` holds the loop; `await asyncio.sleep(0.3)` gives it back.

use std::fmt;

use serde::{Serialize, Serializer};

use super::sort::sort_by;

/// How each document waits `wait_ms` after its body has arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WaitKind {
    /// The thread that works on the document is held for `wait_ms` before the work: a
    /// busy wait. The browser's main thread has no blocking sleep, and a synchronous
    /// XHR to the service worker does not get an answer in Chromium, so holding the
    /// thread is the honest stand-in for `requests.get` / `time.sleep`. In worker mode
    /// the worker is held instead: the thread-pool cure (`run_in_executor`).
    Blocking,
    /// `TimeoutFuture::new(wait_ms).await` on the page's event loop, before the
    /// document is handed to a thread: the loop runs everything else meanwhile.
    Async,
}

/// The accepted values, as listed in notices and the book (URL parameters).
pub const WAIT_KINDS: &str = "blocking, async";

impl WaitKind {
    /// The query value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Blocking => "blocking",
            Self::Async => "async",
        }
    }

    /// The kind named `name` (any case), if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Blocking, Self::Async]
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for WaitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for WaitKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Reads a `forget=` list: document numbers separated by commas (`3` or `2,5`), sorted
/// and without repeats. `None` when an item is not a whole number within `docs`.
pub(crate) fn parse_doc_list(value: &str, docs: std::ops::RangeInclusive<u32>) -> Option<Vec<u32>> {
    if value.trim().is_empty() {
        return Some(Vec::new());
    }
    let mut list = value
        .split(',')
        .map(|item| item.trim().parse::<u32>().ok().filter(|d| docs.contains(d)))
        .collect::<Option<Vec<u32>>>()?;
    sort_by(&mut list, |a, b| a < b);
    list.dedup();
    Some(list)
}
