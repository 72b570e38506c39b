//! The export worker's step: take one job from the queue, claim the export's
//! lease (or wait for its holder), run it (`export_run`), then ack, delay or
//! hand the rest to a new job. Lambda calls `step` once per message; the local
//! runtime loops it; tests call it until `Empty` under a manual clock.

use jiff::{SignedDuration, Timestamp};

use crate::error::{CoreError, PortError};
use crate::model::export::{Export, ExportStatus, Lease};
use crate::ports::work_queue::Job;
use crate::usecases::export_run::{run_export, RunEnd};
use crate::Ports;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOutcome {
    /// No job was visible.
    Empty,
    /// A job was handled (finished, or put back for later).
    Worked,
    /// The step budget ran out; a job to continue from the checkpoint was queued.
    Continue,
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

    pub async fn step(&self) -> Result<StepOutcome, CoreError> {
        let visibility = self.ports.config.export.lease;
        let Some(received) = self.ports.export_queue.receive(visibility).await? else {
            return Ok(StepOutcome::Empty);
        };
        let Job::Export { export_id } = &received.job else {
            // Another queue's job sent here by mistake: keeping it would block nothing but itself.
            tracing::warn!(job = ?received.job, "not an export job; dropped");
            self.ports.export_queue.ack(&received.receipt).await?;
            return Ok(StepOutcome::Worked);
        };
        let handled = match self.work_on(export_id).await {
            Ok(h) => h,
            Err(err) => {
                // Store or file-store trouble: the job comes back and the
                // checkpoint keeps what was done.
                tracing::warn!(export_id = %export_id, error = %err, "export step failed; will retry");
                Handled::Later(SignedDuration::from_secs(5))
            }
        };
        match handled {
            Handled::Done => self.ports.export_queue.ack(&received.receipt).await?,
            Handled::Later(delay) => self.ports.export_queue.retry_later(&received.receipt, delay).await?,
            Handled::Continue => {
                self.ports.export_queue.enqueue(&received.job, SignedDuration::ZERO).await?;
                self.ports.export_queue.ack(&received.receipt).await?;
                return Ok(StepOutcome::Continue);
            }
        }
        Ok(StepOutcome::Worked)
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
                // have died before the run's deliveries were started.
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
            return Ok(Handled::Later(SignedDuration::from_secs(1)));
        }
        let id = e.id.clone();
        match run_export(&self.ports, &self.worker_id, e).await {
            Ok(RunEnd::Finished) => {
                crate::usecases::run_outcome::on_export_finished(&self.ports, &id).await?;
                Ok(Handled::Done)
            }
            Ok(RunEnd::LeaseLost) => Ok(Handled::Done),
            Ok(RunEnd::BudgetSpent) => Ok(Handled::Continue),
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
