//! The export loop: pages are read and formatted by the stages of
//! `pipeline`, and each time a part's worth of bytes is ready the run
//! uploads it and saves a checkpoint (source cursor, part count, writer
//! state, running SHA-256); completing lists the parts back from the store. After every page it looks for a cancel and for a lost
//! lease. A worker that dies loses at most the rows after its last
//! checkpoint, which the next worker writes again: no row twice, none missing.

use std::pin::pin;

use bytes::Bytes;
use futures::channel::mpsc;
use futures::future::{self, Either};
use futures::StreamExt;
use jiff::{SignedDuration, Timestamp};

use super::finish::{finish, Ending};
use super::pipeline::{self, Formatted, PartRules, Pipeline, Position};
use super::plan::plan_export;
use crate::content_hash::encode_header;
use crate::error::{CoreError, PortError};
use crate::hashing::ResumableSha256;
use crate::model::export::{Checkpoint, Export, ExportStatus, Lease, PartTag};
use crate::ports::format::FormatWriter;
use crate::ports::source::RowSource;
use crate::usecases::job_stop::Stop;
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

/// What a user reads on an export that filled the file store's disk.
pub(crate) const OUT_OF_SPACE: &str = "Ferry's storage ran out of space while writing the file, so nothing was kept; \
     free some space (or ask an admin to) and start the export again";

/// Pages between progress writes when no part was uploaded meanwhile.
const PAGES_PER_PROGRESS_WRITE: u32 = 8;

struct Run<'a> {
    ports: &'a Ports,
    worker: &'a str,
    e: Export,
    key: String,
    upload_id: String,
    /// Rows formatted so far: ahead of the checkpoint, which follows uploads.
    formatted_rows: u64,
}

pub(crate) async fn run_export(ports: &Ports, worker: &str, mut e: Export) -> Result<RunEnd, CoreError> {
    let started = ports.clock.now();
    let Prepared { source, writer, resumable, retention_days, headers } = match prepare(ports, &mut e).await {
        Ok(p) => p,
        Err(Stop::Refused(message)) => return fail(ports, &mut e, message).await,
        Err(Stop::Store(err)) => return Err(err),
    };
    let key = e.upload_key().expect("plan sets the file name");
    let (upload_id, hasher, content) = match &e.checkpoint {
        Some(cp) => (
            cp.upload_id.clone(),
            ResumableSha256::restore(&cp.sha256),
            cp.content_sha256.as_ref().map(ResumableSha256::restore),
        ),
        None => {
            let upload_id = ports.files.start_upload(&key).await?;
            let mut content = ResumableSha256::new();
            let mut header = Vec::new();
            encode_header(&headers, &mut header);
            content.update(&header);
            e.checkpoint = Some(Checkpoint {
                upload_id: upload_id.clone(),
                parts: 0,
                source_cursor: None,
                format_state: writer.checkpoint_state(),
                rows: 0,
                bytes: 0,
                sha256: ResumableSha256::new().snapshot(),
                content_sha256: Some(content.snapshot()),
            });
            (upload_id, ResumableSha256::new(), Some(content))
        }
    };
    let formatted_rows = e.checkpoint.as_ref().map_or(0, |cp| cp.rows);
    let mut run = Run { ports, worker, e, key, upload_id, formatted_rows };
    if let Some(end) = run.save().await? {
        return Ok(end);
    }
    let part_size = ports.config.export.part_size.max(ports.files.min_part_size());
    let at = Position { cursor: run.cp().source_cursor.clone(), rows: run.cp().rows, hasher, content };
    let rules = PartRules { part_size, resumable };
    let Pipeline { mut formatted, free_parts, pump } = pipeline::start(source, writer, rules, at)
        .map_err(|e| CoreError::Port(PortError::backend(format!("starting the format thread: {e}"))))?;
    // The pump reads pages on this task while the run uploads; when the run
    // ends, dropping the channels stops the pump and the format thread.
    let (export_id, key, upload_id) = (run.e.id.clone(), run.key.clone(), run.upload_id.clone());
    let consume = pin!(run.consume(&mut formatted, &free_parts, started, retention_days));
    let end = match future::select(consume, pump).await {
        Either::Left((end, _)) => end,
        Either::Right(((), consume)) => consume.await,
    };
    match end {
        Err(CoreError::Port(PortError::NoSpace(why))) => out_of_space(ports, &export_id, &key, &upload_id, &why).await,
        other => other,
    }
}

