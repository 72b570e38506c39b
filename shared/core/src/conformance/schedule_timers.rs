//! Contract of the `ScheduleTimers` port: every call is idempotent (saving
//! twice, deleting what is gone), and where a peer can be asked what fires a
//! schedule (EventBridge Scheduler on the emulator), a saved schedule is
//! armed, a paused one fires nothing, a fired one stays armed and a deleted
//! one leaves nothing. The local runtime's timers have no peer: its
//! scheduler polls the store, so the suite checks only that its calls
//! succeed in every order.

use async_trait::async_trait;
use jiff::Timestamp;

use crate::model::schedule::Schedule;
use crate::ports::schedule_timers::ScheduleTimers;

/// What the timer service holds for a schedule's own (recurring) timer.
#[async_trait]
pub trait TimerPeer: Send + Sync {
    /// None when nothing fires schedule `id`; else whether its timer is enabled.
    async fn enabled(&self, id: &str) -> Option<bool>;
}

async fn expect(peer: Option<&dyn TimerPeer>, id: &str, want: Option<bool>, why: &str) {
    if let Some(peer) = peer {
        assert_eq!(peer.enabled(id).await, want, "{why}");
    }
}

/// Checks every `ScheduleTimers` promise with `schedule` (stored by the
/// caller, unpaused, with occurrences after `now`).
pub async fn schedule_timers_conformance(
    timers: &dyn ScheduleTimers,
    peer: Option<&dyn TimerPeer>,
    schedule: &Schedule,
    now: Timestamp,
) {
    assert!(!schedule.paused, "the suite starts from an active schedule");
    let id = schedule.id.as_str();
    expect(peer, id, None, "nothing fires a schedule before it is saved").await;

    timers.schedule_saved(schedule, now).await.expect("saved");
    expect(peer, id, Some(true), "a saved schedule is armed").await;
    timers.schedule_saved(schedule, now).await.expect("saving again replaces, it does not fail");
    expect(peer, id, Some(true), "saved twice, still armed once").await;

    timers.schedule_fired(schedule, now).await.expect("fired");
    expect(peer, id, Some(true), "a schedule that fired stays armed").await;

    let paused = Schedule { paused: true, next_run_at: None, ..schedule.clone() };
    timers.schedule_saved(&paused, now).await.expect("paused");
    if let Some(peer) = peer {
        assert_ne!(peer.enabled(id).await, Some(true), "a paused schedule fires nothing");
    }
    timers.schedule_saved(schedule, now).await.expect("resumed");
    expect(peer, id, Some(true), "a resumed schedule is armed again").await;

    timers.schedule_deleted(id).await.expect("deleted");
    expect(peer, id, None, "a deleted schedule leaves nothing behind").await;
    timers.schedule_deleted(id).await.expect("deleting what is gone is fine");
    timers.schedule_deleted("sch_01NEVERSAVED0000000000000000").await.expect("deleting an unknown id is fine");
}
