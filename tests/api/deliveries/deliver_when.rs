//! `deliverWhen` through the real server: `nonEmpty` leaves out a 0-row
//! run's mail and webhook; `changed` delivers the first run, leaves out an
//! identical one (also XLSX and zipped files, whose bytes differ by their
//! time stamps), delivers changed data, and still delivers to a destination
//! whose last delivery failed. Skipped runs succeed and reset the failure count.

use std::time::Duration;

use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::receiver::Receiver;
use super::{allow_private_networks, app, attempts, outbox, run_now, wait_delivered, wait_outbox};
use crate::helpers::{TestApp, ADMIN_KEY};

/// A sample connection and a report over it; returns (connection, report).
async fn sample(app: &TestApp, rows: u64, report: Value) -> (String, String) {
    let connection = app.sample_connection(ADMIN_KEY, rows, 7).await;
    let mut body = json!({"name": "Sample issues", "connectionId": connection, "reportType": "issues"});
    for (k, v) in report.as_object().cloned().unwrap_or_default() {
        body[k] = v;
    }
    let r = app.post(ADMIN_KEY, "/reports", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    (connection, r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string())
}

/// Changes the rows the sample connection yields.
async fn set_rows(app: &TestApp, connection: &str, rows: u64) {
    let body = json!({"name": "sample", "kind": "sample", "settings": {"rows": rows, "seed": 7}});
    let r = app.put(ADMIN_KEY, &format!("/connections/{connection}"), &body).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
}

async fn schedule_when(app: &TestApp, report: &str, when: &str, destinations: Value) -> String {
    let body = json!({"reportId": report, "destinations": destinations, "deliverWhen": when,
        "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    let r = app.post(ADMIN_KEY, "/schedules", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let shown: Value = r.json().await.unwrap();
    assert_eq!(shown["deliverWhen"], when);
    shown["id"].as_str().unwrap().to_string()
}

/// Runs the schedule now and waits until the run is decided and written to
/// the schedule (`lastRun`, the failure count): (export, run).
async fn run(app: &TestApp, schedule: &str) -> (Value, Value) {
    let export = run_now(app, ADMIN_KEY, schedule).await;
    let id = export["id"].as_str().unwrap();
    let run = wait_delivered(app, ADMIN_KEY, schedule, id).await;
    for _ in 0..3000 {
        let s: Value = app.get(ADMIN_KEY, &format!("/schedules/{schedule}")).await.json().await.unwrap();
        if s["lastRun"]["exportId"] == id && s["lastRun"]["status"] != "RUNNING" {
            return (export, run);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the run of {id} was never written to the schedule");
}

async fn failures(app: &TestApp, schedule: &str) -> u64 {
    let s: Value = app.get(ADMIN_KEY, &format!("/schedules/{schedule}")).await.json().await.unwrap();
    s["consecutiveFailures"].as_u64().unwrap()
}

/// (status, reason) of each delivery of a run.
fn statuses(run: &Value) -> Vec<(String, Option<String>)> {
    run["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["status"].as_str().unwrap().to_string(), d["reason"].as_str().map(String::from)))
        .collect()
}

fn status(s: &str, reason: Option<&str>) -> (String, Option<String>) {
    (s.to_string(), reason.map(String::from))
}

#[tokio::test]
async fn non_empty_skips_a_zero_row_runs_email_and_webhook_records_skipped_and_resets_the_failure_count() {
    let (app, _clock) = app().await;
    allow_private_networks(&app, true).await;
    // The receiver refuses the first request for good (a 404 is not retried).
    let receiver = Receiver::start(&[404]).await;
    let (connection, report) = sample(&app, 5, json!({})).await;
    let destinations =
        json!([{"type": "email", "to": ["ops@example.org"]}, {"type": "webhook", "url": receiver.url("/in")}]);
    let schedule = schedule_when(&app, &report, "nonEmpty", destinations).await;

    let (_, first) = run(&app, &schedule).await;
    assert_eq!(first["status"], "FAILED", "{first}");
    assert_eq!(statuses(&first), vec![status("DELIVERED", None), status("FAILED", None)]);
    assert_eq!(failures(&app, &schedule).await, 1);
    wait_outbox(&app, 1).await;

    set_rows(&app, &connection, 0).await;
    let (export, second) = run(&app, &schedule).await;
    assert_eq!(export["rows"], 0);
    assert_eq!(second["status"], "SUCCEEDED", "{second}");
    assert_eq!(statuses(&second), vec![status("SKIPPED", Some("empty")), status("SKIPPED", Some("empty"))]);
    assert!(attempts(&second, 0).is_empty() && attempts(&second, 1).is_empty(), "nothing was attempted: {second}");
    assert_eq!(failures(&app, &schedule).await, 0, "a skipped run is a success");
    assert_eq!(outbox(&app).len(), 1, "no second mail");
    assert_eq!(receiver.requests().len(), 1, "no second request");
    let s: Value = app.get(ADMIN_KEY, &format!("/schedules/{schedule}")).await.json().await.unwrap();
    assert_eq!(s["lastRun"]["status"], "SUCCEEDED");
}

#[tokio::test]
async fn changed_skips_identical_content_whatever_the_file_bytes_and_delivers_changed_data() {
    let (app, clock) = app().await;
    allow_private_networks(&app, true).await;
    let cases = [json!({"format": "csv"}), json!({"format": "xlsx"}), json!({"format": "csv", "compress": true})];
    let mut first_contents = Vec::new();
    for report_fields in cases {
        let receiver = Receiver::start(&[]).await;
        let (connection, report) = sample(&app, 25, report_fields.clone()).await;
        let schedule =
            schedule_when(&app, &report, "changed", json!([{"type": "webhook", "url": receiver.url("/in")}])).await;

        let (one, first) = run(&app, &schedule).await;
        assert_eq!(statuses(&first), vec![status("DELIVERED", None)], "{report_fields}: {first}");
        assert_eq!(receiver.requests().len(), 1);
        first_contents.push(one["contentSha256"].clone());

        // A later run of the same rows: its file differs by its time stamps
        // (XLSX properties, zip entries), not by its content.
        clock.advance(SignedDuration::from_hours(24));
        let (two, second) = run(&app, &schedule).await;
        assert_eq!(second["status"], "SUCCEEDED", "{report_fields}: {second}");
        assert_eq!(statuses(&second), vec![status("SKIPPED", Some("unchanged"))], "{report_fields}");
        assert!(attempts(&second, 0).is_empty());
        assert_eq!(receiver.requests().len(), 1, "{report_fields}: nothing sent");
        assert_eq!(one["contentSha256"], two["contentSha256"], "{report_fields}");
        if report_fields != json!({"format": "csv"}) {
            let (a, b) = (
                app.download(ADMIN_KEY, one["id"].as_str().unwrap()).await,
                app.download(ADMIN_KEY, two["id"].as_str().unwrap()).await,
            );
            assert_ne!(a, b, "{report_fields}: the files' bytes differ");
            assert_ne!(one["sha256"], two["sha256"], "{report_fields}");
        }

        set_rows(&app, &connection, 26).await;
        clock.advance(SignedDuration::from_hours(24));
        let (three, third) = run(&app, &schedule).await;
        assert_ne!(three["contentSha256"], two["contentSha256"]);
        assert_eq!(statuses(&third), vec![status("DELIVERED", None)], "{report_fields}: {third}");
        let requests = receiver.requests();
        assert_eq!(requests.len(), 2, "{report_fields}");
        assert_eq!(requests[1].header("x-ferry-execution-id"), three["id"].as_str());
    }
    assert!(first_contents[0].as_str().is_some_and(|h| h.len() == 64));
    assert!(first_contents.iter().all(|c| *c == first_contents[0]), "the same rows in any format: {first_contents:?}");
}

#[tokio::test]
async fn changed_still_delivers_to_a_destination_whose_last_delivery_failed() {
    let (app, clock) = app().await;
    allow_private_networks(&app, true).await;
    let good = Receiver::start(&[]).await;
    let flaky = Receiver::start(&[404]).await;
    let (_, report) = sample(&app, 12, json!({})).await;
    let destinations = json!([{"type": "webhook", "url": good.url("/a")}, {"type": "webhook", "url": flaky.url("/b")}]);
    let schedule = schedule_when(&app, &report, "changed", destinations).await;

    let (_, first) = run(&app, &schedule).await;
    assert_eq!(statuses(&first), vec![status("DELIVERED", None), status("FAILED", None)], "{first}");
    assert_eq!(first["status"], "FAILED");
    assert_eq!(failures(&app, &schedule).await, 1);

    clock.advance(SignedDuration::from_hours(24));
    let (_, second) = run(&app, &schedule).await;
    assert_eq!(statuses(&second), vec![status("SKIPPED", Some("unchanged")), status("DELIVERED", None)], "{second}");
    assert_eq!(second["status"], "SUCCEEDED");
    assert_eq!(failures(&app, &schedule).await, 0);
    assert_eq!((good.requests().len(), flaky.requests().len()), (1, 2));

    clock.advance(SignedDuration::from_hours(24));
    let (_, third) = run(&app, &schedule).await;
    assert_eq!(
        statuses(&third),
        vec![status("SKIPPED", Some("unchanged")), status("SKIPPED", Some("unchanged"))],
        "both now have this content: {third}"
    );
    assert_eq!(third["status"], "SUCCEEDED");
    assert_eq!((good.requests().len(), flaky.requests().len()), (1, 2));
}

#[tokio::test]
async fn deliver_when_defaults_to_always_and_an_unknown_value_is_a_400() {
    let (app, _clock) = app().await;
    let (_, report) = sample(&app, 0, json!({})).await;
    let body = json!({"reportId": report, "destinations": [{"type": "link"}],
        "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    let r = app.post(ADMIN_KEY, "/schedules", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let schedule: Value = r.json().await.unwrap();
    assert_eq!(schedule["deliverWhen"], "always");
    let (_, run) = run(&app, schedule["id"].as_str().unwrap()).await;
    assert_eq!(statuses(&run), vec![status("DELIVERED", None)], "an empty file is still delivered: {run}");

    let mut bad = body.clone();
    bad["deliverWhen"] = json!("sometimes");
    let r = app.post(ADMIN_KEY, "/schedules", &bad).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["error"]["details"][0]["field"], "deliverWhen", "{err}");

    let doc: Value = app.client.get(format!("{}/v1/openapi.json", app.url)).send().await.unwrap().json().await.unwrap();
    let text = doc.to_string();
    assert!(text.contains("deliverWhen") && text.contains("nonEmpty") && text.contains("SKIPPED"));
    assert!(text.contains("contentSha256") && text.contains("unchanged"));
    assert!(text.contains("secretAccessKey") && text.contains("s3AllowedBuckets") && text.contains("s3ExternalId"));
}
