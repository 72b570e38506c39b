//! A scheduled run's outcome. A run succeeds when its export completed and
//! every destination delivered or was skipped (`deliverWhen`); it fails as soon as the export fails or a
//! delivery fails for good. This is judged from the export and all its
//! deliveries each time either ends (`on_export_finished`,
//! `on_delivery_finished`), and written once: then the schedule's failure
//! count moves — five failed runs in a row pause it (`pausedReason:
//! "failures"`, `pausedAt`, `lastError`) and its owner is mailed; a success
//! resets it. With `notifyOnFailure` each failed run is mailed to the owner,
//! at most once an hour (`notices`). Idempotent: a run already finished is
//! left alone.

use jiff::{SignedDuration, Timestamp};

use crate::error::CoreError;
use crate::model::delivery::{Delivery, DeliveryStatus};
use crate::model::export::{Export, ExportStatus};
use crate::model::schedule::{LastRun, PausedReason, RunStatus, MAX_CONSECUTIVE_FAILURES};
use crate::usecases::deliveries::notices::{send_failure_notice, send_pause_notice};
use crate::usecases::deliveries::start::start_deliveries;
use crate::usecases::schedules::modify_schedule;
use crate::Ports;

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `Succeeded` or `Failed`.
    pub status: RunStatus,
    pub error: Option<String>,
    pub finished_at: Option<Timestamp>,
}

/// The outcome of a run from its export and deliveries; None while it is undecided.
pub fn verdict(e: &Export, deliveries: &[Delivery]) -> Option<Verdict> {
    let failed =
        |error: Option<String>, at: Option<Timestamp>| Verdict { status: RunStatus::Failed, error, finished_at: at };
    match e.status {
        s if !s.is_terminal() => None,
        ExportStatus::Cancelled => Some(failed(Some("the export was cancelled".into()), e.completed_at)),
        ExportStatus::Completed => {
            if let Some(d) = deliveries.iter().find(|d| d.status == DeliveryStatus::Failed) {
                let why = d.last_error().unwrap_or("failed");
                let error = format!("destination {} ({}): {why}", d.destination, d.kind.as_str());
                return Some(failed(Some(error), last_attempt(d).or(e.completed_at)));
            }
            if !deliveries.iter().all(|d| d.status.is_done()) {
                return None;
            }
            let finished_at = deliveries.iter().filter_map(last_attempt).chain(e.completed_at).max();
            Some(Verdict { status: RunStatus::Succeeded, error: None, finished_at })
        }
        _ => Some(failed(e.error.clone(), e.completed_at)),
    }
}

fn last_attempt(d: &Delivery) -> Option<Timestamp> {
    d.attempts.last().map(|a| a.at)
}

/// When `export_id` ends: a completed scheduled export starts its deliveries,
/// then the run is judged (decided now when there are none).
pub async fn on_export_finished(ports: &Ports, export_id: &str) -> Result<(), CoreError> {
    let Some(e) = ports.exports.get_export(export_id).await? else { return Ok(()) };
    if e.schedule_id.is_none() || !e.status.is_terminal() {
        return Ok(());
    }
    start_deliveries(ports, &e).await?;
    settle(ports, &e).await
}

/// When one of `export_id`'s deliveries has ended for good.
pub async fn on_delivery_finished(ports: &Ports, export_id: &str) -> Result<(), CoreError> {
    let Some(e) = ports.exports.get_export(export_id).await? else { return Ok(()) };
    settle(ports, &e).await
}

async fn settle(ports: &Ports, e: &Export) -> Result<(), CoreError> {
    let Some(schedule_id) = e.schedule_id.clone() else { return Ok(()) };
    let deliveries =
        if e.status == ExportStatus::Completed { ports.deliveries.list_deliveries(&e.id).await? } else { Vec::new() };
    let Some(v) = verdict(e, &deliveries) else { return Ok(()) };
    if !finish_run(ports, &schedule_id, e, &v).await? {
        return Ok(());
    }
    let at = v.finished_at.unwrap_or_else(|| ports.clock.now());
    let succeeded = v.status == RunStatus::Succeeded;
    let mut paused_now = false;
    let mut mail_now: Option<u32> = None;
    let now = ports.clock.now();
    let updated = modify_schedule(ports, &schedule_id, |s| {
        s.last_run = Some(LastRun { export_id: Some(e.id.clone()), status: v.status, at });
        (paused_now, mail_now) = (false, None);
        if succeeded {
            s.consecutive_failures = 0;
            s.last_success_started_at = e.started_at.or(Some(e.created_at));
        } else {
            s.consecutive_failures += 1;
            s.failures.last_error = v.error.clone();
            if s.consecutive_failures >= MAX_CONSECUTIVE_FAILURES && !s.paused {
                s.paused = true;
                s.paused_reason = Some(PausedReason::Failures);
                s.failures.paused_at = Some(now);
                s.next_run_at = None;
                paused_now = true;
            } else if s.notify_on_failure {
                mail_now = note_failure(&mut s.failures, now);
            }
        }
    })
    .await?;
    if let (true, Some(s)) = (paused_now, &updated) {
        tracing::warn!(
            schedule_id = %s.id, owner = %s.owner, failures = s.consecutive_failures,
            "schedule paused after {MAX_CONSECUTIVE_FAILURES} failed runs in a row"
        );
        send_pause_notice(ports, s, v.error.as_deref()).await;
    } else if let (Some(earlier), Some(s)) = (mail_now, &updated) {
        send_failure_notice(ports, s, v.error.as_deref(), earlier).await;
    }
    Ok(())
}

/// At most one failed-run mail per schedule an hour.
const FAILURE_MAIL_EVERY: SignedDuration = SignedDuration::from_hours(1);

/// Counts a failed run against the hourly cap: Some(earlier failures not
/// yet mailed) when a mail goes out now, None when this one waits for the
/// next mail.
fn note_failure(notes: &mut crate::model::schedule::FailureNotes, now: Timestamp) -> Option<u32> {
    if notes.mailed_at.is_some_and(|t| now.duration_since(t) < FAILURE_MAIL_EVERY) {
        notes.unmailed += 1;
        return None;
    }
    notes.mailed_at = Some(now);
    Some(std::mem::take(&mut notes.unmailed))
}

/// Moves the run from RUNNING to its outcome; false when it was already done.
async fn finish_run(ports: &Ports, schedule_id: &str, e: &Export, v: &Verdict) -> Result<bool, CoreError> {
    for _ in 0..20 {
        let Some(mut run) = ports.runs.run_of_export(schedule_id, &e.id).await? else { return Ok(false) };
        if run.status != RunStatus::Running {
            return Ok(false);
        }
        run.status = v.status;
        run.started_at = e.started_at;
        run.finished_at = v.finished_at;
        run.rows = e.rows.or(Some(e.progress.completed));
        run.bytes = e.bytes;
        run.error = v.error.clone();
        if ports.runs.update_run(&mut run).await? {
            return Ok(true);
        }
    }
    Err(CoreError::Conflict { code: "run_busy", message: "the run is changing; try again".into() })
}

#[cfg(test)]
mod tests;
