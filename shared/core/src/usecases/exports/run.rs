//! The export loop: pages are read and formatted by the stages of
//! `pipeline`, and each time a part's worth of bytes is ready the run
//! uploads it and saves a checkpoint (source cursor, part count, writer
//! state, running SHA-256); completing lists the parts back from the store. After every page it looks for a cancel and for a lost
//! lease; between pages the `heartbeat` keeps the lease, the progress and
//! the checkpoints coming however slow the source. A worker that dies loses at most the rows after its last
//! checkpoint, which the next worker writes again: no row twice, none missing.

use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use bytes::Bytes;
use futures::channel::mpsc;
use futures::future::{self, Either};
use futures::StreamExt;
use jiff::{SignedDuration, Timestamp};

mod ending;
mod opening;

use super::finish::{finish, Ending};
use super::heartbeat::{self, Opening};
use super::pipeline::{self, Formatted, PartRules, Pipeline, Position, Resume};
use super::plan::plan_export;
use crate::content_hash::encode_header;
use crate::error::{CoreError, PortError};
use crate::hashing::ResumableSha256;
use crate::model::export::{Checkpoint, Export, ExportStatus, Lease, RowSummary};
use crate::ports::source::{Activity, SourceActivity};
use crate::usecases::job_stop::Stop;
use crate::Ports;
use ending::out_of_space;
use opening::{prepare, stalled_opening, Prepared};

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

/// The code an export or a delivery ends with when it made no progress for `stallMinutes`.
pub(crate) const STALLED: &str = "stalled";

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
    /// The most rows the file holds (a PDF's `maxRows`); more rows read make a warning.
    row_cap: Option<u64>,
    /// The column headers, for the summary of the first rows.
    headers: Vec<String>,
    /// Asks the format stage to cut a part (and so a checkpoint) at the next page.
    checkpoint_wanted: Arc<AtomicBool>,
    /// When the source last gave rows (clock port), and how long it may not.
    moved_at: Timestamp,
    stall_after: SignedDuration,
    activity: SourceActivity,
}

