//! `POST /v1/schedules/{id}/runs/{exportId}/redeliver`: sends a run's kept
//! file again to chosen destinations (by index, as the schedule lists them
//! now) without running the query again. Each chosen delivery is reopened for
//! a new round of attempts, appended to the same history. The run's own
//! outcome and the schedule's failure count were settled when the run ended
//! and stay as they are.

use serde::Deserialize;

use super::start::queue_delivery;
use crate::error::{CoreError, FieldError};
use crate::model::api_key::Principal;
use crate::model::delivery::{Delivery, DeliveryStatus};
use crate::model::export::ExportStatus;
use crate::model::ids::IdKind;
use crate::usecases::schedule_runs::{run_view, RunView};
use crate::usecases::schedules::load_schedule;
use crate::Ports;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RedeliverInput {
    /// Indexes into the schedule's `destinations`.
    pub destinations: Vec<u32>,
}

pub async fn redeliver(
    ports: &Ports,
    actor: &Principal,
    schedule_id: &str,
    export_id: &str,
    input: RedeliverInput,
) -> Result<RunView, CoreError> {
    let schedule = load_schedule(ports, actor, schedule_id).await?;
    let run = ports
        .runs
        .run_of_export(schedule_id, export_id)
        .await?
        .ok_or_else(|| CoreError::not_found("run", export_id))?;
    let e = ports.exports.get_export(export_id).await?.ok_or_else(|| CoreError::not_found("run", export_id))?;
    check_indexes(&input.destinations, schedule.destinations.len())?;
    if e.status != ExportStatus::Completed {
        return Err(CoreError::Conflict {
            code: "run_has_no_file",
            message: format!("the run's export is {}; only a completed export has a file to send", e.status.as_str()),
        });
    }
    if !e.file_available(ports.clock.now()) {
        return Err(CoreError::Gone("the run's file was deleted or is past its retention".into()));
    }
    let existing = ports.deliveries.list_deliveries(export_id).await?;
    for &index in &input.destinations {
        if existing.iter().any(|d| d.destination == index && d.status == DeliveryStatus::Pending) {
            return Err(CoreError::Conflict {
                code: "delivery_in_progress",
                message: format!("destination {index} is still being delivered; wait for it to end"),
            });
        }
    }
    let now = ports.clock.now();
    let mut reopened = Vec::new();
    for &index in &input.destinations {
        let kind = schedule.destinations[index as usize].kind();
        let id = match existing.iter().find(|d| d.destination == index) {
            Some(d) => reopen(ports, &d.id, kind, now).await?,
            None => {
                let d = Delivery {
                    id: ports.ids.new_id(IdKind::Delivery),
                    export_id: export_id.to_string(),
                    schedule_id: schedule.id.clone(),
                    destination: index,
                    kind,
                    status: DeliveryStatus::Pending,
                    skip_reason: None,
                    attempts: Vec::new(),
                    round_start: 0,
                    link_token_hash: None,
                    not_before: None,
                    created_at: now,
                    updated_at: now,
                    version: 0,
                };
                if !ports.deliveries.insert_delivery(&d).await? {
                    return Err(busy());
                }
                d.id
            }
        };
        reopened.push(id);
    }
    for id in reopened {
        queue_delivery(ports, &id).await?;
    }
    run_view(ports, &run, true).await
}

/// Indexes must name destinations of the schedule, each once.
fn check_indexes(indexes: &[u32], count: usize) -> Result<(), CoreError> {
    if indexes.is_empty() {
        return Err(CoreError::invalid("destinations", "name at least one destination by its index"));
    }
    let mut errors = Vec::new();
    for (i, &index) in indexes.iter().enumerate() {
        if index as usize >= count {
            errors.push(FieldError::new(
                format!("destinations[{i}]"),
                format!("the schedule has no destination {index} (it has {count})"),
            ));
        } else if indexes[..i].contains(&index) {
            errors.push(FieldError::new(format!("destinations[{i}]"), format!("destination {index} is listed twice")));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CoreError::invalid_fields(errors))
    }
}

/// Opens a new round on a finished delivery.
async fn reopen(
    ports: &Ports,
    id: &str,
    kind: crate::model::destination::DestinationType,
    now: jiff::Timestamp,
) -> Result<String, CoreError> {
    for _ in 0..10 {
        let Some(mut d) = ports.deliveries.get_delivery(id).await? else { return Err(busy()) };
        if d.status == DeliveryStatus::Pending {
            return Err(CoreError::Conflict {
                code: "delivery_in_progress",
                message: format!("destination {} is still being delivered; wait for it to end", d.destination),
            });
        }
        // A skipped delivery asked for by name is sent: the user wants it.
        d.status = DeliveryStatus::Pending;
        d.skip_reason = None;
        d.round_start = d.attempts.len();
        d.kind = kind;
        d.not_before = None;
        d.updated_at = now;
        if ports.deliveries.update_delivery(&mut d).await? {
            return Ok(d.id);
        }
    }
    Err(busy())
}

fn busy() -> CoreError {
    CoreError::Conflict { code: "delivery_busy", message: "the delivery is changing; try again".into() }
}