/// A full disk (the file store's, or the state store's) stops the export:
/// retrying cannot help until someone frees space, so it fails now, and
/// dropping its partial upload first frees some for the write that says so.
async fn out_of_space(ports: &Ports, id: &str, key: &str, upload_id: &str, why: &str) -> Result<RunEnd, CoreError> {
    tracing::error!(export_id = %id, error = %why, "out of space");
    ports.files.abort_upload(key, upload_id).await?;
    match ports.exports.get_export(id).await? {
        Some(mut e) if !e.status.is_terminal() => fail(ports, &mut e, OUT_OF_SPACE.into()).await,
        _ => Ok(RunEnd::Finished),
    }
}

/// What a run needs before its first row, opened.
struct Prepared {
    source: Box<dyn RowSource>,
    writer: Box<dyn FormatWriter>,
    resumable: bool,
    retention_days: u32,
    /// The column headers, the start of the content hash.
    headers: Vec<String>,
}

/// Plans the export and opens its source and writer; a refusal fails the export.
async fn prepare(ports: &Ports, e: &mut Export) -> Result<Prepared, Stop> {
    let plan = plan_export(ports, e).await?;
    let resumable = plan.spec.format.resumable() && !plan.spec.compress;
    if !resumable {
        if let Some(cp) = e.checkpoint.take() {
            // XLSX and zip are assembled at the end: start again from zero.
            if let Some(key) = e.upload_key() {
                ports.files.abort_upload(&key, &cp.upload_id).await?;
            }
            e.progress.completed = 0;
        }
    }
    let mut source = ports.sources.open(plan.request).await.map_err(Stop::refused)?;
    let mut spec = plan.spec;
    if let Some(headers) = source.headers() {
        spec.headers = headers;
    }
    if e.progress.total.is_none() {
        e.progress.total = source.total().await.map_err(Stop::refused)?;
    }
    let resume_state = e.checkpoint.as_ref().and_then(|c| c.format_state.clone());
    let writer = match &plan.dataset {
        Some(layout) => ports.formats.create_dataset(layout, resume_state.as_ref()),
        None => ports.formats.create(&spec, resume_state.as_ref()),
    }
    .map_err(Stop::refused)?;
    Ok(Prepared { source, writer, resumable, retention_days: plan.retention_days, headers: spec.headers })
}

