//! Abandoned uploads: a multipart upload that no live export will complete
//! or abort (its worker died before saving it, or lost the export to a
//! cancel) would keep its parts for ever. The sweeper aborts those older than
//! a day whose export has ended or has moved on to another upload. S3's
//! lifecycle rule is a second net on AWS; locally this is the only one.

use jiff::SignedDuration;

use crate::error::CoreError;
use crate::Ports;

/// How old an open upload must be before the sweeper looks at it: far past
/// any gap between a worker's checkpoints, so a running export is never touched.
pub const ABANDONED_AFTER: SignedDuration = SignedDuration::from_hours(24);

/// Aborts every abandoned export upload; returns how many.
pub async fn sweep_abandoned_uploads(ports: &Ports) -> Result<usize, CoreError> {
    let before = ports.clock.now() - ABANDONED_AFTER;
    let mut aborted = 0;
    for upload in ports.files.open_uploads("exports/", before).await? {
        let export_id = upload.key.strip_prefix("exports/").and_then(|rest| rest.split('/').next()).unwrap_or_default();
        let export = ports.exports.get_export(export_id).await?;
        let in_use = export.is_some_and(|e| {
            !e.status.is_terminal() && e.checkpoint.as_ref().is_none_or(|cp| cp.upload_id == upload.upload_id)
        });
        if in_use {
            continue;
        }
        ports.files.abort_upload(&upload.key, &upload.upload_id).await?;
        tracing::info!(key = %upload.key, upload_id = %upload.upload_id, "aborted an abandoned upload");
        aborted += 1;
    }
    Ok(aborted)
}
