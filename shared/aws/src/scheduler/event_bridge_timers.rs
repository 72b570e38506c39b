//! `ScheduleTimers` on EventBridge Scheduler: what fires Ferry schedules on AWS.
//!
//! Per Ferry schedule, in one schedule group:
//! - `<schedule id>`: the recurring timer, `recurrence::scheduler_plan`'s
//!   `cron(...)` in the schedule's zone (`ScheduleExpressionTimezone`) with its
//!   StartDate / EndDate, flexible window OFF, DISABLED while paused. The cron
//!   may fire on extra days (every Nth week, day 29–30): the trigger keeps only
//!   real occurrences.
//! - `<schedule id>-dst-<instant>`: at most one live one-time `at()` timer
//!   (UTC, `ActionAfterCompletion: DELETE`) for the next occurrence that cron
//!   gets wrong: in a DST gap Scheduler skips it, in an overlap it does not say
//!   which instant it uses (`recurrence::next_gap_fixup`). Keeping one ahead
//!   rather than all of them bounds the timers per schedule whatever the
//!   horizon. Each firing re-arms the next (`schedule_fired`, called by the
//!   trigger use case), and a save replaces it. The instant is in the name
//!   because Scheduler deletes a fired `at()` timer after its invocation, that
//!   is after our trigger ran: re-arming under the same name could be deleted
//!   by that clean-up.
//!
//! Both timers invoke the trigger function (`RoleArn` = the role Scheduler
//! assumes) with `TimerEvent::input_template`, retry for up to 24 hours (185
//! attempts, the maximum: firing is idempotent) and then go to the DLQ.
//!
//! Every call here is a full replace (UpdateSchedule resends everything, even
//! StartDate), so repeating one after a failure repairs the timers.

use async_trait::async_trait;
use aws_sdk_scheduler::error::{DisplayErrorContext, SdkError};
use aws_sdk_scheduler::primitives::DateTime;
use aws_sdk_scheduler::types::{
    ActionAfterCompletion, DeadLetterConfig, FlexibleTimeWindow, FlexibleTimeWindowMode, RetryPolicy, ScheduleState,
    Target,
};
use ferry_core::model::schedule::Schedule;
use ferry_core::ports::ScheduleTimers;
use ferry_core::recurrence::{next_gap_fixup, scheduler_plan, Recurrence};
use ferry_core::PortError;
use jiff::Timestamp;

use super::timer_event::TimerEvent;
use crate::settings::{require, AwsSettings, MissingSetting};

/// How long Scheduler keeps retrying a firing the trigger failed.
pub const MAX_EVENT_AGE_SECS: i32 = 24 * 3600;
/// Scheduler's maximum; with exponential back-off they span the 24 hours.
pub const MAX_RETRY_ATTEMPTS: i32 = 185;

/// Where the timers live and what they call.
#[derive(Debug, Clone)]
pub struct TimerTargets {
    /// The schedule group (`FERRY_SCHEDULE_GROUP`).
    pub group: String,
    /// The trigger Lambda's ARN (`FERRY_TRIGGER_FUNCTION_ARN`).
    pub trigger_function_arn: String,
    /// The role Scheduler assumes to invoke it (`FERRY_SCHEDULER_ROLE_ARN`).
    pub role_arn: String,
    /// The SQS queue of firings that exhausted their retries (`FERRY_SCHEDULER_DLQ_ARN`).
    pub dead_letter_arn: String,
}

impl TimerTargets {
    pub fn from_settings(settings: &AwsSettings) -> Result<Self, MissingSetting> {
        let owned = |value: &Option<String>, name, why| require(value, name, why).map(str::to_string);
        Ok(TimerTargets {
            group: owned(&settings.schedule_group, "FERRY_SCHEDULE_GROUP", "the group of schedule timers")?,
            trigger_function_arn: owned(
                &settings.trigger_function_arn,
                "FERRY_TRIGGER_FUNCTION_ARN",
                "what schedule timers invoke",
            )?,
            role_arn: owned(&settings.scheduler_role_arn, "FERRY_SCHEDULER_ROLE_ARN", "the role timers run as")?,
            dead_letter_arn: owned(&settings.scheduler_dlq_arn, "FERRY_SCHEDULER_DLQ_ARN", "undeliverable firings")?,
        })
    }
}

pub struct EventBridgeTimers {
    client: aws_sdk_scheduler::Client,
    targets: TimerTargets,
}

