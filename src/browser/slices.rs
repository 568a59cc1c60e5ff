//! The work in slices: run the [`Analyzer`] for a budget of milliseconds, then let
//! something happen in between (a yield to the event loop, a wait for the next frame,
//! a look for a cancel), and go on. The main thread's `sliced` mode and the workers
//! both work this way.

use std::future::Future;

use super::clock::now_ms;
use crate::lab::work::{Analyzer, WorkSummary};

/// Bytes processed between clock checks.
const STEP_BYTES: usize = 16 * 1024;

/// Works on `html` in slices. Before each slice it awaits `next_slice()`, which yields
/// however the caller likes and says how long the slice may run (ms), or `None` to
/// stop. Returns the summary and the time spent in the slices (not in between), or
/// `None` when stopped.
pub async fn analyze_in_slices<F, Fut>(
    html: &str,
    query: &str,
    mut next_slice: F,
) -> Option<(WorkSummary, f64)>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<f64>>,
{
    let mut analyzer = Analyzer::new(html, query);
    let mut work_ms = 0.0;
    loop {
        let budget_ms = next_slice().await?;
        let slice_start = now_ms();
        // At least one step, whatever the budget: the work always moves on.
        let done = loop {
            let done = analyzer.step(STEP_BYTES);
            if done || now_ms() - slice_start >= budget_ms {
                break done;
            }
        };
        work_ms += now_ms() - slice_start;
        if done {
            return Some((analyzer.finish(), work_ms));
        }
    }
}
