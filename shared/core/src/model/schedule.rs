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

/// What people are told about a schedule's failures: since when and why it
/// paused itself, and the hourly cap on failed-run mails.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FailureNotes {
    /// When Ferry paused it (`pausedReason: "failures"`).
    pub paused_at: Option<Timestamp>,
    /// The error of the last failed run.
    pub last_error: Option<String>,
    /// When the last failed-run mail went out.
    pub mailed_at: Option<Timestamp>,
    /// Failed runs since that mail that no mail told of yet.
    pub unmailed: u32,
}

/// The state a person reads on a schedule: words, and whether it needs attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleState {
    Active,
    Failing(u32),
    PausedByFerry,
    PausedByHand,
}

impl ScheduleState {
    pub fn of(paused: bool, reason: Option<PausedReason>, consecutive_failures: u32) -> Self {
        match (paused, reason) {
            (true, Some(PausedReason::Failures | PausedReason::OwnerRemoved)) => ScheduleState::PausedByFerry,
            (true, _) => ScheduleState::PausedByHand,
            (false, _) if consecutive_failures > 0 => ScheduleState::Failing(consecutive_failures),
            (false, _) => ScheduleState::Active,
        }
    }

    /// A class for its colour on the pages.
    pub fn css_class(self) -> &'static str {
        match self {
            ScheduleState::Active => "state-active",
            ScheduleState::Failing(_) => "state-failing",
            ScheduleState::PausedByFerry => "state-paused-ferry",
            ScheduleState::PausedByHand => "state-paused-hand",
        }
    }

    pub fn needs_attention(self) -> bool {
        matches!(self, ScheduleState::Failing(_) | ScheduleState::PausedByFerry)
    }

    /// `Active`, `Failing (3 in a row)`, `Paused by Ferry`, `Paused by hand`.
    pub fn words(self) -> String {
        match self {
            ScheduleState::Active => "Active".into(),
            ScheduleState::Failing(n) => format!("Failing ({n} in a row)"),
            ScheduleState::PausedByFerry => "Paused by Ferry".into(),
            ScheduleState::PausedByHand => "Paused by hand".into(),
        }
    }
}

fn yes() -> bool {
    true
}

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
    /// Mail each failed run to the owner (at most one an hour).
    #[serde(default = "yes")]
    pub notify_on_failure: bool,
    #[serde(default)]
    pub failures: FailureNotes,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Optimistic-concurrency version; writes are conditional on it.
    pub version: u64,
}

impl Schedule {
    pub fn state(&self) -> ScheduleState {
        ScheduleState::of(self.paused, self.paused_reason, self.consecutive_failures)
    }
}
