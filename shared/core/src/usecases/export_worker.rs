//! The export worker's step: take one job from the queue, claim the export's
//! lease (or wait for its holder), run it (`export_run`), then ack, delay or
//! hand the rest to a new job. The local runtime loops `step` (receive +
//! `handle`); Lambda receives its messages in the SQS event and calls
//! `handle` once per message, and must know what became of the message
//! (`JobOutcome`) to tell the event source whether to delete it.
//!
//! A message that keeps failing must not end in the dead-letter queue with
//! its export left RUNNING: past `GIVE_UP_AFTER_RECEIVES` receives the export
//! is failed and the message acked (the queue's maxReceiveCount is set
//! higher). So that only failures count, benign waits (report busy, another
//! worker's lease) are re-queued as a new message once a job has been
//! received `REQUEUE_WAITS_AFTER_RECEIVES` times, which starts its count again.

use jiff::{SignedDuration, Timestamp};

use crate::error::{CoreError, PortError};
use crate::model::export::{Export, ExportStatus, Lease};
use crate::ports::work_queue::{Job, ReceivedJob};
use crate::usecases::export_run::{fail, run_export, RunEnd, OUT_OF_SPACE};
use crate::Ports;

/// Receives of one job after which its export (or delivery) is given up as
/// failed. The SQS queues' maxReceiveCount must be higher (the template uses 10).
pub const GIVE_UP_AFTER_RECEIVES: u32 = 8;

/// Receives after which a benign wait goes back as a new message rather than
/// `retry_later`, so waiting never counts towards `GIVE_UP_AFTER_RECEIVES`.
pub const REQUEUE_WAITS_AFTER_RECEIVES: u32 = 3;

/// Delay before a job whose step failed (store or file-store trouble) comes back.
const RETRY_AFTER_ERROR: SignedDuration = SignedDuration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOutcome {
    /// No job was visible.
    Empty,
    /// A job was handled (finished, or put back for later).
    Worked,
    /// The job's message is done and a new one carries the work on.
    Continue,
}

/// What became of one received job's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOutcome {
    /// Acked (deleted): the job is finished or was not for this worker.
    Done,
    /// Put back with `retry_later`: it comes back after a delay. A consumer
    /// that deletes what it handled (Lambda's SQS mapping) must leave it
    /// alone: report it as a batch item failure.
    Later,
    /// Acked, and a new job was queued to carry on: a continuation from the
    /// checkpoint when the step budget ran out, or a long wait re-queued.
    Continued,
}

impl From<JobOutcome> for StepOutcome {
    fn from(o: JobOutcome) -> Self {
        match o {
            JobOutcome::Done | JobOutcome::Later => StepOutcome::Worked,
            JobOutcome::Continued => StepOutcome::Continue,
        }
    }
}

/// What became of one job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Handled {
    Done,
    Later(SignedDuration),
    Continue,
}

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
        let queue = &self.ports.export_queue;
        let Job::Export { export_id } = &received.job else {
            // Another queue's job sent here by mistake: keeping it would block nothing but itself.
            tracing::warn!(job = ?received.job, "not an export job; dropped");
            queue.ack(&received.receipt).await?;
            return Ok(JobOutcome::Done);
        };
        if received.attempts > GIVE_UP_AFTER_RECEIVES {
            self.give_up(export_id, received.attempts).await?;
            queue.ack(&received.receipt).await?;
            return Ok(JobOutcome::Done);
        }
        let handled = match self.work_on(export_id).await {
            Ok(h) => h,
            Err(err) => {
                // Store or file-store trouble: the job comes back and the
                // checkpoint keeps what was done.
                tracing::warn!(export_id = %export_id, error = %err, attempts = received.attempts, "export step failed; will retry");
                queue.retry_later(&received.receipt, RETRY_AFTER_ERROR).await?;
                return Ok(JobOutcome::Later);
            }
        };
        match handled {
            Handled::Done => {
                queue.ack(&received.receipt).await?;
                Ok(JobOutcome::Done)
            }
            Handled::Later(delay) if received.attempts >= REQUEUE_WAITS_AFTER_RECEIVES => {
                queue.enqueue(&received.job, delay).await?;
                queue.ack(&received.receipt).await?;
                Ok(JobOutcome::Continued)
            }
            Handled::Later(delay) => {
                queue.retry_later(&received.receipt, delay).await?;
                Ok(JobOutcome::Later)
            }
            Handled::Continue => {
                queue.enqueue(&received.job, SignedDuration::ZERO).await?;
                queue.ack(&received.receipt).await?;
                Ok(JobOutcome::Continued)
            }
        }
    }

    /// The job came back too often (its runs crash, time out or fail):
    /// the export fails visibly instead of staying RUNNING for ever.
    async fn give_up(&self, export_id: &str, attempts: u32) -> Result<(), CoreError> {
        let Some(mut e) = self.ports.exports.get_export(export_id).await? else { return Ok(()) };
        match e.status {
            s if s.is_terminal() => {}
            ExportStatus::Cancelling => finish_cancel(&self.ports, &mut e).await?,
            _ => {
                tracing::error!(export_id, attempts, "export job keeps failing; giving up");
                let message = format!("the export was given up after {attempts} failed attempts");
                fail(&self.ports, &mut e, message).await?;
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
                finish_cancel(&self.ports, &mut e).await?;
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
                // `export_run::out_of_space` for the rest): fail, do not retry.
                tracing::error!(export_id = %id, error = %why, "out of space before the first part");
                if let Some(mut e) = self.ports.exports.get_export(&id).await? {
                    if !e.status.is_terminal() {
                        crate::usecases::export_run::fail(&self.ports, &mut e, OUT_OF_SPACE.into()).await?;
                    }
                }
                crate::usecases::run_outcome::on_export_finished(&self.ports, &id).await?;
                Ok(Handled::Done)
            }
            Err(CoreError::Port(PortError::NotFound(what))) if what.starts_with("upload") => {
                // The checkpoint names an upload the file store no longer has
                // (a worker died between completing it and saving the
                // export): the only safe way on is to write the file again.
                tracing::warn!(export_id = %id, %what, "upload lost; restarting the export from zero");
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

/// CANCELLING → CANCELLED: drops the partial upload, keeps `progress`, frees the report.
pub(crate) async fn finish_cancel(ports: &Ports, e: &mut Export) -> Result<(), CoreError> {
    loop {
        if let Some(cp) = e.checkpoint.take() {
            if let Some(key) = upload_key(e) {
                ports.files.abort_upload(&key, &cp.upload_id).await?;
            }
        }
        e.status = ExportStatus::Cancelled;
        e.completed_at = Some(ports.clock.now());
        e.lease = None;
        if ports.exports.update_export(e).await? {
            break;
        }
        match ports.exports.get_export(&e.id).await? {
            Some(fresh) if !fresh.status.is_terminal() => *e = fresh,
            _ => return Ok(()),
        }
    }
    ports.exports.release_slot(&e.report_id, &e.id).await?;
    Ok(())
}

/// Where an export's file lives in the file store.
pub(crate) fn upload_key(e: &Export) -> Option<String> {
    e.file_name.as_ref().map(|name| format!("exports/{}/{}", e.id, name))
}
