//! The export worker's step: take one job from the queue, claim the export's
//! lease (or wait for its holder), run it (`run`), then ack, delay or
//! hand the rest to a new job. The local runtime loops `step` (receive +
//! `handle`); Lambda receives its messages in the SQS event and calls
//! `handle` once per message, and must know what became of the message
//! (`JobOutcome`) to tell the event source whether to delete it.
//!
//! What becomes of the message (ack, put back, re-queue, give up) is the
//! policy both workers share, `ports::job_policy`: a message that keeps
//! failing fails its export instead of leaving it RUNNING.

use jiff::{SignedDuration, Timestamp};

use super::finish::{finish, Ending};
use super::run::{run_export, RunEnd, OUT_OF_SPACE};
use crate::error::{CoreError, PortError};
use crate::model::export::{Export, ExportStatus, Lease};
use crate::ports::job_policy::{past_giving_up, settle, Handled, JobOutcome, StepOutcome};
use crate::ports::work_queue::{Job, ReceivedJob};
use crate::Ports;

pub struct ExportWorker {
    ports: Ports,
    /// Identifies this worker in leases.
    worker_id: String,
}

impl ExportWorker {
    pub fn new(ports: Ports, worker_id: impl Into<String>) -> Self {
        ExportWorker { ports, worker_id: worker_id.into() }
    }

    /// Receives one job and handles it.
    pub async fn step(&self) -> Result<StepOutcome, CoreError> {
        let visibility = self.ports.config.export.lease;
        let Some(received) = self.ports.export_queue.receive(visibility).await? else {
            return Ok(StepOutcome::Empty);
        };
        Ok(self.handle(received).await?.into())
    }

    /// Handles one received job: runs its export as far as the step budget
    /// allows, then acks it, puts it back, or queues its continuation. Err
    /// only when the queue itself failed (the message then comes back when
    /// its visibility ends).
    pub async fn handle(&self, received: ReceivedJob) -> Result<JobOutcome, CoreError> {
        let queue = self.ports.export_queue.as_ref();
        let Job::Export { export_id } = &received.job else {
            // Another queue's job sent here by mistake: keeping it would block nothing but itself.
            tracing::warn!(job = ?received.job, "not an export job; dropped");
            return settle(queue, &received, Ok(Handled::Done)).await;
        };
        if past_giving_up(&received) {
            self.give_up(export_id, received.attempts).await?;
            return settle(queue, &received, Ok(Handled::Done)).await;
        }
        let handled = self.work_on(export_id).await;
        settle(queue, &received, handled).await
    }

    /// The job came back too often (its runs crash, time out or fail):
    /// the export fails visibly instead of staying RUNNING for ever.
    async fn give_up(&self, export_id: &str, attempts: u32) -> Result<(), CoreError> {
        let Some(mut e) = self.ports.exports.get_export(export_id).await? else { return Ok(()) };
        match e.status {
            s if s.is_terminal() => {}
            ExportStatus::Cancelling => finish(&self.ports, &mut e, Ending::Cancelled).await?,
            _ => {
                tracing::error!(export_id, attempts, "export job keeps failing; giving up");
                let message = format!("the export was given up after {attempts} failed attempts");
                finish(&self.ports, &mut e, Ending::Failed(message)).await?;
            }
        }
        crate::usecases::run_outcome::on_export_finished(&self.ports, export_id).await
    }