/// One timer as sent to Create/UpdateSchedule.
struct TimerSpec {
    name: String,
    expression: String,
    timezone: String,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
    enabled: bool,
    one_time: bool,
}

/// The name of the recurring timer: the schedule id (`sch_` + 26, within the 64 allowed).
pub fn recurring_timer_name(schedule_id: &str) -> String {
    schedule_id.to_string()
}

/// The name of the fix-up timer at `at`: `sch_…-dst-20260329T013000Z` (51 characters).
pub fn fixup_timer_name(schedule_id: &str, at: Timestamp) -> String {
    format!("{}{}", fixup_prefix(schedule_id), at.strftime("%Y%m%dT%H%M%SZ"))
}

fn fixup_prefix(schedule_id: &str) -> String {
    format!("{schedule_id}-dst-")
}

/// `at(2026-03-29T01:30:00)`, read in `ScheduleExpressionTimezone` UTC.
fn at_expression(at: Timestamp) -> String {
    format!("at({})", at.strftime("%Y-%m-%dT%H:%M:%S"))
}

fn sdk_time(t: Timestamp) -> DateTime {
    DateTime::from_secs(t.as_second())
}

fn failed<E, R>(what: &str, name: &str, e: SdkError<E, R>) -> PortError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    PortError::caused(format!("EventBridge Scheduler {what} {name}: {}", DisplayErrorContext(&e)), e)
}

fn recurrence_of(s: &Schedule, now: Timestamp) -> Result<Recurrence, PortError> {
    s.recurrence
        .parse(now)
        .map_err(|e| PortError::backend(format!("schedule {}: stored recurrence does not parse: {e}", s.id)))
}

impl EventBridgeTimers {
    pub fn new(client: aws_sdk_scheduler::Client, targets: TimerTargets) -> Self {
        EventBridgeTimers { client, targets }
    }

    fn target(&self, schedule_id: &str) -> Result<Target, PortError> {
        Target::builder()
            .arn(&self.targets.trigger_function_arn)
            .role_arn(&self.targets.role_arn)
            .input(TimerEvent::input_template(schedule_id))
            .retry_policy(
                RetryPolicy::builder()
                    .maximum_event_age_in_seconds(MAX_EVENT_AGE_SECS)
                    .maximum_retry_attempts(MAX_RETRY_ATTEMPTS)
                    .build(),
            )
            .dead_letter_config(DeadLetterConfig::builder().arn(&self.targets.dead_letter_arn).build())
            .build()
            .map_err(PortError::backend)
    }

    fn window() -> Result<FlexibleTimeWindow, PortError> {
        FlexibleTimeWindow::builder().mode(FlexibleTimeWindowMode::Off).build().map_err(PortError::backend)
    }

    /// Replaces the timer, creating it when it does not exist yet.
    async fn put(&self, schedule_id: &str, spec: &TimerSpec) -> Result<(), PortError> {
        let state = if spec.enabled { ScheduleState::Enabled } else { ScheduleState::Disabled };
        let updated = self
            .client
            .update_schedule()
            .group_name(&self.targets.group)
            .name(&spec.name)
            .schedule_expression(&spec.expression)
            .schedule_expression_timezone(&spec.timezone)
            .set_start_date(spec.start.map(sdk_time))
            .set_end_date(spec.end.map(sdk_time))
            .state(state.clone())
            .flexible_time_window(Self::window()?)
            .target(self.target(schedule_id)?)
            .set_action_after_completion(spec.one_time.then_some(ActionAfterCompletion::Delete))
            .send()
            .await;
        match updated {
            Ok(_) => return Ok(()),
            Err(e) if e.as_service_error().is_some_and(|se| se.is_resource_not_found_exception()) => {}
            Err(e) => return Err(failed("update", &spec.name, e)),
        }
        self.create(schedule_id, spec, state).await
    }

