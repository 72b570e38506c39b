//! Ending an export without a file: FAILED with a message for the user, or
//! CANCELLED. Either way the partial upload is dropped, `progress` is kept and
//! the report's slot is freed. A write that loses to another writer is tried
//! again on the fresh record, until the export has ended.

use crate::error::CoreError;
use crate::model::export::{Export, ExportStatus};
use crate::Ports;

/// How an export ends without a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ending {
    /// FAILED, with what the user reads.
    Failed(String),
    /// CANCELLING → CANCELLED.
    Cancelled,
}

pub(crate) async fn finish(ports: &Ports, e: &mut Export, ending: Ending) -> Result<(), CoreError> {
    if let Ending::Failed(message) = &ending {
        tracing::warn!(export_id = %e.id, error = %message, "export failed");
    }
    loop {
        if let (Some(cp), Some(key)) = (e.checkpoint.take(), e.upload_key()) {
            ports.files.abort_upload(&key, &cp.upload_id).await?;
        }
        match &ending {
            Ending::Failed(message) => {
                e.status = ExportStatus::Failed;
                e.error = Some(message.clone());
            }
            Ending::Cancelled => e.status = ExportStatus::Cancelled,
        }
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
    tracing::info!(target: "ferry_outcome", kind = "export", outcome = e.status.as_str(), export_id = %e.id, "export ended");
    Ok(())
}
