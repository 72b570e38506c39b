//! The retention sweeper: deletes the files of exports past their
//! `expiresAt` (a link destination may have pushed it later). The export
//! record stays; its download and its links answer 410 from then on. The
//! local runtime runs a step every minute; on AWS an S3 lifecycle rule does
//! the same work.

use crate::error::CoreError;
use crate::model::export::ExportStatus;
use crate::model::page::PageRequest;
use crate::ports::export_store::ExportFilter;
use crate::Ports;

/// Deletes every expired file; returns how many were deleted.
pub async fn sweep_expired_files(ports: &Ports) -> Result<usize, CoreError> {
    let now = ports.clock.now();
    let filter = ExportFilter { status: Some(ExportStatus::Completed), ..ExportFilter::default() };
    let mut page = PageRequest::first(500);
    let mut expired = Vec::new();
    loop {
        let found = ports.exports.list_exports(&filter, &page).await?;
        expired.extend(
            found
                .items
                .into_iter()
                .filter(|e| e.file_key.is_some() && e.expires_at.is_some_and(|t| t <= now))
                .map(|e| e.id),
        );
        match found.next_cursor {
            Some(c) => page.cursor = Some(c),
            None => break,
        }
    }
    let mut deleted = 0;
    for id in expired {
        if delete_expired_file(ports, &id).await? {
            deleted += 1;
        }
    }
    Ok(deleted)
}

/// Forgets the file first, then deletes it: a crash in between leaves an
/// unreferenced file, never a record pointing at nothing. Re-reads the
/// export, so a retention extended meanwhile is honoured.
async fn delete_expired_file(ports: &Ports, id: &str) -> Result<bool, CoreError> {
    for _ in 0..10 {
        let Some(mut e) = ports.exports.get_export(id).await? else { return Ok(false) };
        if e.expires_at.is_none_or(|t| t > ports.clock.now()) {
            return Ok(false);
        }
        let Some(key) = e.file_key.take() else { return Ok(false) };
        if ports.exports.update_export(&mut e).await? {
            ports.files.delete(&key).await?;
            tracing::info!(export_id = %id, "deleted a file past its retention");
            return Ok(true);
        }
    }
    Ok(false)
}
