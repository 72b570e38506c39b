//! Storage of schedules.

use async_trait::async_trait;
use jiff::Timestamp;

use crate::model::page::{Page, PageRequest};
use crate::model::schedule::Schedule;
use crate::PortError;

#[async_trait]
pub trait ScheduleStore: Send + Sync {
    /// Stores a new schedule.
    async fn insert_schedule(&self, s: &Schedule) -> Result<(), PortError>;
    /// The schedule with this id.
    async fn get_schedule(&self, id: &str) -> Result<Option<Schedule>, PortError>;
    /// Writes `s` if the stored version equals `s.version`, then bumps
    /// `s.version`. False (nothing written) when someone else wrote first.
    async fn update_schedule(&self, s: &mut Schedule) -> Result<bool, PortError>;
    /// Deletes a schedule; false when it did not exist.
    async fn delete_schedule(&self, id: &str) -> Result<bool, PortError>;
    /// Schedules in id order: all, or those owned by `owner`.
    async fn list_schedules(&self, owner: Option<&str>, page: &PageRequest) -> Result<Page<Schedule>, PortError>;
    /// Ids of the schedules of a report.
    async fn schedules_using_report(&self, report_id: &str) -> Result<Vec<String>, PortError>;
    /// Unpaused schedules whose `next_run_at` is at or before `now`, soonest first.
    async fn due_schedules(&self, now: Timestamp, limit: u32) -> Result<Vec<Schedule>, PortError>;
}
