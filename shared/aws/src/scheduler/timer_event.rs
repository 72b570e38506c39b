//! The event the trigger function receives from EventBridge Scheduler: the
//! schedule's `Input` JSON, in which Scheduler replaced the context attribute
//! `<aws.scheduler.scheduled-time>` with the firing's scheduled instant
//! (ISO 8601 UTC, `2026-03-29T01:30:00Z`). The template and the parser live
//! together so what `EventBridgeTimers` sends is what the trigger reads.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Scheduler's context attribute for the time a firing was scheduled for (not
/// when it was delivered: a retried firing keeps it, so the occurrence stays known).
pub const SCHEDULED_TIME_ATTRIBUTE: &str = "<aws.scheduler.scheduled-time>";

/// One firing of a Ferry schedule's timer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimerEvent {
    pub schedule_id: String,
    pub scheduled_time: Timestamp,
}

impl TimerEvent {
    /// The `Target.Input` of every timer of `schedule_id`:
    /// `{"scheduleId":"sch_…","scheduledTime":"<aws.scheduler.scheduled-time>"}`.
    pub fn input_template(schedule_id: &str) -> String {
        serde_json::json!({ "scheduleId": schedule_id, "scheduledTime": SCHEDULED_TIME_ATTRIBUTE }).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_input_with_scheduler_substitution_parses_into_the_event() {
        let template = TimerEvent::input_template("sch_01JQ0000000000000000000000");
        assert_eq!(
            template,
            r#"{"scheduleId":"sch_01JQ0000000000000000000000","scheduledTime":"<aws.scheduler.scheduled-time>"}"#
        );
        let delivered = template.replace(SCHEDULED_TIME_ATTRIBUTE, "2026-03-29T01:30:00Z");
        let event: TimerEvent = serde_json::from_str(&delivered).unwrap();
        assert_eq!(event.schedule_id, "sch_01JQ0000000000000000000000");
        assert_eq!(event.scheduled_time, "2026-03-29T01:30:00Z".parse::<Timestamp>().unwrap());
    }

    #[test]
    fn an_event_without_a_time_is_rejected() {
        let err = serde_json::from_str::<TimerEvent>(r#"{"scheduleId":"sch_x"}"#).unwrap_err();
        assert!(err.to_string().contains("scheduledTime"), "{err}");
    }
}