    /// Claims the export and runs it.
    async fn work_on(&self, export_id: &str) -> Result<Handled, CoreError> {
        let Some(mut e) = self.ports.exports.get_export(export_id).await? else {
            return Ok(Handled::Done);
        };
        let now = self.ports.clock.now();
        match e.status {
            s if s.is_terminal() => {
                // A job that comes back after its export ended: the worker may
                // have died before the run's deliveries were started, or
                // taken the report's slot for an export cancelled meanwhile.
                self.ports.exports.release_slot(&e.report_id, &e.id).await?;
                crate::usecases::run_outcome::on_export_finished(&self.ports, &e.id).await?;
                return Ok(Handled::Done);
            }
            ExportStatus::Cancelling => {
                if let Some(wait) = self.held_by_other(&e, now) {
                    return Ok(Handled::Later(wait));
                }
                finish(&self.ports, &mut e, Ending::Cancelled).await?;
                crate::usecases::run_outcome::on_export_finished(&self.ports, &e.id).await?;
                return Ok(Handled::Done);
            }
            ExportStatus::Queued => {
                if let Some(holder) = self.ports.exports.acquire_slot(&e.report_id, &e.id).await? {
                    tracing::debug!(export_id = %e.id, running = %holder, "report busy; export waits");
                    return Ok(Handled::Later(SignedDuration::from_secs(5)));
                }
                e.status = ExportStatus::Running;
                e.started_at = Some(now);
            }
            _ => {
                if let Some(wait) = self.held_by_other(&e, now) {
                    return Ok(Handled::Later(wait));
                }
                tracing::info!(export_id = %e.id, previous = ?e.lease, "taking over export");
            }
        }
        e.lease = Some(self.lease_from(now));
        if !self.ports.exports.update_export(&mut e).await? {
            // Changed meanwhile. A cancel of the QUEUED export frees the slot
            // it held, which `acquire_slot` above may have taken again: an
            // ended export must not keep its report from running.
            if let Some(fresh) = self.ports.exports.get_export(export_id).await? {
                if fresh.status.is_terminal() {
                    self.ports.exports.release_slot(&fresh.report_id, &fresh.id).await?;
                }
            }
            return Ok(Handled::Later(SignedDuration::from_secs(1)));
        }
        let id = e.id.clone();
        match run_export(&self.ports, &self.worker_id, e).await {
            Ok(RunEnd::Finished) => {
                crate::usecases::run_outcome::on_export_finished(&self.ports, &id).await?;
                Ok(Handled::Done)
            }
            Ok(RunEnd::LeaseLost) => Ok(Handled::Done),
            Ok(RunEnd::BudgetSpent) => {
                self.release_lease(&id).await?;
                Ok(Handled::Continue)
            }
            Err(CoreError::Port(PortError::NoSpace(why))) => {
                // Out of space before the run had an upload to drop (see
                // `run::out_of_space` for the rest): fail, do not retry.
                tracing::error!(export_id = %id, error = %why, "out of space before the first part");
                if let Some(mut e) = self.ports.exports.get_export(&id).await? {
                    if !e.status.is_terminal() {
                        finish(&self.ports, &mut e, Ending::Failed(OUT_OF_SPACE.into())).await?;
                    }
                }
                crate::usecases::run_outcome::on_export_finished(&self.ports, &id).await?;
                Ok(Handled::Done)
            }
            Err(CoreError::Port(gone @ PortError::UploadGone { .. })) => {
                // The checkpoint names an upload the file store no longer has
                // (a worker died between completing it and saving the
                // export): the only safe way on is to write the file again.
                tracing::warn!(export_id = %id, error = %gone, "upload lost; restarting the export from zero");
                self.restart_from_zero(&id).await?;
                Ok(Handled::Later(SignedDuration::ZERO))
            }
            Err(err) => Err(err),
        }
    }

    async fn restart_from_zero(&self, id: &str) -> Result<(), CoreError> {
        if let Some(mut e) = self.ports.exports.get_export(id).await? {
            if e.status == ExportStatus::Running {
                e.checkpoint = None;
                e.progress.completed = 0;
                self.ports.exports.update_export(&mut e).await?;
            }
        }
        Ok(())
    }

    /// Gives up this worker's lease before the continuation is queued: on
    /// Lambda it may reach another container, which would otherwise wait
    /// for the lease to expire. A failed write means someone else wrote the
    /// export (a cancel): the continuation sees that.
    async fn release_lease(&self, id: &str) -> Result<(), CoreError> {
        if let Some(mut e) = self.ports.exports.get_export(id).await? {
            if e.lease.as_ref().is_some_and(|l| l.owner == self.worker_id) {
                e.lease = None;
                self.ports.exports.update_export(&mut e).await?;
            }
        }
        Ok(())
    }

    /// Some(wait) when another worker's lease on the export is still valid.
    fn held_by_other(&self, e: &Export, now: Timestamp) -> Option<SignedDuration> {
        let lease = e.lease.as_ref()?;
        (lease.owner != self.worker_id && lease.until > now)
            .then(|| lease.until.duration_since(now).max(SignedDuration::from_secs(1)))
    }

    fn lease_from(&self, now: Timestamp) -> Lease {
        Lease { owner: self.worker_id.clone(), until: now + self.ports.config.export.lease }
    }
}
