//! Start-up recovery for a runtime that owns its data exclusively (the local
//! binary holds a lock on its data dir): leases held by a previous process
//! are void, so its exports are taken over at once instead of after expiry.

use crate::error::CoreError;
use crate::model::export::ExportStatus;
use crate::model::page::PageRequest;
use crate::ports::export_store::ExportFilter;
use crate::Ports;

/// Clears the lease of every RUNNING or CANCELLING export; returns how many.
pub async fn release_stale_leases(ports: &Ports) -> Result<u64, CoreError> {
    let mut released = 0;
    for status in [ExportStatus::Running, ExportStatus::Cancelling] {
        let filter = ExportFilter { status: Some(status), ..Default::default() };
        let mut page = PageRequest::first(500);
        loop {
            let found = ports.exports.list_exports(&filter, &page).await?;
            for mut e in found.items {
                if e.lease.take().is_some() && ports.exports.update_export(&mut e).await? {
                    released += 1;
                }
            }
            match found.next_cursor {
                Some(c) => page.cursor = Some(c),
                None => break,
            }
        }
    }
    Ok(released)
}
