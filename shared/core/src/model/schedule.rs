//! Schedules: when a report runs (a recurrence in a time zone) and where its
//! files go, with the bookkeeping that pauses a schedule that keeps failing.

use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::deliver_when::{DeliverWhen, DeliveredContent};
use super::schedule_destination::{adopt_ids, ScheduleDestination};
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

/// Serde's derive writes `Schedule::serialize` / `Schedule::deserialize` as
/// inherent functions (`remote = "Self"`), so the trait impls below can read
/// a schedule stored before destinations had ids and give it theirs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "camelCase")]
pub struct Schedule {
    pub id: String,
    pub report_id: String,
    pub owner: String,
    /// Normalised (interval and start filled in).
    pub recurrence: RecurrenceInput,
    /// Secrets included (answers mask them).
    pub destinations: Vec<ScheduleDestination>,
    pub run_as: RunAs,
    pub incremental: bool,
    pub range: Option<DateRange>,
    #[serde(default)]
    pub deliver_when: DeliverWhen,
    /// The content last delivered to each destination (`deliverWhen: changed`), by destination id.
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

impl Serialize for Schedule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Schedule::serialize(self, serializer)
    }
}

impl<'de> Deserialize<'de> for Schedule {
    /// Also the migration of schedules stored before destinations had ids
    /// (SQLite documents and DynamoDB items alike): each gets the id derived
    /// from the schedule and its index, and so does its `changed` memory.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut s = Schedule::deserialize(deserializer)?;
        adopt_ids(&s.id, &mut s.destinations);
        for c in s.delivered.iter_mut() {
            c.adopt_legacy_index(&s.id);
        }
        Ok(s)
    }
}

impl Schedule {
    /// The destination with this id.
    pub fn destination(&self, id: &str) -> Option<&ScheduleDestination> {
        self.destinations.iter().find(|d| d.id == id)
    }

    pub fn state(&self) -> ScheduleState {
        ScheduleState::of(self.paused, self.paused_reason, self.consecutive_failures)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::ids::legacy_destination_id;

    /// A schedule document as Ferry stored it before destinations had ids.
    fn stored_before_ids() -> serde_json::Value {
        json!({
            "id": "sch_01JAAAAAAAAAAAAAAAAAAAAAAA", "reportId": "rep_1", "owner": "ana",
            "recurrence": {"frequency": "daily", "interval": 1, "time": "09:00", "timezone": "UTC", "start": "2026-12-01"},
            "destinations": [
                {"type": "link", "retentionDays": 7, "notify": []},
                {"type": "webhook", "url": "https://hooks.example.org/in", "headers": {}, "secret": "s"}
            ],
            "runAs": "owner", "incremental": false, "range": null, "deliverWhen": "changed",
            "delivered": [{"destination": 1, "fingerprint": "f", "contentSha256": "c"}],
            "paused": false, "pausedReason": null, "consecutiveFailures": 0,
            "nextRunAt": "2026-12-08T09:00:00Z", "handledThrough": "2026-12-07T09:00:00Z",
            "lastRun": null, "lastSuccessStartedAt": null, "notifyOnFailure": true,
            "failures": {"pausedAt": null, "lastError": null, "mailedAt": null, "unmailed": 0},
            "createdAt": "2026-12-01T08:00:00Z", "updatedAt": "2026-12-01T08:00:00Z", "version": 3
        })
    }

    #[test]
    fn a_schedule_stored_before_ids_reads_with_derived_ids_and_its_memory_by_id() {
        let s: Schedule = serde_json::from_value(stored_before_ids()).unwrap();
        let expected: Vec<String> = (0..2).map(|i| legacy_destination_id(&s.id, i)).collect();
        assert_eq!(s.destinations.iter().map(|d| d.id.clone()).collect::<Vec<_>>(), expected);
        assert_eq!(s.delivered[0].destination_id, expected[1], "the memory of destination 1 is the webhook's");
        // Written back, it keeps those ids and no index.
        let written = serde_json::to_value(&s).unwrap();
        assert_eq!(written["destinations"][1]["id"], expected[1].as_str());
        assert_eq!(written["destinations"][1]["type"], "webhook");
        assert_eq!(written["delivered"][0]["destinationId"], expected[1].as_str());
        assert!(written["delivered"][0].get("destination").is_none());
        let again: Schedule = serde_json::from_value(written).unwrap();
        assert_eq!(again, s, "a round trip changes nothing");
    }
}
