//! `POST /v1/schedules/{id}/runs/{exportId}/redeliver`: sends a run's kept
//! file again to chosen destinations (by `dst_…` id, or by index as the
//! schedule lists them now) without running the query again. Each chosen delivery is reopened for
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
use crate::model::schedule::Schedule;
use crate::model::schedule_destination::ScheduleDestination;
use crate::usecases::schedule_runs::{run_view, RunView};
use crate::usecases::schedules::load_schedule;
use crate::Ports;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RedeliverInput {
    /// Destinations of the schedule: each by its `dst_…` id or by its index.
    pub destinations: Vec<DestinationRef>,
}

/// A destination of a schedule named by its id (`"dst_…"`) or its index (`2`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum DestinationRef {
    Index(u32),
    Id(String),
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
    let chosen = resolve(&input.destinations, &schedule)?;
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
    for (index, placed) in &chosen {
        if existing.iter().any(|d| d.destination_id() == placed.id && d.status == DeliveryStatus::Pending) {
            return Err(CoreError::Conflict {
                code: "delivery_in_progress",
                message: format!("destination {index} is still being delivered; wait for it to end"),
            });
        }
    }
    let now = ports.clock.now();
    let mut reopened = Vec::new();
    // A destination added after the run takes a slot no delivery of the run holds.
    let mut slots: Vec<u32> = existing.iter().map(|d| d.destination).collect();
    for (index, placed) in chosen {
        let kind = placed.destination.kind();
        let id = match existing.iter().find(|d| d.destination_id() == placed.id) {
            Some(d) => reopen(ports, &d.id, kind, now).await?,
            None => {
                let slot =
                    if slots.contains(&index) { (0..).find(|n| !slots.contains(n)).unwrap_or(index) } else { index };
                slots.push(slot);
                let d = Delivery {
                    destination: slot,
                    destination_id: Some(placed.id.clone()),
                    ..Delivery::pending(ports.ids.new_id(IdKind::Delivery), export_id, &schedule.id, kind, now)
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

/// The destinations named, each with its index now; every one must be a
/// destination of the schedule, named once.
fn resolve<'s>(
    named: &[DestinationRef],
    schedule: &'s Schedule,
) -> Result<Vec<(u32, &'s ScheduleDestination)>, CoreError> {
    if named.is_empty() {
        return Err(CoreError::invalid("destinations", "name at least one destination by its id or index"));
    }
    let count = schedule.destinations.len();
    let mut errors = Vec::new();
    let mut chosen: Vec<(u32, &ScheduleDestination)> = Vec::new();
    for (i, r) in named.iter().enumerate() {
        let found = match r {
            DestinationRef::Index(index) => schedule.destinations.get(*index as usize).map(|d| (*index, d)),
            DestinationRef::Id(id) => {
                schedule.destinations.iter().enumerate().find(|(_, d)| d.id == *id).map(|(n, d)| (n as u32, d))
            }
        };
        let field = format!("destinations[{i}]");
        match found {
            None => {
                let which = match r {
                    DestinationRef::Index(index) => format!("no destination {index} (it has {count})"),
                    DestinationRef::Id(id) => format!("no destination {id}"),
                };
                errors.push(FieldError::new(field, format!("the schedule has {which}")));
            }
            Some((index, d)) if chosen.iter().any(|(_, c)| c.id == d.id) => {
                errors.push(FieldError::new(field, format!("destination {index} is listed twice")));
            }
            Some(pair) => chosen.push(pair),
        }
    }
    if errors.is_empty() {
        Ok(chosen)
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
