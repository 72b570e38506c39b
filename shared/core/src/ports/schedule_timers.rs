//! The timer port: what fires schedules from outside the process. On AWS one
//! EventBridge Scheduler schedule per Ferry schedule calls the trigger
//! function; locally the scheduler loop polls `due_schedules`, so there is
//! nothing to arm ([`PolledTimers`]).
//!
//! The schedule store is the truth and timers follow it: use cases store a
//! change first, then tell this port. Every method is idempotent (a full
//! replace, a delete of something absent is fine), so a failed call is
//! repaired by calling again with the same schedule.

use async_trait::async_trait;
use jiff::Timestamp;

use crate::model::schedule::Schedule;
use crate::PortError;

#[async_trait]
pub trait ScheduleTimers: Send + Sync {
    /// Creates or replaces what fires `s`: its recurrence, its zone, enabled
    /// unless `s` is paused, plus the one-time fix-up of the next DST gap or
    /// overlap occurrence after `now` (none while paused).
    async fn schedule_saved(&self, s: &Schedule, now: Timestamp) -> Result<(), PortError>;

    /// After `s` fired (an occurrence was handled, or found already handled):
    /// arms the next DST fix-up after `now`, since a fired one is gone.
    async fn schedule_fired(&self, s: &Schedule, now: Timestamp) -> Result<(), PortError>;

    /// Removes everything that fires schedule `id`; nothing to remove is fine.
    async fn schedule_deleted(&self, id: &str) -> Result<(), PortError>;
}

/// The local runtime's timers: none. The local scheduler loop polls the store
/// for due schedules (`usecases::scheduler_tick`), which already sees every
/// change, so arming anything would be redundant.
#[derive(Debug, Clone, Copy, Default)]
pub struct PolledTimers;

#[async_trait]
impl ScheduleTimers for PolledTimers {
    async fn schedule_saved(&self, _s: &Schedule, _now: Timestamp) -> Result<(), PortError> {
        Ok(())
    }

    async fn schedule_fired(&self, _s: &Schedule, _now: Timestamp) -> Result<(), PortError> {
        Ok(())
    }

    async fn schedule_deleted(&self, _id: &str) -> Result<(), PortError> {
        Ok(())
    }
}
