//! Schedule use cases: CRUD, pause and resume. The preview of upcoming runs
//! is `schedule_preview`; firing is `trigger`; the history and "run now" are
//! `schedule_runs`.
//!
//! Timers (`ports.timers`: EventBridge Scheduler on AWS) follow the store: a
//! change is stored first, then the timers are re-armed from what was stored.
//! When arming fails the request fails (500) with the change stored, and the
//! next save, pause or resume of the schedule re-arms it (every timer call is
//! a full replace). Two exceptions keep the store and timers from drifting:
//! a create whose timer cannot be armed is rolled back (a retried POST must
//! not make two schedules), and a delete removes the timers before the stored
//! schedule (a failed delete can be retried; an orphan timer would fire forever).
//! Automatic pauses (failures, owner removed) only log a failed disarm: a
//! paused schedule's firings are skipped by the trigger anyway.

use jiff::Timestamp;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use crate::error::CoreError;
use crate::model::api_key::Principal;
use crate::model::connection::ConnectionKind;
use crate::model::deliver_when::{forget_removed, DeliverWhen};
use crate::model::destination::{Destination, DestinationInput};
use crate::model::ids::IdKind;
use crate::model::page::{Page, PageRequest};
use crate::model::report::Report;
use crate::model::s3_destination::S3Access;
use crate::model::schedule::{DateRange, LastRun, PausedReason, RunAs, Schedule};
use crate::model::schedule_destination::ScheduleDestination;
use crate::recurrence::{Recurrence, RecurrenceInput};
use crate::usecases::access::ensure_report_owner;
use crate::usecases::destinations::{parse_destinations, prepare_destinations};
use crate::usecases::reports::load_report;
use crate::usecases::settings::current;
use crate::Ports;

