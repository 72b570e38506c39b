//! Storage of schedule runs (the history), with the conditional write that
//! makes a scheduler firing idempotent: one run per occurrence date.

use async_trait::async_trait;

use crate::model::export::Export;
use crate::model::page::{Page, PageRequest};
use crate::model::schedule_run::ScheduleRun;
use crate::PortError;

#[async_trait]
pub trait ScheduleRunStore: Send + Sync {
    /// Atomically: if the schedule has no run for `run.occurrence_date`,
    /// stores the run and (when given) its export, and returns true; else
    /// writes nothing and returns false. A run without an occurrence date
    /// (run now) is always stored.
    async fn claim_run(&self, run: &ScheduleRun, export: Option<&Export>) -> Result<bool, PortError>;
    /// The run of an export.
    async fn run_of_export(&self, schedule_id: &str, export_id: &str) -> Result<Option<ScheduleRun>, PortError>;
    /// Writes `r` if the stored version equals `r.version`, then bumps it.
    async fn update_run(&self, r: &mut ScheduleRun) -> Result<bool, PortError>;
    /// A schedule's runs, newest first.
    async fn list_runs(&self, schedule_id: &str, page: &PageRequest) -> Result<Page<ScheduleRun>, PortError>;
}
