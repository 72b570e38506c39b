//! The export loop: read a page, format it, and each time a part's worth of
//! bytes is buffered upload it and save a checkpoint (source cursor, parts,
//! writer state, running SHA-256). Between pages it looks for a cancel and for
//! a lost lease. A worker that dies loses at most the rows after its last
//! checkpoint, which the next worker writes again: no row twice, none missing.

use std::io::Read;

use bytes::Bytes;
use jiff::{SignedDuration, Timestamp};

use crate::error::CoreError;
use crate::hashing::ResumableSha256;
use crate::model::export::{Checkpoint, Export, ExportStatus, Lease};
use crate::ports::format::FormatWriter;
use crate::usecases::export_plan::plan_export;
use crate::usecases::export_worker::{finish_cancel, upload_key};
use crate::Ports;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunEnd {
    /// COMPLETED, FAILED or CANCELLED.
    Finished,
    /// Another worker took the export over; it carries on.
    LeaseLost,
    /// The step budget ran out after a checkpoint.
    BudgetSpent,
}

/// Pages between progress writes when no part was uploaded meanwhile.
const PAGES_PER_PROGRESS_WRITE: u32 = 8;

struct Run<'a> {
    ports: &'a Ports,
    worker: &'a str,
    e: Export,
    key: String,
    upload_id: String,
    hasher: ResumableSha256,
}

pub(crate) async fn run_export(ports: &Ports, worker: &str, mut e: Export) -> Result<RunEnd, CoreError> {
    let started = ports.clock.now();
    let plan = match plan_export(ports, &mut e).await? {
        Ok(p) => p,
        Err(message) => return fail(ports, &mut e, message).await,
    };
    let resumable = plan.spec.format.resumable() && !plan.spec.compress;
    if !resumable {
        if let Some(cp) = e.checkpoint.take() {
            // XLSX and zip are assembled at the end: start again from zero.
            if let Some(key) = upload_key(&e) {
                ports.files.abort_upload(&key, &cp.upload_id).await?;
            }
            e.progress.completed = 0;
        }
    }
    let key = upload_key(&e).expect("plan sets the file name");
    let mut source = match ports.sources.open(plan.request).await {
        Ok(s) => s,
        Err(err) => return fail(ports, &mut e, err.to_string()).await,
    };
    if e.progress.total.is_none() {
        match source.total().await {
            Ok(t) => e.progress.total = t,
            Err(err) => return fail(ports, &mut e, err.to_string()).await,
        }
    }
    let resume_state = e.checkpoint.as_ref().and_then(|c| c.format_state.clone());
    let mut writer = match ports.formats.create(&plan.spec, resume_state.as_ref()) {
        Ok(w) => w,
        Err(err) => return fail(ports, &mut e, err.to_string()).await,
    };
    let (upload_id, hasher) = match &e.checkpoint {
        Some(cp) => (cp.upload_id.clone(), ResumableSha256::restore(&cp.sha256)),
        None => {
            let upload_id = ports.files.start_upload(&key).await?;
            e.checkpoint = Some(Checkpoint {
                upload_id: upload_id.clone(),
                parts: Vec::new(),
                source_cursor: None,
                format_state: writer.checkpoint_state(),
                rows: 0,
                bytes: 0,
                sha256: ResumableSha256::new().snapshot(),
            });
            (upload_id, ResumableSha256::new())
        }
    };
    let mut run = Run { ports, worker, e, key, upload_id, hasher };
    if let Some(end) = run.save().await? {
        return Ok(end);
    }
    let part_size = ports.config.export.part_size.max(ports.files.min_part_size());
    let mut buf: Vec<u8> = Vec::with_capacity(part_size + part_size / 4);
    let mut pages_since_write = 0u32;
    loop {
        if let Some(end) = run.check_interruptions().await? {
            return Ok(end);
        }
        let cursor = run.cp().source_cursor.clone();
        let page = match source.page(cursor.as_ref()).await {
            Ok(p) => p,
            Err(err) => return run.fail(err.to_string()).await,
        };
        if let Err(err) = writer.write_rows(&page.rows, &mut buf) {
            return run.fail(err.to_string()).await;
        }
        let rows = run.cp().rows + page.rows.len() as u64;
        let Some(next) = page.next else {
            run.cp_mut().rows = rows;
            return run.complete(writer, buf, plan.retention_days).await;
        };
        if resumable && buf.len() >= part_size {
            run.upload(&mut buf).await?;
            let state = writer.checkpoint_state();
            let cp = run.cp_mut();
            cp.source_cursor = Some(next);
            cp.rows = rows;
            cp.format_state = state;
            run.e.progress.completed = rows;
            if let Some(end) = run.save().await? {
                return Ok(end);
            }
            pages_since_write = 0;
            if let Some(budget) = ports.config.export.step_budget {
                if ports.clock.now().duration_since(started) >= budget {
                    return Ok(RunEnd::BudgetSpent);
                }
            }
        } else {
            // Not yet a part: the position stays in memory only (a dead
            // worker's successor starts from the last saved checkpoint).
            let cp = run.cp_mut();
            cp.source_cursor = Some(next);
            cp.rows = rows;
            pages_since_write += 1;
            if pages_since_write >= PAGES_PER_PROGRESS_WRITE {
                pages_since_write = 0;
                if let Some(end) = run.save_progress(rows).await? {
                    return Ok(end);
                }
            }
        }
    }
}

