//! How a run ends when the file is done: the last part, the parts listed
//! back from the store, and the export marked COMPLETED (or CANCELLED, when a
//! cancel came after the last page); or, on a full disk, FAILED at once.

use futures::channel::mpsc;
use jiff::SignedDuration;

use super::{fail, Run, RunEnd, OUT_OF_SPACE};
use crate::error::{CoreError, PortError};
use crate::model::export::{ExportStatus, PartTag};
use crate::usecases::exports::finish::{finish, Ending};
use crate::Ports;

impl Run<'_> {
    pub(super) async fn complete(
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
        if let Some(cap) = self.row_cap.filter(|cap| cp.rows > *cap) {
            e.warnings.push(left_out_warning(cp.rows, cap));
        }
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
        // The Lambdas' log layer turns `ferry_outcome` events into a metric (functions/lambda/src/logs.rs).
        tracing::info!(target: "ferry_outcome", kind = "export", outcome = "COMPLETED", export_id = %self.e.id, rows = cp.rows, bytes = cp.bytes, "export completed");
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
}

/// What an export whose file holds fewer rows than were read says.
fn left_out_warning(rows: u64, cap: u64) -> String {
    format!(
        "the PDF holds the first {cap} of {rows} rows ({} left out, maxRows {cap}); \
         export as CSV or XLSX for every row",
        rows - cap
    )
}

/// A full disk (the file store's, or the state store's) stops the export:
/// retrying cannot help until someone frees space, so it fails now, and
/// dropping its partial upload first frees some for the write that says so.
pub(super) async fn out_of_space(
    ports: &Ports,
    id: &str,
    key: &str,
    upload_id: &str,
    why: &str,
) -> Result<RunEnd, CoreError> {
    tracing::error!(export_id = %id, error = %why, "out of space");
    ports.files.abort_upload(key, upload_id).await?;
    match ports.exports.get_export(id).await? {
        Some(mut e) if !e.status.is_terminal() => fail(ports, &mut e, OUT_OF_SPACE.into()).await,
        _ => Ok(RunEnd::Finished),
    }
}
