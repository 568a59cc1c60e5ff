//! The work in slices: run the [`Analyzer`] for about `slice_ms`, then let something
//! happen in between (a yield to the event loop, a look for a cancel), and go on.
//! The main thread's `sliced` mode and the workers both work this way.

use std::future::Future;

use super::clock::now_ms;
use crate::lab::work::{Analyzer, WorkSummary};

/// Bytes processed between clock checks.
const STEP_BYTES: usize = 16 * 1024;

/// Works on `html` in slices of about `slice_ms`, awaiting `between()` after each
/// slice but the last; stops when it answers `false`. Returns the summary and the time
/// spent in the slices (not in between), or `None` when stopped.
pub async fn analyze_in_slices<F, Fut>(
    html: &str,
    query: &str,
    slice_ms: f64,
    mut between: F,
) -> Option<(WorkSummary, f64)>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let mut analyzer = Analyzer::new(html, query);
    let mut work_ms = 0.0;
    loop {
        let slice_start = now_ms();
        let mut done = false;
        while !done && now_ms() - slice_start < slice_ms {
            done = analyzer.step(STEP_BYTES);
        }
        work_ms += now_ms() - slice_start;
        if done {
            return Some((analyzer.finish(), work_ms));
        }
        if !between().await {
            return None;
        }
    }
}
