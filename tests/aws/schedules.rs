//! Ferry schedules and their EventBridge Scheduler timers through the `api`
//! function, and Scheduler's firing delivered to the `trigger` function.

use aws_sdk_scheduler::types::ScheduleState;
use jiff::{tz::TimeZone, Timestamp, ToSpan};
use serde_json::json;

use crate::events::scheduler_input;
use crate::stack::Stack;

/// An occurrence of "daily at 09:00 Europe/Berlin" a week from now, as
/// Scheduler writes `<aws.scheduler.scheduled-time>`.
fn next_week_at_nine_in_berlin() -> String {
    let berlin = TimeZone::get("Europe/Berlin").unwrap();
    let day = Timestamp::now().to_zoned(berlin.clone()).date() + 7.days();
    let at = day.at(9, 0, 0, 0).to_zoned(berlin).unwrap().timestamp();
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[tokio::test]
async fn saving_pausing_and_deleting_a_schedule_creates_disables_and_deletes_its_timer() {
    let stack = Stack::new().await;
    let report = stack.sample_report(50).await;
    let body = json!({"reportId": report, "destinations": [{"type": "link"}],
        "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "Europe/Berlin"}});
    let r = stack.api("POST", "/v1/schedules", Some(body)).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();

    let get = || stack.clients.scheduler.get_schedule().group_name(&stack.group).name(&id).send();
    let timer = get().await.expect("the timer exists");
    assert_eq!(timer.schedule_expression(), Some("cron(0 9 * * ? *)"));
    assert_eq!(timer.schedule_expression_timezone(), Some("Europe/Berlin"));
    assert_eq!(timer.state(), Some(&ScheduleState::Enabled));
    let target = timer.target().expect("a target");
    assert_eq!(Some(target.arn()), stack.settings.trigger_function_arn.as_deref());
    assert_eq!(Some(target.role_arn()), stack.settings.scheduler_role_arn.as_deref());
    let input = target.input().expect("an input").to_string();
    assert!(input.contains(&id) && input.contains("<aws.scheduler.scheduled-time>"), "{input}");

    let paused = stack.api("POST", &format!("/v1/schedules/{id}/pause"), None).await;
    assert_eq!(paused.status, 200, "{:?}", paused.body);
    assert_eq!(get().await.unwrap().state(), Some(&ScheduleState::Disabled));
    let firing = scheduler_input(&input, &next_week_at_nine_in_berlin());
    assert_eq!(stack.trigger(firing.clone()).await["outcome"], "skipped", "a paused schedule does not run");

    let resumed = stack.api("POST", &format!("/v1/schedules/{id}/resume"), None).await;
    assert_eq!(resumed.status, 200, "{:?}", resumed.body);
    assert_eq!(get().await.unwrap().state(), Some(&ScheduleState::Enabled));

    // Scheduler's firing starts the occurrence's export once; a repeat is a no-op.
    let started = stack.trigger(firing.clone()).await;
    assert_eq!(started["outcome"], "started", "{started}");
    let export_id = started["exportId"].as_str().unwrap();
    let export = stack.export_status(export_id).await;
    assert_eq!((export["status"].as_str(), export["trigger"].as_str()), (Some("QUEUED"), Some("schedule")));
    assert_eq!(export["scheduleId"], id.as_str());
    assert_eq!(stack.trigger(firing).await["outcome"], "duplicate");
    let runs = stack.api("GET", &format!("/v1/schedules/{id}/runs"), None).await;
    assert_eq!(runs.body["items"].as_array().unwrap().len(), 1, "{:?}", runs.body);
    stack.drain_exports().await;
    assert_eq!(stack.export_status(export_id).await["status"], "COMPLETED");

    let deleted = stack.api("DELETE", &format!("/v1/schedules/{id}"), None).await;
    assert_eq!(deleted.status, 204, "{:?}", deleted.body);
    let gone = get().await.expect_err("the timer is deleted");
    assert!(gone.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()), "{gone:?}");
}

#[tokio::test]
async fn the_maintenance_event_runs_the_retention_sweep_and_a_foreign_event_is_ignored() {
    let stack = Stack::new().await;
    let swept = stack.trigger(json!({"task": "sweep"})).await;
    assert_eq!(swept, json!({"outcome": "swept", "deleted": 0, "abortedUploads": 0}));
    let ignored = stack.trigger(json!({"detail-type": "Scheduled Event", "source": "aws.events"})).await;
    assert_eq!(ignored["outcome"], "ignored");
}
