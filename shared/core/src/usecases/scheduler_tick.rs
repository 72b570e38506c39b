//! The local scheduler's step: fire every due occurrence, and record as
//! MISSED those that passed more than an hour ago while the process was down.
//! On AWS, EventBridge Scheduler does the firing and calls `trigger` directly.

use jiff::SignedDuration;

use crate::error::CoreError;
use crate::usecases::schedules::{modify_schedule, parse_recurrence};
use crate::usecases::trigger::{fire_occurrence, record_missed};
use crate::Ports;

/// An occurrence later than this is recorded MISSED instead of run.
pub const MISSED_AFTER: SignedDuration = SignedDuration::from_secs(3600);

/// Occurrences handled per schedule and step, so one long-dead schedule
/// cannot hold the loop (the rest follow in the next steps).
const MAX_OCCURRENCES_PER_STEP: usize = 500;

/// Handles the schedules due at `now`; returns how many occurrences it handled.
pub async fn scheduler_step(ports: &Ports) -> Result<usize, CoreError> {
    let now = ports.clock.now();
    let mut handled = 0;
    for s in ports.schedules.due_schedules(now, 100).await? {
        let recurrence = match parse_recurrence(&s.recurrence, now) {
            Ok(r) => r,
            Err(err) => {
                tracing::error!(schedule_id = %s.id, error = %err, "stored recurrence no longer parses; skipping");
                continue;
            }
        };
        let mut through = s.handled_through;
        for occurrence in recurrence.occurrences_after(s.handled_through).take(MAX_OCCURRENCES_PER_STEP) {
            if occurrence.at > now {
                break;
            }
            if now.duration_since(occurrence.at) > MISSED_AFTER {
                record_missed(ports, &s, &occurrence).await?;
            } else {
                let outcome = fire_occurrence(ports, &s.id, occurrence.at).await?;
                tracing::info!(schedule_id = %s.id, date = %occurrence.date, ?outcome, "schedule fired");
            }
            through = occurrence.at;
            handled += 1;
        }
        let next = recurrence.occurrences_after(through).next().map(|o| o.at);
        modify_schedule(ports, &s.id, |stored| {
            if stored.handled_through < through {
                stored.handled_through = through;
            }
            if !stored.paused {
                stored.next_run_at = next;
            }
        })
        .await?;
    }
    Ok(handled)
}
