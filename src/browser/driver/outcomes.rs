//! What the run's operations report back (a fetch, an awaited wait, a sliced parse, a
//! worker's reply or death), each fed to the engine with its time on the page's clock.

use super::{ActiveRun, Outcome};
use crate::browser::clock::{from_epoch_ms, now_ms};
use crate::browser::pool::JobEvent;
use crate::lab::engine::Thread;
use crate::protocol::WorkerReply;

impl ActiveRun {
    /// Feeds one outcome to the engine.
    pub(super) fn handle(&self, outcome: Outcome) {
        let now = now_ms();
        // The driver's turn, the lab's own time, starts here (see `drive`).
        self.turn_started.set(Some(now));
        match outcome {
            Outcome::FetchStarted { doc, at_ms } => {
                let job = self.job(doc);
                self.engine.borrow_mut().handle_fetch_started(job, at_ms);
            }
            Outcome::Fetched { doc, result } => {
                self.aborts.borrow_mut().remove(&doc);
                let job = self.job(doc);
                let mut engine = self.engine.borrow_mut();
                match result {
                    Ok(fetched) => {
                        self.bodies.borrow_mut().insert(doc, fetched.payload);
                        if let Some(at_ms) = fetched.connected_ms {
                            engine.handle_connected(job, at_ms);
                        }
                        engine.handle_fetched(job, fetched.bytes, fetched.answered_ms, now);
                    }
                    Err(error) => {
                        engine.handle_fetch_failed(job, error, now);
                    }
                }
            }
            Outcome::Slept { doc } => {
                let job = self.job(doc);
                self.engine.borrow_mut().handle_slept(job, now);
            }
            Outcome::SlicedDone { doc, work } => {
                for &(from, to) in &work.slices {
                    self.record_work(from, to);
                }
                self.finish_work(self.job(doc), work.result, work.work_ms, now);
            }
            Outcome::Worker { doc, event } => self.handle_worker(doc, event, now),
        }
    }

    fn handle_worker(&self, doc: u32, event: JobEvent, now: f64) {
        let job = self.job(doc);
        let mut engine = self.engine.borrow_mut();
        match event {
            JobEvent::HandedOff { cost_ms } => {
                engine.handle_handed_off(job, cost_ms);
            }
            JobEvent::Reply(WorkerReply::Started {
                at_epoch_ms,
                held_from_epoch_ms,
                ..
            }) => {
                if let Some(from) = held_from_epoch_ms {
                    engine.handle_held(job, from_epoch_ms(from), from_epoch_ms(at_epoch_ms));
                }
                engine.handle_work_started(job, from_epoch_ms(at_epoch_ms));
            }
            JobEvent::Reply(WorkerReply::Parsed {
                summary,
                end_epoch_ms,
                work_ms,
                ..
            }) => {
                engine.handle_parsed(job, summary, work_ms, from_epoch_ms(end_epoch_ms));
            }
            JobEvent::Reply(WorkerReply::Failed {
                error, at_epoch_ms, ..
            }) => {
                engine.handle_work_failed(job, error, from_epoch_ms(at_epoch_ms));
            }
            // The pool keeps a worker's Ready to itself; no job hears it.
            JobEvent::Reply(WorkerReply::Ready) => {}
            JobEvent::Died(why) => {
                if let Some(Thread::Worker(worker)) = engine.working_on(doc) {
                    engine.handle_worker_died(worker, &why, now);
                }
            }
        }
    }
}
