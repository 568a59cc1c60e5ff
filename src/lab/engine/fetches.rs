//! When requests go out after a run's first ones: with `fetch=concurrent` and a
//! `limit` (`buffer_unordered(k)`), each finished download lets the next document's
//! request go; with `fetch=sequential`, each finished document does. And what else a
//! finished document sets going: a freed thread's next document, the run's end.

use super::Engine;
use crate::lab::report::DocState;
use crate::lab::scenario::FetchStrategy;

impl Engine {
    /// With `fetch=concurrent` and a `limit`, starts documents not started yet, in
    /// order, while fewer than `limit` requests are in flight.
    // lesson:limit
    pub(super) fn more_fetches(&mut self) {
        let scenario = &self.log.scenario;
        let (FetchStrategy::Concurrent, Some(limit)) = (scenario.fetch, scenario.limit) else {
            return;
        };
        let in_flight = self
            .states
            .iter()
            .filter(|s| **s == DocState::Fetching)
            .count();
        let next: Vec<u32> = (1..=scenario.docs)
            .filter(|&d| self.state(d) == Some(DocState::NotStarted))
            .take((limit as usize).saturating_sub(in_flight))
            .collect();
        for doc in next {
            self.start_fetch(doc);
        }
    }
    // lesson:end

    /// A document finished, well or not: start the next fetch (sequential, or a
    /// limited concurrent run whose failed request freed a place), give a freed thread
    /// its next document, and end the run when all are done.
    pub(super) fn after_document(&mut self, now_ms: f64) {
        // lesson:next-fetch
        if self.log.scenario.fetch == FetchStrategy::Sequential {
            let next =
                (1..=self.log.scenario.docs).find(|&d| self.state(d) == Some(DocState::NotStarted));
            let busy = self
                .states
                .iter()
                .any(|s| *s != DocState::NotStarted && !s.is_finished());
            if let (Some(doc), false) = (next, busy) {
                self.start_fetch(doc);
            }
        }
        self.more_fetches();
        // lesson:end
        self.assign_threads();
        if self.states.iter().all(|s| s.is_finished()) {
            self.log.finish(now_ms);
        }
    }
}
