//! Storage of exports, with the conditional writes their life cycle needs:
//! one active export per report (the report's "slot"), and versioned updates
//! so two workers never both win a lease.

use async_trait::async_trait;

use crate::model::export::{Export, ExportStatus};
use crate::model::page::{Page, PageRequest};
use crate::PortError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateOutcome {
    Created,
    /// The report's slot is held by this export; nothing was written.
    SlotBusy(String),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportFilter {
    pub created_by: Option<String>,
    pub status: Option<ExportStatus>,
    pub report_id: Option<String>,
    pub schedule_id: Option<String>,
}

impl ExportFilter {
    /// The values that select the list's items, for its page cursors: a
    /// cursor of one filter is refused by another.
    pub fn cursor_scope(&self) -> [&str; 4] {
        [
            self.created_by.as_deref().unwrap_or(""),
            self.status.map_or("", |st| st.as_str()),
            self.report_id.as_deref().unwrap_or(""),
            self.schedule_id.as_deref().unwrap_or(""),
        ]
    }
}

#[async_trait]
pub trait ExportStore: Send + Sync {
    /// Stores a new export; with `take_slot`, atomically only if the report's
    /// slot is free, and then the export holds it.
    async fn create_export(&self, e: &Export, take_slot: bool) -> Result<CreateOutcome, PortError>;
    /// The export with this id.
    async fn get_export(&self, id: &str) -> Result<Option<Export>, PortError>;
    /// Writes `e` if the stored version equals `e.version`, then bumps
    /// `e.version`. False (and nothing written) when someone else wrote first.
    async fn update_export(&self, e: &mut Export) -> Result<bool, PortError>;
    /// Exports matching the filter, newest first.
    async fn list_exports(&self, filter: &ExportFilter, page: &PageRequest) -> Result<Page<Export>, PortError>;
    /// QUEUED, RUNNING and CANCELLING exports whose report belongs to `owner`.
    async fn count_active_exports(&self, owner: &str) -> Result<u64, PortError>;
    /// Takes the report's slot for `export_id`. None when taken (or already
    /// held by it); Some(holder) when another export holds it.
    async fn acquire_slot(&self, report_id: &str, export_id: &str) -> Result<Option<String>, PortError>;
    /// Frees the report's slot if `export_id` holds it.
    async fn release_slot(&self, report_id: &str, export_id: &str) -> Result<(), PortError>;
}