impl Run<'_> {
    /// Uploads and checkpoints what the format thread sends until the file
    /// is complete, the export is interrupted, or the step budget is spent.
    async fn consume(
        mut self,
        formatted: &mut mpsc::UnboundedReceiver<Formatted>,
        free_parts: &mpsc::UnboundedSender<Vec<u8>>,
        started: Timestamp,
        retention_days: u32,
    ) -> Result<RunEnd, CoreError> {
        let mut pages_since_write = 0u32;
        loop {
            let Some(message) = formatted.next().await else {
                return Err(CoreError::Port(PortError::backend("the format thread stopped unexpectedly")));
            };
            match message {
                Formatted::Page { rows } => {
                    self.formatted_rows = rows;
                    if let Some(end) = self.check_interruptions().await? {
                        return Ok(end);
                    }
                    // Not yet a part: the position stays in memory only (a
                    // dead worker's successor starts from the last checkpoint).
                    pages_since_write += 1;
                    if pages_since_write >= PAGES_PER_PROGRESS_WRITE {
                        pages_since_write = 0;
                        if let Some(end) = self.save_progress(rows).await? {
                            return Ok(end);
                        }
                    }
                }
                Formatted::Part { data, rows, resume, sha256, content_sha256 } => {
                    self.formatted_rows = rows;
                    self.upload(data, free_parts).await?;
                    self.cp_mut().sha256 = sha256;
                    self.cp_mut().content_sha256 = content_sha256;
                    let Some(resume) = resume else { continue };
                    let cp = self.cp_mut();
                    cp.source_cursor = Some(resume.cursor);
                    cp.rows = rows;
                    cp.format_state = resume.format_state;
                    self.e.progress.completed = rows;
                    if let Some(end) = self.save().await? {
                        return Ok(end);
                    }
                    pages_since_write = 0;
                    if let Some(budget) = self.ports.config.export.step_budget {
                        if self.ports.clock.now().duration_since(started) >= budget {
                            return Ok(RunEnd::BudgetSpent);
                        }
                    }
                }
                Formatted::Done { rows, sha256, content_sha256 } => {
                    self.cp_mut().rows = rows;
                    return self.complete(free_parts, retention_days, sha256, content_sha256).await;
                }
                Formatted::Failed(message) => return self.fail(message).await,
            }
        }
    }

    fn cp(&self) -> &Checkpoint {
        self.e.checkpoint.as_ref().expect("a running export has a checkpoint")
    }

    fn cp_mut(&mut self) -> &mut Checkpoint {
        self.e.checkpoint.as_mut().expect("a running export has a checkpoint")
    }

    fn lease(&self, now: Timestamp) -> Lease {
        Lease { owner: self.worker.to_string(), until: now + self.ports.config.export.lease }
    }

    /// Uploads the buffer as the next part, then hands the buffer back to
    /// the format thread.
    async fn upload(&mut self, buf: Vec<u8>, free_parts: &mpsc::UnboundedSender<Vec<u8>>) -> Result<(), CoreError> {
        let number = self.cp().parts + 1;
        let data = Bytes::from(buf);
        let len = data.len() as u64;
        self.ports.files.upload_part(&self.key, &self.upload_id, number, data.clone()).await?;
        // Unless the store kept the bytes, the allocation is ours again.
        let _ = free_parts.unbounded_send(data.try_into_mut().map(Vec::from).unwrap_or_default());
        let cp = self.cp_mut();
        cp.parts = number;
        cp.bytes += len;
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
            fresh.progress.completed = fresh.progress.completed.max(self.formatted_rows);
            // The stored export may not know this run's upload yet (a cancel
            // before the first save stores neither its checkpoint nor its
            // file name): drop it by what the run holds.
            self.ports.files.abort_upload(&self.key, &self.upload_id).await?;
            finish(self.ports, &mut fresh, Ending::Cancelled).await?;
            return Ok(Some(RunEnd::Finished));
        }
        let ours = fresh.lease.as_ref().is_some_and(|l| l.owner == self.worker);
        if fresh.status != ExportStatus::Running || !ours {
            if fresh.checkpoint.as_ref().is_none_or(|cp| cp.upload_id != self.upload_id) {
                // Nobody carries on with this run's upload: the export ended,
                // or its new worker writes its own.
                self.ports.files.abort_upload(&self.key, &self.upload_id).await?;
            }
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
        free_parts: &mpsc::UnboundedSender<Vec<u8>>,
        retention_days: u32,
        sha256: String,
        content_sha256: Option<String>,
    ) -> Result<RunEnd, CoreError> {
        if self.cp().parts == 0 {
            // An empty file is still one (empty) part.
            self.upload(Vec::new(), free_parts).await?;
        }
        let parts = self.counted_parts().await?;
        self.ports.files.complete_upload(&self.key, &self.upload_id, &parts).await?;
        let now = self.ports.clock.now();
        let cp = self.cp().clone();
        let e = &mut self.e;
        e.status = ExportStatus::Completed;
        e.completed_at = Some(now);
        e.rows = Some(cp.rows);
        e.bytes = Some(cp.bytes);
        e.sha256 = Some(sha256);
        e.content_sha256 = content_sha256;
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
                finish(self.ports, &mut fresh, Ending::Cancelled).await?;
                return Ok(RunEnd::Finished);
            }
            return Ok(RunEnd::LeaseLost);
        }
        self.ports.exports.release_slot(&self.e.report_id, &self.e.id).await?;
        tracing::info!(export_id = %self.e.id, rows = cp.rows, bytes = cp.bytes, "export completed");
        Ok(RunEnd::Finished)
    }

    /// The tags of parts 1..=n the checkpoint counts, listed from the store.
    /// A higher-numbered part is a leftover of a worker that died between
    /// uploading it and checkpointing: not part of the file.
    async fn counted_parts(&self) -> Result<Vec<PartTag>, CoreError> {
        let count = self.cp().parts;
        let mut parts = self.ports.files.list_parts(&self.key, &self.upload_id).await?;
        parts.retain(|p| p.number <= count);
        if parts.len() != count as usize || parts.iter().zip(1..).any(|(p, n)| p.number != n) {
            let listed = parts.len();
            return Err(CoreError::Port(PortError::backend(format!(
                "upload {} lists {listed} of its {count} checkpointed parts",
                self.upload_id
            ))));
        }
        Ok(parts)
    }

    async fn fail(mut self, message: String) -> Result<RunEnd, CoreError> {
        fail(self.ports, &mut self.e, message).await
    }
}

/// Marks an export FAILED with a message for the user, dropping its partial upload.
pub(crate) async fn fail(ports: &Ports, e: &mut Export, message: String) -> Result<RunEnd, CoreError> {
    finish(ports, e, Ending::Failed(message)).await?;
    Ok(RunEnd::Finished)
}
