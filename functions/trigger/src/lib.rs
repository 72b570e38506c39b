//! The trigger function: EventBridge Scheduler's target. Two kinds of event:
//! a Ferry schedule's timer (`TimerEvent`: the schedule id and the firing's
//! scheduled time), which creates that occurrence's export exactly once; and
//! the stack's hourly maintenance timer (`{"task": "sweep"}`), which deletes
//! export files past their retention (`sweep_expired_files`).
//!
//! Scheduler invokes Lambda asynchronously, so an `Err` makes Lambda retry
//! the event (twice, then it goes to the on-failure queue). Only store
//! trouble is worth that; an event that cannot be read or a schedule that
//! cannot fire is logged and answered `Ok`, since a retry would do the same.

use ferry_aws::TimerEvent;
use ferry_core::error::CoreError;
use ferry_core::usecases::abandoned_uploads::sweep_abandoned_uploads;
use ferry_core::usecases::deliveries::sweeper::sweep_expired_files;
use ferry_core::usecases::trigger::{fire_occurrence, FireOutcome};
use ferry_core::Ports;
use lambda_runtime::LambdaEvent;
use serde::Deserialize;
use serde_json::{json, Value};

/// What the trigger is asked to do.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum TriggerEvent {
    Timer(TimerEvent),
    Maintenance { task: Task },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Task {
    /// Delete files past their retention.
    Sweep,
}

/// Handles one event; the answer (logged by Lambda, read by tests) says what happened.
pub async fn handle(ports: &Ports, event: LambdaEvent<Value>) -> Result<Value, lambda_runtime::Error> {
    let parsed = match serde_json::from_value::<TriggerEvent>(event.payload) {
        Ok(e) => e,
        Err(err) => {
            tracing::error!(error = %err, "not a trigger event; ignored");
            return Ok(json!({ "outcome": "ignored" }));
        }
    };
    match parsed {
        TriggerEvent::Timer(timer) => fire(ports, timer).await,
        TriggerEvent::Maintenance { task: Task::Sweep } => {
            let deleted = sweep_expired_files(ports).await.map_err(retryable)?;
            let aborted = sweep_abandoned_uploads(ports).await.map_err(retryable)?;
            tracing::info!(deleted, aborted, "retention sweep");
            Ok(json!({ "outcome": "swept", "deleted": deleted, "abortedUploads": aborted }))
        }
    }
}

async fn fire(ports: &Ports, timer: TimerEvent) -> Result<Value, lambda_runtime::Error> {
    let (schedule_id, at) = (&timer.schedule_id, timer.scheduled_time);
    match fire_occurrence(ports, schedule_id, at).await {
        Ok(FireOutcome::Started { export_id }) => {
            tracing::info!(%schedule_id, %at, %export_id, "occurrence started");
            Ok(json!({ "outcome": "started", "exportId": export_id }))
        }
        Ok(FireOutcome::Duplicate) => {
            tracing::info!(%schedule_id, %at, "occurrence already handled");
            Ok(json!({ "outcome": "duplicate" }))
        }
        Ok(FireOutcome::Skipped(why)) => {
            tracing::info!(%schedule_id, %at, why, "firing skipped");
            Ok(json!({ "outcome": "skipped", "why": why }))
        }
        Err(err @ CoreError::Port(_)) => Err(retryable(err)),
        Err(err) => {
            tracing::error!(%schedule_id, %at, error = %err, "firing failed; not retried");
            Ok(json!({ "outcome": "failed", "error": err.to_string() }))
        }
    }
}

/// Store or queue trouble: failing the invocation makes Lambda retry it.
fn retryable(err: CoreError) -> lambda_runtime::Error {
    tracing::warn!(error = %err, "trigger failed; Lambda retries the event");
    err.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheduler_inputs_parse_into_their_event() {
        let timer: TriggerEvent =
            serde_json::from_str(r#"{"scheduleId":"sch_1","scheduledTime":"2026-03-29T01:30:00Z"}"#).unwrap();
        assert!(matches!(timer, TriggerEvent::Timer(t) if t.schedule_id == "sch_1"));
        let sweep: TriggerEvent = serde_json::from_str(r#"{"task":"sweep"}"#).unwrap();
        assert_eq!(sweep, TriggerEvent::Maintenance { task: Task::Sweep });
        assert!(serde_json::from_str::<TriggerEvent>(r#"{"task":"reboot"}"#).is_err());
    }
}