    /// Creates the timer; one that already exists (a concurrent save) is left as it is.
    async fn create(&self, schedule_id: &str, spec: &TimerSpec, state: ScheduleState) -> Result<(), PortError> {
        let created = self
            .client
            .create_schedule()
            .group_name(&self.targets.group)
            .name(&spec.name)
            .schedule_expression(&spec.expression)
            .schedule_expression_timezone(&spec.timezone)
            .set_start_date(spec.start.map(sdk_time))
            .set_end_date(spec.end.map(sdk_time))
            .state(state)
            .flexible_time_window(Self::window()?)
            .target(self.target(schedule_id)?)
            .set_action_after_completion(spec.one_time.then_some(ActionAfterCompletion::Delete))
            .send()
            .await;
        match created {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|se| se.is_conflict_exception()) => Ok(()),
            Err(e) => Err(failed("create", &spec.name, e)),
        }
    }

    async fn delete(&self, name: &str) -> Result<(), PortError> {
        match self.client.delete_schedule().group_name(&self.targets.group).name(name).send().await {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|se| se.is_resource_not_found_exception()) => Ok(()),
            Err(e) => Err(failed("delete", name, e)),
        }
    }

    /// Names of the schedule's fix-up timers.
    async fn fixup_names(&self, schedule_id: &str) -> Result<Vec<String>, PortError> {
        let prefix = fixup_prefix(schedule_id);
        let mut names = Vec::new();
        let mut token = None;
        loop {
            let page = self
                .client
                .list_schedules()
                .group_name(&self.targets.group)
                .name_prefix(&prefix)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| failed("list", &prefix, e))?;
            // Filtered again: the prefix is a server-side nicety, not something to bet a delete on.
            names.extend(
                page.schedules().iter().filter_map(|s| s.name()).filter(|n| n.starts_with(&prefix)).map(String::from),
            );
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(names),
            }
        }
    }

    fn fixup_spec(schedule_id: &str, at: Timestamp) -> TimerSpec {
        TimerSpec {
            name: fixup_timer_name(schedule_id, at),
            expression: at_expression(at),
            timezone: "UTC".to_string(),
            start: None,
            end: None,
            enabled: true,
            one_time: true,
        }
    }

    /// The next fix-up instant a live schedule needs after `now`.
    fn next_fixup(s: &Schedule, r: &Recurrence, now: Timestamp) -> Option<Timestamp> {
        if s.paused {
            return None;
        }
        next_gap_fixup(r, now)
    }
}

#[async_trait]
impl ScheduleTimers for EventBridgeTimers {
    async fn schedule_saved(&self, s: &Schedule, now: Timestamp) -> Result<(), PortError> {
        let r = recurrence_of(s, now)?;
        let plan = scheduler_plan(&r).starting_no_earlier_than(now);
        if plan.end_date.is_some_and(|end| end <= now) {
            // Nothing left to fire; Scheduler would refuse an EndDate in the past anyway.
            return self.schedule_deleted(&s.id).await;
        }
        let recurring = TimerSpec {
            name: recurring_timer_name(&s.id),
            expression: plan.expression,
            timezone: plan.timezone,
            start: plan.start_date,
            end: plan.end_date,
            enabled: !s.paused,
            one_time: false,
        };
        self.put(&s.id, &recurring).await?;

        let wanted = Self::next_fixup(s, &r, now).map(|at| Self::fixup_spec(&s.id, at));
        let existing = self.fixup_names(&s.id).await?;
        for name in &existing {
            if wanted.as_ref().is_none_or(|w| &w.name != name) {
                self.delete(name).await?;
            }
        }
        if let Some(spec) = wanted {
            if !existing.contains(&spec.name) {
                self.create(&s.id, &spec, ScheduleState::Enabled).await?;
            }
        }
        Ok(())
    }

    async fn schedule_fired(&self, s: &Schedule, now: Timestamp) -> Result<(), PortError> {
        let r = recurrence_of(s, now)?;
        // Usually the one already armed: creating it again answers "exists", which is fine.
        // Fix-ups of an older recurrence are not looked for here: `schedule_saved` removed them.
        match Self::next_fixup(s, &r, now) {
            Some(at) => self.create(&s.id, &Self::fixup_spec(&s.id, at), ScheduleState::Enabled).await,
            None => Ok(()),
        }
    }

    async fn schedule_deleted(&self, id: &str) -> Result<(), PortError> {
        self.delete(&recurring_timer_name(id)).await?;
        for name in self.fixup_names(id).await? {
            self.delete(&name).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timer_names_fit_schedulers_limits() {
        let id = "sch_01JQ0000000000000000000000";
        let at: Timestamp = "2026-03-29T01:30:00Z".parse().unwrap();
        let name = fixup_timer_name(id, at);
        assert_eq!(name, "sch_01JQ0000000000000000000000-dst-20260329T013000Z");
        assert!(name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)));
        assert_eq!(at_expression(at), "at(2026-03-29T01:30:00)");
    }
}
