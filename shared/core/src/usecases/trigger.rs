//! Firing a schedule: given (schedule, scheduled time) — from EventBridge
//! Scheduler or the local scheduler loop — create the occurrence's export
//! exactly once. Idempotence is one conditional write (the run keyed by the
//! occurrence's local date, stored with its export), never read-then-write.
//!
//! After every firing of a live schedule the timers re-arm its next DST
//! fix-up (a one-time timer is gone once it fired). A failure to re-arm fails
//! the firing, so EventBridge retries it: the retry finds the run already
//! claimed (`Duplicate`) and re-arms again.

use jiff::Timestamp;

use crate::error::CoreError;
use crate::model::export::{Export, Trigger};
use crate::model::ids::IdKind;
use crate::model::report::Report;
use crate::model::schedule::{LastRun, RunAs, RunStatus, Schedule};
use crate::model::schedule_run::ScheduleRun;
use crate::recurrence::Occurrence;
use crate::usecases::date_range::range_bounds;
use crate::usecases::exports::{enqueue_or_fail, new_export};
use crate::usecases::schedules::{modify_schedule, parse_recurrence};
use crate::Ports;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FireOutcome {
    /// The occurrence's export was created and queued.
    Started { export_id: String },
    /// This occurrence already has a run.
    Duplicate,
    /// Nothing to do: deleted, paused, or not an occurrence.
    Skipped(&'static str),
}

pub async fn fire_occurrence(
    ports: &Ports,
    schedule_id: &str,
    scheduled_time: Timestamp,
) -> Result<FireOutcome, CoreError> {
    let Some(schedule) = ports.schedules.get_schedule(schedule_id).await? else {
        // A timer outliving its schedule (a delete that failed halfway) would fire forever.
        if let Err(err) = ports.timers.schedule_deleted(schedule_id).await {
            tracing::error!(schedule_id, error = %err, "removing the timers of a deleted schedule failed");
        }
        return Ok(FireOutcome::Skipped("the schedule was deleted"));
    };
    if schedule.paused {
        return Ok(FireOutcome::Skipped("the schedule is paused"));
    }
    let outcome = fire_live(ports, &schedule, scheduled_time).await?;
    ports.timers.schedule_fired(&schedule, ports.clock.now().max(scheduled_time)).await?;
    Ok(outcome)
}

/// Fires an unpaused schedule's occurrence at `scheduled_time`, if it is one.
async fn fire_live(ports: &Ports, schedule: &Schedule, scheduled_time: Timestamp) -> Result<FireOutcome, CoreError> {
    let recurrence = parse_recurrence(&schedule.recurrence, ports.clock.now())?;
    let Some(occurrence) = recurrence.occurrence_for_firing(scheduled_time) else {
        return Ok(FireOutcome::Skipped("not an occurrence of the recurrence"));
    };
    let Some(report) = ports.reports.get_report(&schedule.report_id).await? else {
        return Ok(FireOutcome::Skipped("the report was deleted"));
    };
    let mut export = scheduled_export(ports, schedule, &report, Trigger::Schedule, Some(occurrence.at)).await?;
    let run = new_run(ports, schedule, Some(&occurrence), Some(&export), RunStatus::Running);
    if !ports.runs.claim_run(&run, Some(&export)).await? {
        return Ok(FireOutcome::Duplicate);
    }
    enqueue_or_fail(ports, &mut export).await?;
    record_last_run(ports, &schedule.id, Some(&export.id), RunStatus::Running, export.created_at).await?;
    Ok(FireOutcome::Started { export_id: export.id })
}

/// Records an occurrence that passed while nothing could run it, visibly.
pub async fn record_missed(ports: &Ports, schedule: &Schedule, occurrence: &Occurrence) -> Result<bool, CoreError> {
    let run = new_run(ports, schedule, Some(occurrence), None, RunStatus::Missed);
    let claimed = ports.runs.claim_run(&run, None).await?;
    if claimed {
        tracing::warn!(schedule_id = %schedule.id, date = %occurrence.date, "occurrence missed while Ferry was down");
        record_last_run(ports, &schedule.id, None, RunStatus::Missed, occurrence.at).await?;
    }
    Ok(claimed)
}

/// The export of a scheduled or run-now run, with its date range and connection.
pub(crate) async fn scheduled_export(
    ports: &Ports,
    schedule: &Schedule,
    report: &Report,
    trigger: Trigger,
    run_time: Option<Timestamp>,
) -> Result<Export, CoreError> {
    let mut export = new_export(ports, report, &schedule.owner, trigger, None);
    export.schedule_id = Some(schedule.id.clone());
    if schedule.incremental {
        export.from_date = schedule.last_success_started_at;
    }
    if let Some(range) = schedule.range {
        let tz = crate::recurrence::time_zone(&schedule.recurrence.timezone)
            .ok_or_else(|| CoreError::invalid("recurrence.timezone", "is not a known IANA time zone"))?;
        let (from, to) = range_bounds(range, &tz, run_time.unwrap_or(export.created_at));
        export.from_date = Some(from);
        export.to_date = Some(to);
    }
    export.run_as_app = schedule.run_as == RunAs::App;
    Ok(export)
}

pub(crate) fn new_run(
    ports: &Ports,
    schedule: &Schedule,
    occurrence: Option<&Occurrence>,
    export: Option<&Export>,
    status: RunStatus,
) -> ScheduleRun {
    ScheduleRun {
        id: ports.ids.new_id(IdKind::Run),
        schedule_id: schedule.id.clone(),
        occurrence_date: occurrence.map(|o| o.date),
        export_id: export.map(|e| e.id.clone()),
        trigger: export.map(|e| e.trigger).unwrap_or(Trigger::Schedule),
        scheduled_for: occurrence.map(|o| o.at),
        status,
        started_at: None,
        finished_at: None,
        rows: None,
        bytes: None,
        error: (status == RunStatus::Missed).then(|| "missed: Ferry was not running at the time".to_string()),
        version: 0,
    }
}

pub(crate) async fn record_last_run(
    ports: &Ports,
    schedule_id: &str,
    export_id: Option<&str>,
    status: RunStatus,
    at: Timestamp,
) -> Result<(), CoreError> {
    let last = LastRun { export_id: export_id.map(String::from), status, at };
    modify_schedule(ports, schedule_id, |s| s.last_run = Some(last.clone())).await?;
    Ok(())
}
