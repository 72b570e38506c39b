//! A schedule's history and "run now". A run's outcome is written when its
//! export and deliveries end (`run_outcome`); while it runs, the view judges
//! it from the export and the deliveries so far. Each run lists its
//! deliveries, one per destination, with every attempt.

use jiff::Timestamp;
use serde::Serialize;

use crate::error::CoreError;
use crate::model::api_key::Principal;
use crate::model::deliver_when::SkipReason;
use crate::model::delivery::{AttemptOutcome, DeliveryAttempt, DeliveryStatus};
use crate::model::destination::DestinationType;
use crate::model::export::{ExportStatus, Trigger};
use crate::model::page::{Page, PageRequest};
use crate::model::schedule::RunStatus;
use crate::model::schedule_run::ScheduleRun;
use crate::usecases::deliveries::links::shown_link;
use crate::usecases::exports::{enqueue_or_fail, export_view, ExportView};
use crate::usecases::run_outcome::verdict;
use crate::usecases::schedules::load_schedule;
use crate::usecases::trigger::{new_run, record_last_run, scheduled_export};
use crate::Ports;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunView {
    pub export_id: Option<String>,
    pub trigger: Trigger,
    #[schema(value_type = Option<String>)]
    pub scheduled_for: Option<Timestamp>,
    #[schema(value_type = Option<String>)]
    pub started_at: Option<Timestamp>,
    #[schema(value_type = Option<String>)]
    pub finished_at: Option<Timestamp>,
    pub status: RunStatus,
    pub rows: Option<u64>,
    pub bytes: Option<u64>,
    pub error: Option<String>,
    /// One entry per destination the file was sent (or is being sent) to.
    pub deliveries: Vec<DeliveryView>,
    /// The run's file can still be downloaded (completed, within retention):
    /// the dashboard offers `Download` and shows links only then.
    #[serde(skip)]
    pub file_kept: bool,
}

/// A delivery as the history shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    /// The index the destination had in the schedule when the delivery was
    /// made (a destination added later gets a free number).
    pub destination: u32,
    /// The destination's `dst_…` id: what stays the same when destinations move.
    pub destination_id: String,
    #[serde(rename = "type")]
    pub kind: DestinationType,
    pub status: DeliveryStatus,
    /// Why a SKIPPED delivery was left out (`empty`, `unchanged`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<SkipReason>,
    /// The download link, once one was handed out (a link destination, or a
    /// mail whose file was too large to attach).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Every attempt, redeliveries included, oldest first.
    pub attempts: Vec<DeliveryAttempt>,
    /// When a delivery waiting to retry makes its next attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub next_attempt_at: Option<Timestamp>,
}

/// `POST /v1/schedules/{id}/run`: runs the report now, also while the schedule
/// is paused. Like a scheduled run it waits QUEUED if the report is busy.
pub async fn run_now(ports: &Ports, actor: &Principal, schedule_id: &str) -> Result<ExportView, CoreError> {
    let schedule = load_schedule(ports, actor, schedule_id).await?;
    let report = ports.reports.get_report(&schedule.report_id).await?.ok_or_else(|| CoreError::Conflict {
        code: "report_deleted",
        message: "the schedule's report was deleted".into(),
    })?;
    let mut export = scheduled_export(ports, &schedule, &report, Trigger::RunNow, None).await?;
    let run = new_run(ports, &schedule, None, Some(&export), RunStatus::Running);
    ports.runs.claim_run(&run, Some(&export)).await?;
    enqueue_or_fail(ports, &mut export).await?;
    record_last_run(ports, &schedule.id, Some(&export.id), RunStatus::Running, export.created_at).await?;
    Ok(export_view(ports, &export))
}

/// `GET /v1/schedules/{id}/runs`: newest first.
pub async fn list_runs(
    ports: &Ports,
    actor: &Principal,
    schedule_id: &str,
    page: PageRequest,
) -> Result<Page<RunView>, CoreError> {
    let schedule = load_schedule(ports, actor, schedule_id).await?;
    let runs = ports.runs.list_runs(schedule_id, &page).await?;
    let mut items = Vec::with_capacity(runs.items.len());
    for run in &runs.items {
        items.push(run_view(ports, run, !schedule.destinations.is_empty()).await?);
    }
    Ok(Page { items, next_cursor: runs.next_cursor })
}

/// A run as the history shows it. `has_destinations`: the schedule sends its
/// files somewhere, so a completed export without deliveries yet is still running.
pub(crate) async fn run_view(ports: &Ports, run: &ScheduleRun, has_destinations: bool) -> Result<RunView, CoreError> {
    let export = match &run.export_id {
        Some(id) => ports.exports.get_export(id).await?,
        None => None,
    };
    let deliveries = match &export {
        Some(e) => ports.deliveries.list_deliveries(&e.id).await?,
        None => Vec::new(),
    };
    let mut view = RunView {
        export_id: run.export_id.clone(),
        trigger: run.trigger,
        scheduled_for: run.scheduled_for,
        started_at: run.started_at,
        finished_at: run.finished_at,
        status: run.status,
        rows: run.rows,
        bytes: run.bytes,
        error: run.error.clone(),
        deliveries: deliveries
            .iter()
            .map(|d| DeliveryView {
                destination: d.destination,
                destination_id: d.destination_id(),
                kind: d.kind,
                status: d.status,
                reason: d.skip_reason,
                url: shown_link(ports, d),
                // One being sent has no outcome yet: it shows once it has one
                // (or, cut off by a crash, when the next attempt marks it).
                attempts: d.attempts.iter().filter(|a| a.outcome != AttemptOutcome::Sending).cloned().collect(),
                next_attempt_at: d.not_before.filter(|_| d.status == DeliveryStatus::Pending),
            })
            .collect(),
        file_kept: export.as_ref().is_some_and(|e| e.file_available(ports.clock.now())),
    };
    if let (RunStatus::Running, Some(e)) = (run.status, &export) {
        view.started_at = e.started_at;
        if e.status.is_terminal() {
            view.rows = e.rows.or(Some(e.progress.completed));
            view.bytes = e.bytes;
        }
        // The outcome may be decided and not yet written; show it already,
        // unless the deliveries are about to be created.
        let starting = has_destinations && deliveries.is_empty() && e.status == ExportStatus::Completed;
        if let Some(v) = verdict(e, &deliveries).filter(|_| !starting) {
            view.status = v.status;
            view.finished_at = v.finished_at;
            view.error = v.error;
        }
    }
    Ok(view)
}
