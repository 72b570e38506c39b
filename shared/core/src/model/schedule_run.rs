//! One run of a schedule in its history: an occurrence that fired (or was
//! missed) or a "run now", with its export's outcome.

use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::export::Trigger;
use super::schedule::RunStatus;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleRun {
    /// Time-sortable; the history is listed newest first by it.
    pub id: String,
    pub schedule_id: String,
    /// The occurrence's local date: at most one run per date (run-now has none).
    pub occurrence_date: Option<Date>,
    pub export_id: Option<String>,
    pub trigger: Trigger,
    pub scheduled_for: Option<Timestamp>,
    pub status: RunStatus,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
    pub rows: Option<u64>,
    pub bytes: Option<u64>,
    pub error: Option<String>,
    pub version: u64,
}