pub(crate) async fn run_export(ports: &Ports, worker: &str, mut e: Export) -> Result<RunEnd, CoreError> {
    let started = ports.clock.now();
    let plan = match plan_export(ports, &mut e).await {
        Ok(plan) => plan,
        Err(Stop::Refused(message)) => return fail(ports, &mut e, message).await,
        Err(Stop::Store(err)) => return Err(err),
    };
    let (id, version) = (e.id.clone(), e.version);
    let (activity, stall_after) = (plan.request.activity.clone(), plan.stall_after);
    let opening = prepare(ports, &mut e, plan);
    let prepared = match heartbeat::keeping_lease(ports, worker, (&id, version), stall_after, opening).await? {
        Opening::Done(prepared, renewed) => {
            if let Some(renewed) = renewed {
                e.version = renewed.version;
                e.lease = Some(renewed.lease);
            }
            prepared
        }
        Opening::Stalled(still) => return stalled_opening(ports, &id, still, &activity).await,
    };
    let Prepared { source, writer, resumable, retention_days, headers, row_cap } = match prepared {
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
                pending: None,
            });
            (upload_id, ResumableSha256::new(), Some(content))
        }
    };
    let formatted_rows = e.checkpoint.as_ref().map_or(0, |cp| cp.rows);
    let checkpoint_wanted = Arc::new(AtomicBool::new(false));
    let mut run = Run {
        ports,
        worker,
        e,
        key,
        upload_id,
        formatted_rows,
        row_cap,
        headers,
        checkpoint_wanted: checkpoint_wanted.clone(),
        moved_at: started,
        stall_after,
        activity,
    };
    if let Some(end) = run.save().await? {
        return Ok(end);
    }
    let part_size = ports.config.export.part_size.max(ports.files.min_part_size());
    let pending = match run.cp().pending.as_deref().map(|p| BASE64.decode(p)) {
        None => Vec::new(),
        Some(Ok(bytes)) => bytes,
        Some(Err(_)) => {
            return fail(ports, &mut run.e, "the export's saved position is damaged; start it again".into()).await
        }
    };
    let at = Position { cursor: run.cp().source_cursor.clone(), rows: run.cp().rows, hasher, content, pending };
    let rules = PartRules { part_size, resumable, min_part: ports.files.min_part_size(), checkpoint_wanted };
    let Pipeline { mut formatted, free_parts, pump } = pipeline::start(source, writer, rules, at)
        .map_err(|e| CoreError::Port(PortError::backend_in("starting the format thread", e)))?;
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
        let mut ticks = heartbeat::ticks(self.ports.config.export.heartbeat);
        loop {
            let next = match future::select(formatted.next(), ticks.next()).await {
                Either::Left((next, _)) => next,
                Either::Right(_) => {
                    if let Some(end) = self.beat().await? {
                        return Ok(end);
                    }
                    continue;
                }
            };
            let Some(message) = next else {
                return Err(CoreError::Port(PortError::backend("the format thread stopped unexpectedly")));
            };
            match message {
                Formatted::Page { rows } => {
                    self.formatted_rows = rows;
                    self.moved_at = self.ports.clock.now();
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
                    self.moved_at = self.ports.clock.now();
                    self.upload(data, free_parts).await?;
                    self.cp_mut().sha256 = sha256;
                    self.cp_mut().content_sha256 = content_sha256;
                    self.cp_mut().pending = None;
                    let Some(resume) = resume else { continue };
                    if let Some(end) = self.checkpoint(resume, rows, started).await? {
                        return Ok(end);
                    }
                    pages_since_write = 0;
                }
                Formatted::Pending { data, rows, resume, content_sha256 } => {
                    self.formatted_rows = rows;
                    self.moved_at = self.ports.clock.now();
                    self.cp_mut().content_sha256 = content_sha256;
                    self.cp_mut().pending = Some(BASE64.encode(&data));
                    if let Some(end) = self.checkpoint(resume, rows, started).await? {
                        return Ok(end);
                    }
                    pages_since_write = 0;
                }
                Formatted::Done { rows, sha256, content_sha256 } => {
                    self.cp_mut().rows = rows;
                    return self.complete(free_parts, retention_days, sha256, content_sha256).await;
                }
                // Saved with the next checkpoint or the finished export.
                Formatted::Summary(rows) => {
                    self.e.summary = Some(RowSummary { columns: self.headers.clone(), rows });
                }
                Formatted::Failed(message) => return self.fail(message).await,
            }
        }
    }

    /// Saves the checkpoint at `resume` (after `rows`); ends the step when its budget is spent.
    async fn checkpoint(&mut self, resume: Resume, rows: u64, started: Timestamp) -> Result<Option<RunEnd>, CoreError> {
        let cp = self.cp_mut();
        cp.source_cursor = Some(resume.cursor);
        cp.rows = rows;
        cp.format_state = resume.format_state;
        self.e.progress.completed = rows;
        if let Some(end) = self.save().await? {
            return Ok(Some(end));
        }
        if let Some(budget) = self.ports.config.export.step_budget {
            if self.ports.clock.now().duration_since(started) >= budget {
                return Ok(Some(RunEnd::BudgetSpent));
            }
        }
        Ok(None)
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

    /// A heartbeat: renews the lease and writes the progress (noticing a
    /// cancel or a takeover), and asks for a checkpoint at the next page.
    async fn beat(&mut self) -> Result<Option<RunEnd>, CoreError> {
        let still = self.ports.clock.now().duration_since(self.moved_at);
        if still >= self.stall_after {
            let message = stalled_message(still, &self.activity.get());
            tracing::error!(export_id = %self.e.id, %message, "export stalled");
            self.ports.files.abort_upload(&self.key, &self.upload_id).await?;
            let Some(mut e) = self.ports.exports.get_export(&self.e.id).await? else {
                return Ok(Some(RunEnd::LeaseLost));
            };
            if e.status.is_terminal() {
                return Ok(Some(RunEnd::Finished));
            }
            return fail(self.ports, &mut e, message).await.map(Some);
        }
        self.checkpoint_wanted.store(true, Ordering::Release);
        self.save_progress(self.formatted_rows).await
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

    async fn fail(mut self, message: String) -> Result<RunEnd, CoreError> {
        fail(self.ports, &mut self.e, message).await
    }
}

/// The error of a stalled export: `stalled`, how long, and where.
fn stalled_message(still: SignedDuration, a: &Activity) -> String {
    let minutes = still.as_secs() / 60;
    let source = a.source.as_deref().unwrap_or("the source");
    let request = a.request.as_deref().unwrap_or("none");
    let answer = a.answer.as_deref().filter(|s| !s.is_empty()).unwrap_or("none yet");
    format!(
        "{STALLED}: no progress for {minutes} minutes reading {source}; last request: {request}; last answer: {answer}"
    )
}

/// Marks an export FAILED with a message for the user, dropping its partial upload.
pub(crate) async fn fail(ports: &Ports, e: &mut Export, message: String) -> Result<RunEnd, CoreError> {
    finish(ports, e, Ending::Failed(message)).await?;
    Ok(RunEnd::Finished)
}
