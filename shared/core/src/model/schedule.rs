//! Schedules: when a report runs (a recurrence in a time zone) and where its
//! files go, with the bookkeeping that pauses a schedule that keeps failing.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::deliver_when::{DeliverWhen, DeliveredContent};
use super::destination::Destination;
use crate::recurrence::RecurrenceInput;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RunAs {
    /// With the report owner's connection.
    #[default]
    Owner,
    /// With the site connection of the same kind (admin setting `allowAppPermissions`).
    App,
}

/// A date range computed in the schedule's zone at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DateRange {
    PreviousDay,
    PreviousWeek,
    PreviousMonth,
    MonthToDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PausedReason {
    Manual,
    Failures,
    OwnerRemoved,
}

/// Status of one run in the history (and of `lastRun`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum RunStatus {
    Running,
    Succeeded,
    Failed,
    Missed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LastRun {
    pub export_id: Option<String>,
    pub status: RunStatus,
    #[schema(value_type = String)]
    pub at: Timestamp,
}

/// Failed runs in a row after which a schedule pauses itself.
pub const MAX_CONSECUTIVE_FAILURES: u32 = 5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    pub id: String,
    pub report_id: String,
    pub owner: String,
    /// Normalised (interval and start filled in).
    pub recurrence: RecurrenceInput,
    /// Secrets included (answers mask them).
    pub destinations: Vec<Destination>,
    pub run_as: RunAs,
    pub incremental: bool,
    pub range: Option<DateRange>,
    #[serde(default)]
    pub deliver_when: DeliverWhen,
    /// The content last delivered to each destination (`deliverWhen: changed`).
    #[serde(default)]
    pub delivered: Vec<DeliveredContent>,
    pub paused: bool,
    pub paused_reason: Option<PausedReason>,
    pub consecutive_failures: u32,
    /// The next occurrence not yet handled (None when paused or ended): the
    /// local scheduler's index.
    pub next_run_at: Option<Timestamp>,
    /// Every occurrence at or before this instant has been handled (fired or
    /// recorded missed); the local scheduler continues after it.
    pub handled_through: Timestamp,
    pub last_run: Option<LastRun>,
    /// Start of the previous successful run: `fromDate` of an incremental run.
    pub last_success_started_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Optimistic-concurrency version; writes are conditional on it.
    pub version: u64,
}
