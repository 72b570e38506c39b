//! When a schedule's export completes: one delivery per destination of the
//! schedule, each with a job on the delivery queue, unless the schedule's
//! `deliverWhen` leaves it out: then it is stored SKIPPED with its reason and
//! never queued. Safe to repeat: a destination that already has its delivery
//! keeps it, and a job queued twice only waits (see `Delivery::not_before`).

use jiff::SignedDuration;

use crate::error::CoreError;
use crate::model::deliver_when::skip_reason;
use crate::model::delivery::{Delivery, DeliveryStatus};
use crate::model::export::{Export, ExportStatus};
use crate::model::ids::IdKind;
use crate::ports::work_queue::Job;
use crate::Ports;

/// Creates the missing deliveries of a completed scheduled export and queues
/// every delivery that has not made an attempt yet. All are stored before
/// any is queued, so the run's outcome is never judged on part of them.
pub async fn start_deliveries(ports: &Ports, e: &Export) -> Result<(), CoreError> {
    let Some(schedule_id) = &e.schedule_id else { return Ok(()) };
    if e.status != ExportStatus::Completed {
        return Ok(());
    }
    let Some(schedule) = ports.schedules.get_schedule(schedule_id).await? else { return Ok(()) };
    if schedule.destinations.is_empty() {
        return Ok(());
    }
    let now = ports.clock.now();
    let rows = e.rows.unwrap_or(0);
    for (index, placed) in schedule.destinations.iter().enumerate() {
        let (index, destination) = (index as u32, &placed.destination);
        let skipped = skip_reason(
            schedule.deliver_when,
            rows,
            e.content_sha256.as_deref(),
            &placed.id,
            destination,
            &schedule.delivered,
        );
        let d = Delivery {
            destination: index,
            destination_id: Some(placed.id.clone()),
            status: if skipped.is_some() { DeliveryStatus::Skipped } else { DeliveryStatus::Pending },
            skip_reason: skipped,
            ..Delivery::pending(ports.ids.new_id(IdKind::Delivery), &e.id, &schedule.id, destination.kind(), now)
        };
        ports.deliveries.insert_delivery(&d).await?;
    }
    for d in ports.deliveries.list_deliveries(&e.id).await? {
        if d.status == DeliveryStatus::Pending && d.round_attempts() == 0 {
            queue_delivery(ports, &d.id).await?;
        }
    }
    Ok(())
}

/// Queues the next attempt of a delivery now.
pub(crate) async fn queue_delivery(ports: &Ports, delivery_id: &str) -> Result<(), CoreError> {
    let job = Job::Deliver { delivery_id: delivery_id.to_string() };
    ports.delivery_queue.enqueue(&job, SignedDuration::ZERO).await?;
    Ok(())
}
