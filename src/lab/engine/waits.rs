//! The wait after each fetch (`wait=`, `wait_ms=`), the lesson's "blocking call inside
//! async code": an awaited timer on the page's loop ([`Command::Sleep`](super::Command::Sleep), then
//! [`Engine::handle_slept`]), or a hold of the thread that then does the work
//! ([`Engine::hold_ms`], then [`Engine::handle_held`]).

use super::{Engine, JobId};
use crate::lab::report::{DocState, RunEvent};
use crate::lab::scenario::WaitKind;

impl Engine {
    /// How long the thread that works on a document is held before the work
    /// (`wait=blocking`), ms; 0 when the wait is awaited or there is none.
    pub fn hold_ms(&self) -> u32 {
        match self.log.scenario.wait {
            WaitKind::Blocking => self.log.scenario.wait_ms,
            WaitKind::Async => 0,
        }
    }

    /// `job`'s awaited timer (`wait=async`) fired at `now_ms`: it waits for a thread.
    pub fn handle_slept(&mut self, job: JobId, now_ms: f64) -> bool {
        if !self.is_in(job, DocState::Sleeping) {
            return false;
        }
        self.record(RunEvent::WaitEnded {
            doc: job.doc,
            at_ms: now_ms,
        });
        self.set_state(job.doc, DocState::AwaitingThread);
        self.ready.push_back(job.doc);
        self.assign_threads();
        true
    }

    /// `job`'s thread was held from `from_ms` to `to_ms` before its work
    /// (`wait=blocking`; see [`Engine::hold_ms`]).
    pub fn handle_held(&mut self, job: JobId, from_ms: f64, to_ms: f64) -> bool {
        if !self.is_working(job) {
            return false;
        }
        self.record(RunEvent::WaitStarted {
            doc: job.doc,
            at_ms: from_ms,
        });
        self.record(RunEvent::WaitEnded {
            doc: job.doc,
            at_ms: to_ms,
        });
        true
    }
}
