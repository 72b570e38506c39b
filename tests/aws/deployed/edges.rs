//! The rarer paths of the deployed flow, run so that every permission the
//! template grants is used and checked: schedules that pause themselves after
//! five failed runs (judged by the export function, the api and the deliver
//! function in turn, each mailing the owner), a schedule with a DST fix-up
//! timer re-armed by the trigger, the timer of a deleted schedule still
//! firing, and the sweep aborting an abandoned upload.

use mail_parser::MessageParser;
use serde_json::{json, Value};

use super::Deployed;

/// How each of the five runs fails.
#[derive(Clone, Copy, Debug)]
pub enum Failure {
    /// The export job crashed every receive: the export function gives up.
    ExportCrashes,
    /// An admin cancels the queued export through the api.
    Cancelled,
    /// The webhook refuses the file (400): the delivery fails for good.
    WebhookRefuses,
}

/// Five failed runs in a row pause the schedule and mail its owner.
pub async fn pause_after_failures(stack: &Deployed, report: &str, failure: Failure, refusing_webhook: &str) {
    let user = match failure {
        Failure::ExportCrashes => "opsexport",
        Failure::Cancelled => "opscancel",
        Failure::WebhookRefuses => "opswebhook",
    };
    let owner = format!("{user}@e2e.example.org");
    let key = stack.admin("POST", "/v1/keys", Some(json!({"user": user, "email": owner, "role": "admin"}))).await;
    assert_eq!(key.status, 201, "{:?}", key.body);
    let key = key.body["key"].as_str().expect("the new key").to_string();
    let destination = match failure {
        Failure::WebhookRefuses => json!({"type": "webhook", "url": refusing_webhook}),
        _ => json!({"type": "link"}),
    };
    let body = json!({"reportId": report, "destinations": [destination],
        "recurrence": {"frequency": "daily", "time": "07:00", "timezone": "UTC"}});
    let r = stack.call(Some(&key), "POST", "/v1/schedules", Some(body)).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let schedule = r.body["id"].as_str().unwrap().to_string();
    let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    for day in 1..=5 {
        let at = today.checked_add(jiff::Span::new().days(day)).unwrap();
        let started = stack.trigger(json!({"scheduleId": schedule, "scheduledTime": format!("{at}T07:00:00Z")})).await;
        assert_eq!(started["outcome"], "started", "{failure:?} day {day}: {started}");
        match failure {
            Failure::ExportCrashes => {
                let response = stack.export_after_crashes(9).await;
                assert!(response.batch_item_failures.is_empty(), "acked, not left for the DLQ");
            }
            Failure::Cancelled => {
                let id = started["exportId"].as_str().unwrap();
                let r = stack.call(Some(&key), "DELETE", &format!("/v1/exports/{id}"), None).await;
                assert_eq!(r.status, 200, "{:?}", r.body);
                assert_eq!(r.body["status"], "CANCELLED", "cancelled while queued");
                stack.drain_exports().await;
            }
            Failure::WebhookRefuses => {
                stack.drain_exports().await;
                assert_eq!(stack.drain_deliveries().await, 1);
            }
        }
    }
    let paused = stack.call(Some(&key), "GET", &format!("/v1/schedules/{schedule}"), None).await;
    assert_eq!(paused.body["paused"], true, "{failure:?}: {:?}", paused.body);
    // notifyOnFailure (default true): the first failed run's mail, the next
    // three inside its hour held back, then the pause notice.
    let mails = stack.ses_messages_to(&owner).await;
    let subjects: Vec<String> = mails
        .iter()
        .filter_map(|m| MessageParser::default().parse(m.as_bytes())?.subject().map(String::from))
        .collect();
    assert_eq!(subjects.len(), 2, "{failure:?}: a failed-run mail and a pause notice to the owner: {subjects:?}");
    assert!(subjects[0].contains("failed") && !subjects[0].contains("paused"), "{failure:?}: {subjects:?}");
    assert!(subjects[1].contains("paused"), "{failure:?}: {subjects:?}");
    let r = stack.call(Some(&key), "DELETE", &format!("/v1/schedules/{schedule}"), None).await;
    assert!(r.status == 200 || r.status == 204, "{:?}", r.body);
}

/// 02:30 in New York does not exist one night in March: the schedule has a
/// one-time fix-up timer, which each firing of the schedule re-arms.
pub async fn dst_fixup_rearmed(stack: &Deployed, report: &str) {
    let body = json!({"reportId": report, "destinations": [{"type": "link"}],
        "recurrence": {"frequency": "daily", "time": "02:30", "timezone": "America/New_York"}});
    let r = stack.admin("POST", "/v1/schedules", Some(body)).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let schedule = r.body["id"].as_str().unwrap().to_string();
    let fixups = stack.timers_of(&schedule).await.into_iter().filter(|n| n.contains("-dst-")).count();
    assert_eq!(fixups, 1, "one DST fix-up timer armed");
    let tomorrow =
        jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("America/New_York").unwrap()).date().tomorrow();
    let at = tomorrow.unwrap().at(2, 30, 0, 0).to_zoned(jiff::tz::TimeZone::get("America/New_York").unwrap()).unwrap();
    let started = stack.trigger(json!({"scheduleId": schedule, "scheduledTime": at.timestamp().to_string()})).await;
    assert_eq!(started["outcome"], "started", "{started}");
    stack.drain_exports().await;
    stack.drain_deliveries().await;
    let r = stack.admin("DELETE", &format!("/v1/schedules/{schedule}"), None).await;
    assert!(r.status == 200 || r.status == 204, "{:?}", r.body);
    assert!(stack.timers_of(&schedule).await.is_empty(), "the schedule's timers are gone");
}

/// A deleted schedule's timer that fires anyway (its removal failed half
/// way) removes what is left of its timers and starts nothing.
pub async fn deleted_schedule_fires(stack: &Deployed, input: Value) {
    let out = stack.trigger(input).await;
    assert_ne!(out["outcome"], "started", "{out}");
}

/// An upload no export owns (its worker died before saving it) is aborted
/// by the hourly sweep.
pub async fn abandoned_upload_swept(stack: &Deployed) {
    let bucket = &stack.api.0.environment["FERRY_BUCKET"];
    let key = "exports/exp_abandoned/issues.csv";
    stack.harness.s3.create_multipart_upload().bucket(bucket).key(key).send().await.expect("CreateMultipartUpload");
    let swept = stack.trigger(json!({"task": "sweep"})).await;
    assert_eq!(swept["outcome"], "swept", "{swept}");
    assert_eq!(swept["abortedUploads"], 1, "{swept}");
}

impl Deployed {
    /// The names of `schedule`'s timers in the stack's schedule group.
    pub async fn timers_of(&self, schedule: &str) -> Vec<String> {
        let group = &self.api.0.environment["FERRY_SCHEDULE_GROUP"];
        let listed = self.harness.scheduler.list_schedules().group_name(group).send().await.expect("ListSchedules");
        listed
            .schedules()
            .iter()
            .filter_map(|s| s.name())
            .filter(|n| n.starts_with(schedule))
            .map(String::from)
            .collect()
    }
}
