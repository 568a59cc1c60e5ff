//! Which thread works on which document: one slot per thread (the main thread, or
//! each pool worker), and documents that wait for a thread are handed to free ones,
//! oldest first.

use super::{Command, Engine, Thread};
use crate::lab::report::DocState;
use crate::lab::scenario::ParseStrategy;

impl Engine {
    /// `thread` is done with its document: its slot takes the next one.
    pub(super) fn free(&mut self, thread: Thread) {
        let index = match thread {
            Thread::Main => 0,
            Thread::Worker(n) => (n as usize).saturating_sub(1),
        };
        if let Some(slot) = self.slots.get_mut(index) {
            *slot = None;
        }
    }

    /// Gives waiting documents to free threads, oldest first.
    pub(super) fn assign_threads(&mut self) {
        let on_workers = self.log.scenario.parse == ParseStrategy::Worker;
        while let Some(index) = self.slots.iter().position(Option::is_none) {
            let Some(doc) = self.ready.pop_front() else {
                return;
            };
            self.slots[index] = Some(doc);
            let command = if on_workers {
                let worker = index as u32 + 1;
                Command::PostToWorker { doc, worker }
            } else {
                Command::WorkOnMain { doc }
            };
            self.set_state(doc, DocState::Parsing);
            self.commands.push_back(command);
        }
    }
}