/// Instants listed in `upcoming`.
pub const UPCOMING: usize = 5;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScheduleInput {
    pub report_id: String,
    pub recurrence: RecurrenceInput,
    /// Where each file goes; secrets in them are write-only. A destination
    /// sent back with its `id` (on a PUT) keeps its stored secrets and its
    /// `deliverWhen: changed` memory wherever it moves; one without is new.
    #[serde(default)]
    #[schema(value_type = Vec<ScheduleDestination>)]
    pub destinations: Vec<DestinationInput>,
    #[serde(default)]
    pub run_as: RunAs,
    #[serde(default)]
    pub incremental: bool,
    #[serde(default)]
    pub range: Option<DateRange>,
    /// `always` (default), `nonEmpty` or `changed`.
    #[serde(default)]
    pub deliver_when: DeliverWhen,
    /// Mail the owner each failed run's error (at most one mail an hour; default true).
    #[serde(default)]
    pub notify_on_failure: Option<bool>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub id: Option<IgnoredAny>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub owner: Option<IgnoredAny>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub paused: Option<IgnoredAny>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub paused_reason: Option<IgnoredAny>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub consecutive_failures: Option<IgnoredAny>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub paused_at: Option<IgnoredAny>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub last_error: Option<IgnoredAny>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub next_run_at: Option<IgnoredAny>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub upcoming: Option<IgnoredAny>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub last_run: Option<IgnoredAny>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub created_at: Option<IgnoredAny>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub updated_at: Option<IgnoredAny>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleView {
    pub id: String,
    pub report_id: String,
    pub owner: String,
    pub recurrence: RecurrenceInput,
    /// Secrets shown as `***`; each with its read-only `id`.
    pub destinations: Vec<ScheduleDestination>,
    pub run_as: RunAs,
    pub incremental: bool,
    pub range: Option<DateRange>,
    pub deliver_when: DeliverWhen,
    pub notify_on_failure: bool,
    pub paused: bool,
    pub paused_reason: Option<PausedReason>,
    /// When Ferry paused it after failures.
    #[schema(value_type = Option<String>)]
    pub paused_at: Option<Timestamp>,
    /// The error of the last failed run.
    pub last_error: Option<String>,
    pub consecutive_failures: u32,
    /// The next run, None while paused or after `end`.
    #[schema(value_type = Option<String>)]
    pub next_run_at: Option<Timestamp>,
    /// The next five instants of the recurrence (also while paused).
    #[schema(value_type = Vec<String>)]
    pub upcoming: Vec<Timestamp>,
    pub last_run: Option<LastRun>,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    #[schema(value_type = String)]
    pub updated_at: Timestamp,
}

/// Parses a stored or sent recurrence; errors name `recurrence.<field>`.
pub fn parse_recurrence(input: &RecurrenceInput, now: Timestamp) -> Result<Recurrence, CoreError> {
    input.parse(now).map_err(|f| CoreError::invalid(f.field, f.message))
}

pub fn schedule_view(ports: &Ports, s: &Schedule) -> ScheduleView {
    let now = ports.clock.now();
    let upcoming: Vec<Timestamp> = match s.recurrence.parse(now) {
        Ok(r) => r.occurrences_after(now).take(UPCOMING).map(|o| o.at).collect(),
        Err(_) => Vec::new(),
    };
    ScheduleView {
        id: s.id.clone(),
        report_id: s.report_id.clone(),
        owner: s.owner.clone(),
        recurrence: s.recurrence.clone(),
        destinations: s.destinations.iter().map(ScheduleDestination::masked).collect(),
        run_as: s.run_as,
        incremental: s.incremental,
        range: s.range,
        deliver_when: s.deliver_when,
        notify_on_failure: s.notify_on_failure,
        paused: s.paused,
        paused_reason: s.paused_reason,
        paused_at: s.failures.paused_at.filter(|_| s.paused),
        last_error: s.failures.last_error.clone(),
        consecutive_failures: s.consecutive_failures,
        next_run_at: if s.paused { None } else { upcoming.first().copied() },
        upcoming,
        last_run: s.last_run.clone(),
        created_at: s.created_at,
        updated_at: s.updated_at,
    }
}

/// Checks an input and builds the schedule it describes (`existing` for a PUT).
async fn build(
    ports: &Ports,
    actor: &Principal,
    input: ScheduleInput,
    existing: Option<&Schedule>,
) -> Result<Schedule, CoreError> {
    let report = load_report(ports, actor, &input.report_id).await.map_err(|e| match e {
        CoreError::NotFound { .. } => CoreError::invalid("reportId", "no report visible to you has this id"),
        other => other,
    })?;
    ensure_report_owner(actor, &report, "schedule")?;
    let now = ports.clock.now();
    let recurrence = parse_recurrence(&input.recurrence, now)?;
    if input.incremental && input.range.is_some() {
        return Err(CoreError::invalid("range", "cannot be combined with incremental: true"));
    }
    let settings = current(ports).await?;
    if input.run_as == RunAs::App && !settings.allow_app_permissions {
        return Err(CoreError::invalid("runAs", "\"app\" needs the admin setting allowAppPermissions"));
    }
    let stored = existing.map(|e| e.destinations.as_slice());
    let sent = parse_destinations(&input.destinations)?;
    let destinations = prepare_destinations(sent, stored, &settings, ports.ids.as_ref())?;
    check_to_users(ports, &report, &destinations).await?;
    check_roles_can_be_assumed(ports, &destinations)?;
    let mut delivered = existing.map(|e| e.delivered.clone()).unwrap_or_default();
    forget_removed(&mut delivered, &destinations.iter().map(|d| d.id.as_str()).collect::<Vec<_>>());
    let next_run_at = recurrence.occurrences_after(now).next().map(|o| o.at);
    let paused = existing.is_some_and(|e| e.paused);
    Ok(Schedule {
        id: existing.map(|e| e.id.clone()).unwrap_or_else(|| ports.ids.new_id(IdKind::Schedule)),
        report_id: report.id,
        owner: existing.map(|e| e.owner.clone()).unwrap_or_else(|| actor.user.clone()),
        recurrence: recurrence.input(),
        destinations,
        run_as: input.run_as,
        incremental: input.incremental,
        range: input.range,
        deliver_when: input.deliver_when,
        delivered,
        paused,
        paused_reason: existing.and_then(|e| e.paused_reason),
        consecutive_failures: existing.map(|e| e.consecutive_failures).unwrap_or(0),
        next_run_at: if paused { None } else { next_run_at },
        // A new or changed recurrence starts from now: past occurrences are not "missed".
        handled_through: now,
        last_run: existing.and_then(|e| e.last_run.clone()),
        last_success_started_at: existing.and_then(|e| e.last_success_started_at),
        notify_on_failure: input.notify_on_failure.unwrap_or(true),
        failures: existing.map(|e| e.failures.clone()).unwrap_or_default(),
        created_at: existing.map(|e| e.created_at).unwrap_or(now),
        updated_at: now,
        version: existing.map(|e| e.version).unwrap_or(0),
    })
}

/// `toUsers` are Jira accounts: only a report on a Jira connection can mail them.
async fn check_to_users(ports: &Ports, report: &Report, destinations: &[ScheduleDestination]) -> Result<(), CoreError> {
    let first =
        destinations.iter().position(|d| matches!(&d.destination, Destination::Email(e) if !e.to_users.is_empty()));
    let Some(i) = first else { return Ok(()) };
    let kind = ports.connections.get_connection(&report.connection_id).await?.map(|c| c.kind);
    if kind == Some(ConnectionKind::Jira) {
        return Ok(());
    }
    let why = match kind {
        Some(k) => format!("the report's connection is a {} connection", k.as_str()),
        None => "the report's connection was deleted".to_string(),
    };
    Err(CoreError::invalid(format!("destinations[{i}].toUsers"), format!("names Jira accounts, but {why}; use to")))
}

/// A `roleArn` needs a runtime that can assume roles (STS, on AWS).
fn check_roles_can_be_assumed(ports: &Ports, destinations: &[ScheduleDestination]) -> Result<(), CoreError> {
    let named = destinations
        .iter()
        .position(|d| matches!(&d.destination, Destination::S3(s) if matches!(s.access(), S3Access::Role(_))));
    match named {
        Some(i) if ports.roles.is_none() => Err(CoreError::invalid(
            format!("destinations[{i}].roleArn"),
            "can be assumed only when Ferry runs on AWS; give an accessKeyId and secretAccessKey",
        )),
        _ => Ok(()),
    }
}

pub async fn create_schedule(
    ports: &Ports,
    actor: &Principal,
    input: ScheduleInput,
) -> Result<ScheduleView, CoreError> {
    let s = build(ports, actor, input, None).await?;
    ports.schedules.insert_schedule(&s).await?;
    if let Err(err) = ports.timers.schedule_saved(&s, ports.clock.now()).await {
        tracing::error!(schedule_id = %s.id, error = %err, "arming a new schedule failed; rolling it back");
        // Half of it may have been armed (the cron schedule but not its fix-up).
        if let Err(e) = ports.timers.schedule_deleted(&s.id).await {
            tracing::error!(schedule_id = %s.id, error = %e, "removing the timers of a rolled-back schedule failed");
        }
        ports.schedules.delete_schedule(&s.id).await?;
        return Err(err.into());
    }
    Ok(schedule_view(ports, &s))
}

/// A schedule the actor may see (its owner, or an admin); 404 otherwise.
pub async fn load_schedule(ports: &Ports, actor: &Principal, id: &str) -> Result<Schedule, CoreError> {
    match ports.schedules.get_schedule(id).await? {
        Some(s) if actor.is_admin() || s.owner == actor.user => Ok(s),
        _ => Err(CoreError::not_found("schedule", id)),
    }
}

pub async fn get_schedule(ports: &Ports, actor: &Principal, id: &str) -> Result<ScheduleView, CoreError> {
    Ok(schedule_view(ports, &load_schedule(ports, actor, id).await?))
}

pub async fn list_schedules(
    ports: &Ports,
    actor: &Principal,
    page: PageRequest,
) -> Result<Page<ScheduleView>, CoreError> {
    let owner = (!actor.is_admin()).then_some(actor.user.as_str());
    Ok(ports.schedules.list_schedules(owner, &page).await?.map(|s| schedule_view(ports, &s)))
}

pub async fn update_schedule(
    ports: &Ports,
    actor: &Principal,
    id: &str,
    input: ScheduleInput,
) -> Result<ScheduleView, CoreError> {
    // A finishing run writes its memory, failure count and last run into the
    // same document; the user's edit is built again on the newer copy rather
    // than refused, so saving right after a run never answers "busy".
    for _ in 0..20 {
        let existing = load_schedule(ports, actor, id).await?;
        let mut s = build(ports, actor, input.clone(), Some(&existing)).await?;
        if ports.schedules.update_schedule(&mut s).await? {
            ports.timers.schedule_saved(&s, ports.clock.now()).await?;
            return Ok(schedule_view(ports, &s));
        }
    }
    Err(busy())
}

pub async fn delete_schedule(ports: &Ports, actor: &Principal, id: &str) -> Result<(), CoreError> {
    load_schedule(ports, actor, id).await?;
    ports.timers.schedule_deleted(id).await?;
    ports.schedules.delete_schedule(id).await?;
    Ok(())
}

/// Applies `change` to the stored schedule, retrying when another writer
/// (the scheduler, a finishing run) got there first. When the change pauses,
/// resumes or re-times the schedule its timers follow; a failure to re-arm is
/// logged, not returned (see the module doc: these are automatic pauses).
pub async fn modify_schedule(
    ports: &Ports,
    id: &str,
    change: impl FnMut(&mut Schedule),
) -> Result<Option<Schedule>, CoreError> {
    let Some((before, after)) = store_change(ports, id, change).await? else { return Ok(None) };
    if before.paused != after.paused || before.recurrence != after.recurrence {
        if let Err(err) = ports.timers.schedule_saved(&after, ports.clock.now()).await {
            tracing::error!(schedule_id = %id, error = %err, paused = after.paused, "re-arming timers failed");
        }
    }
    Ok(Some(after))
}

/// [`modify_schedule`] without the timers: (stored before, stored after).
async fn store_change(
    ports: &Ports,
    id: &str,
    mut change: impl FnMut(&mut Schedule),
) -> Result<Option<(Schedule, Schedule)>, CoreError> {
    for _ in 0..20 {
        let Some(before) = ports.schedules.get_schedule(id).await? else { return Ok(None) };
        let mut s = before.clone();
        change(&mut s);
        if ports.schedules.update_schedule(&mut s).await? {
            return Ok(Some((before, s)));
        }
    }
    Err(busy())
}

/// A user's pause or resume: stored, then the timers re-armed even when the
/// stored state did not change, so repeating a request that failed halfway
/// (stored, not armed) repairs the timers.
async fn change_and_arm(ports: &Ports, id: &str, change: impl FnMut(&mut Schedule)) -> Result<Schedule, CoreError> {
    let (_, s) = store_change(ports, id, change).await?.ok_or_else(|| CoreError::not_found("schedule", id))?;
    ports.timers.schedule_saved(&s, ports.clock.now()).await?;
    Ok(s)
}

fn busy() -> CoreError {
    CoreError::Conflict { code: "schedule_busy", message: "the schedule is changing; try again".into() }
}

pub async fn pause_schedule(ports: &Ports, actor: &Principal, id: &str) -> Result<ScheduleView, CoreError> {
    load_schedule(ports, actor, id).await?;
    let now = ports.clock.now();
    let s = change_and_arm(ports, id, |s| {
        if !s.paused {
            s.paused = true;
            s.paused_reason = Some(PausedReason::Manual);
            s.next_run_at = None;
            s.updated_at = now;
        }
    })
    .await?;
    Ok(schedule_view(ports, &s))
}

/// Resumes a paused schedule and clears its failure count. Occurrences that
/// passed while it was paused are not run.
pub async fn resume_schedule(ports: &Ports, actor: &Principal, id: &str) -> Result<ScheduleView, CoreError> {
    let existing = load_schedule(ports, actor, id).await?;
    let now = ports.clock.now();
    let next = parse_recurrence(&existing.recurrence, now)?.occurrences_after(now).next().map(|o| o.at);
    let s = change_and_arm(ports, id, |s| {
        s.paused = false;
        s.paused_reason = None;
        s.consecutive_failures = 0;
        s.failures.paused_at = None;
        s.handled_through = now;
        s.next_run_at = next;
        s.updated_at = now;
    })
    .await?;
    Ok(schedule_view(ports, &s))
}