impl Run<'_> {
    fn cp(&self) -> &Checkpoint {
        self.e.checkpoint.as_ref().expect("a running export has a checkpoint")
    }

    fn cp_mut(&mut self) -> &mut Checkpoint {
        self.e.checkpoint.as_mut().expect("a running export has a checkpoint")
    }

    fn lease(&self, now: Timestamp) -> Lease {
        Lease { owner: self.worker.to_string(), until: now + self.ports.config.export.lease }
    }

    /// Uploads the buffer as the next part and feeds the hash.
    async fn upload(&mut self, buf: &mut Vec<u8>) -> Result<(), CoreError> {
        let number = self.cp().parts.len() as u32 + 1;
        self.hasher.update(buf);
        let data = Bytes::from(std::mem::take(buf));
        let len = data.len() as u64;
        let tag = self.ports.files.upload_part(&self.key, &self.upload_id, number, data).await?;
        let sha = self.hasher.snapshot();
        let cp = self.cp_mut();
        cp.parts.push(tag);
        cp.bytes += len;
        cp.sha256 = sha;
        Ok(())
    }

    /// Writes the export (checkpoint included) and renews the lease.
    async fn save(&mut self) -> Result<Option<RunEnd>, CoreError> {
        self.e.lease = Some(self.lease(self.ports.clock.now()));
        if self.ports.exports.update_export(&mut self.e).await? {
            return Ok(None);
        }
        self.on_conflict().await
    }

    /// Writes only `progress` and the lease: the stored checkpoint stays at the last uploaded part.
    async fn save_progress(&mut self, rows: u64) -> Result<Option<RunEnd>, CoreError> {
        let Some(mut stored) = self.ports.exports.get_export(&self.e.id).await? else {
            return Ok(Some(RunEnd::LeaseLost));
        };
        if stored.version != self.e.version {
            return self.on_conflict().await;
        }
        stored.progress.completed = rows;
        stored.lease = Some(self.lease(self.ports.clock.now()));
        if self.ports.exports.update_export(&mut stored).await? {
            self.e.version = stored.version;
            self.e.progress.completed = rows;
            self.e.lease = stored.lease;
            return Ok(None);
        }
        self.on_conflict().await
    }

    /// Someone else wrote the export: a cancel, or a worker that took it over.
    async fn on_conflict(&mut self) -> Result<Option<RunEnd>, CoreError> {
        let Some(mut fresh) = self.ports.exports.get_export(&self.e.id).await? else {
            return Ok(Some(RunEnd::LeaseLost));
        };
        if fresh.status == ExportStatus::Cancelling {
            fresh.progress.completed = fresh.progress.completed.max(self.cp().rows);
            // Parts uploaded after the stored checkpoint belong to this upload too.
            if fresh.checkpoint.is_none() {
                fresh.checkpoint = self.e.checkpoint.clone();
            }
            finish_cancel(self.ports, &mut fresh).await?;
            return Ok(Some(RunEnd::Finished));
        }
        let ours = fresh.lease.as_ref().is_some_and(|l| l.owner == self.worker);
        if fresh.status != ExportStatus::Running || !ours {
            tracing::info!(export_id = %self.e.id, "lease lost; leaving the export to its new worker");
            return Ok(Some(RunEnd::LeaseLost));
        }
        self.e.version = fresh.version;
        Ok(None)
    }

    /// Between pages: a cancel or a takeover shows as a newer stored version.
    async fn check_interruptions(&mut self) -> Result<Option<RunEnd>, CoreError> {
        match self.ports.exports.get_export(&self.e.id).await? {
            Some(stored) if stored.version == self.e.version => Ok(None),
            _ => self.on_conflict().await,
        }
    }

    async fn complete(
        mut self,
        writer: Box<dyn FormatWriter>,
        mut buf: Vec<u8>,
        retention_days: u32,
    ) -> Result<RunEnd, CoreError> {
        let tail = match writer.finish(&mut buf) {
            Ok(t) => t,
            Err(err) => return self.fail(err.to_string()).await,
        };
        let part_size = self.ports.config.export.part_size.max(self.ports.files.min_part_size());
        if let Some(mut reader) = tail {
            loop {
                if buf.len() < part_size {
                    let want = part_size - buf.len();
                    let got = (&mut reader).take(want as u64).read_to_end(&mut buf).map_err(|e| {
                        CoreError::Port(crate::PortError::Backend(format!("reading the assembled file: {e}")))
                    })?;
                    if got == 0 {
                        break;
                    }
                }
                if buf.len() >= part_size {
                    self.upload(&mut buf).await?;
                }
            }
        }
        if !buf.is_empty() || self.cp().parts.is_empty() {
            self.upload(&mut buf).await?;
        }
        let parts = self.cp().parts.clone();
        self.ports.files.complete_upload(&self.key, &self.upload_id, &parts).await?;
        let now = self.ports.clock.now();
        let cp = self.cp().clone();
        let e = &mut self.e;
        e.status = ExportStatus::Completed;
        e.completed_at = Some(now);
        e.rows = Some(cp.rows);
        e.bytes = Some(cp.bytes);
        e.sha256 = Some(self.hasher.finish_hex());
        e.progress.completed = cp.rows;
        e.progress.total = Some(cp.rows);
        e.file_key = Some(self.key.clone());
        e.expires_at = Some(now + SignedDuration::from_hours(24 * retention_days as i64));
        e.checkpoint = None;
        e.lease = None;
        if !self.ports.exports.update_export(&mut self.e).await? {
            // A cancel arrived after the last page: honour it, drop the file.
            let fresh = self.ports.exports.get_export(&self.e.id).await?;
            self.ports.files.delete(&self.key).await?;
            if let Some(mut fresh) = fresh.filter(|f| f.status == ExportStatus::Cancelling) {
                fresh.checkpoint = None;
                fresh.progress.completed = cp.rows;
                finish_cancel(self.ports, &mut fresh).await?;
                return Ok(RunEnd::Finished);
            }
            return Ok(RunEnd::LeaseLost);
        }
        self.ports.exports.release_slot(&self.e.report_id, &self.e.id).await?;
        tracing::info!(export_id = %self.e.id, rows = cp.rows, bytes = cp.bytes, "export completed");
        Ok(RunEnd::Finished)
    }

    async fn fail(mut self, message: String) -> Result<RunEnd, CoreError> {
        fail(self.ports, &mut self.e, message).await
    }
}

/// Marks an export FAILED with a message for the user, dropping its partial upload.
pub(crate) async fn fail(ports: &Ports, e: &mut Export, message: String) -> Result<RunEnd, CoreError> {
    tracing::warn!(export_id = %e.id, error = %message, "export failed");
    loop {
        if let (Some(cp), Some(key)) = (e.checkpoint.take(), upload_key(e)) {
            ports.files.abort_upload(&key, &cp.upload_id).await?;
        }
        e.status = ExportStatus::Failed;
        e.error = Some(message.clone());
        e.completed_at = Some(ports.clock.now());
        e.lease = None;
        if ports.exports.update_export(e).await? {
            break;
        }
        match ports.exports.get_export(&e.id).await? {
            Some(fresh) if !fresh.status.is_terminal() => *e = fresh,
            _ => return Ok(RunEnd::Finished),
        }
    }
    ports.exports.release_slot(&e.report_id, &e.id).await?;
    Ok(RunEnd::Finished)
}
