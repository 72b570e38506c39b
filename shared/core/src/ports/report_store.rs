//! Storage of reports.

use async_trait::async_trait;

use crate::model::page::{Page, PageRequest};
use crate::model::report::Report;
use crate::PortError;

#[async_trait]
pub trait ReportStore: Send + Sync {
    /// Stores a new report; `PortError::Conflict` when its id is taken.
    async fn insert_report(&self, r: &Report) -> Result<(), PortError>;
    /// The report with this id.
    async fn get_report(&self, id: &str) -> Result<Option<Report>, PortError>;
    /// Replaces a stored report; `PortError::NotFound` (and nothing
    /// created) when no report has its id.
    async fn update_report(&self, r: &Report) -> Result<(), PortError>;
    /// Deletes a report; false when it did not exist.
    async fn delete_report(&self, id: &str) -> Result<bool, PortError>;
    /// Reports in id order: all of them, or those `visible_to` may see (own and public).
    async fn list_reports(&self, visible_to: Option<&str>, page: &PageRequest) -> Result<Page<Report>, PortError>;
    /// Ids of the reports that use a connection.
    async fn reports_using_connection(&self, connection_id: &str) -> Result<Vec<String>, PortError>;
}
