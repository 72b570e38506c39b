//! Deliveries through the real local server: each channel against a peer we
//! did not write (a MIME parser reading the outbox, an HTTP receiver, an
//! asyncssh SFTP server), retries and retention under a manual clock, and the
//! save-time rules (validation, write-only secrets, private networks).

mod at_rest;
mod crash;
mod deliver_when;
mod destination_ids;
mod email;
mod jira_users;
mod limits;
mod link;
pub(crate) mod receiver;
mod rules;
mod s3;
mod s3_dataset;
mod send_test;
mod sftp;
mod summary_rows;
mod webhook;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ferry_core::ports::clock::ManualClock;
use jiff::Timestamp;
use mail_parser::{MessageParser, MimeHeaders};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, AppOptions, TestApp, ADMIN_KEY};

pub(crate) const START: &str = "2026-11-23T08:00:00Z";

pub(crate) fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// A server on a manual clock whose scheduler loop is off (tests run now).
pub(crate) async fn app() -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at(START)));
    let app = spawn_app_with(AppOptions { clock: Some(clock.clone()), scheduler: false, ..Default::default() }).await;
    (app, clock)
}

pub(crate) async fn allow_private_networks(app: &TestApp, allow: bool) {
    let r = app.put(ADMIN_KEY, "/settings", &json!({"allowPrivateNetworks": allow})).await;
    assert_eq!(r.status(), StatusCode::OK);
}

/// A daily schedule of `report` with these destinations, as `key`'s user.
pub(crate) async fn schedule(app: &TestApp, key: &str, report: &str, destinations: Value) -> String {
    let body = json!({"reportId": report, "destinations": destinations,
        "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    let r = app.post(key, "/schedules", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

/// Runs the schedule now and waits for its export to complete; returns the export.
pub(crate) async fn run_now(app: &TestApp, key: &str, schedule: &str) -> Value {
    let r = app.post(key, &format!("/schedules/{schedule}/run"), &json!({})).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED, "{}", r.text().await.unwrap());
    let export: Value = r.json().await.unwrap();
    let done = app.wait_finished(key, export["id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    done
}

/// The history entry of the run of `export_id`.
pub(crate) async fn run_of(app: &TestApp, key: &str, schedule: &str, export_id: &str) -> Value {
    let r = app.get(key, &format!("/schedules/{schedule}/runs")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page: Value = r.json().await.unwrap();
    page["items"].as_array().unwrap().iter().find(|r| r["exportId"] == export_id).cloned().expect("the run is listed")
}

/// Polls the run's history entry until `done` says so (bounded by attempts).
pub(crate) async fn wait_run(
    app: &TestApp,
    key: &str,
    schedule: &str,
    export_id: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..3000 {
        let run = run_of(app, key, schedule, export_id).await;
        if done(&run) {
            return run;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("run {export_id} never reached the expected state: {}", run_of(app, key, schedule, export_id).await);
}

/// Waits until every delivery of the run is DELIVERED or FAILED and the run is decided.
pub(crate) async fn wait_delivered(app: &TestApp, key: &str, schedule: &str, export_id: &str) -> Value {
    wait_run(app, key, schedule, export_id, |r| {
        r["status"] != "RUNNING"
            && r["deliveries"].as_array().is_some_and(|ds| ds.iter().all(|d| d["status"] != "PENDING"))
    })
    .await
}

/// Attempts recorded for destination `index` of a run.
pub(crate) fn attempts(run: &Value, index: usize) -> Vec<Value> {
    run["deliveries"][index]["attempts"].as_array().cloned().unwrap_or_default()
}

/// The `.eml` files of the outbox, oldest first.
pub(crate) fn outbox(app: &TestApp) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(app.data_dir.join("outbox"))
        .map(|dir| dir.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "eml")).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// Waits for the outbox to hold `count` messages.
pub(crate) async fn wait_outbox(app: &TestApp, count: usize) -> Vec<PathBuf> {
    for _ in 0..3000 {
        let files = outbox(app);
        if files.len() >= count {
            return files;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the outbox never held {count} messages: {:?}", outbox(app));
}

/// Follows a URL's 302 (no key) and returns (the Location, the file's bytes).
pub(crate) async fn follow(app: &TestApp, url: &str) -> (String, Vec<u8>) {
    let r = app.client.get(url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FOUND, "{url}: {}", r.text().await.unwrap());
    assert_eq!(r.headers()["cache-control"], "no-store");
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let file = app.client.get(&location).send().await.unwrap();
    assert_eq!(file.status(), StatusCode::OK, "signed URL {location}");
    (location, file.bytes().await.unwrap().to_vec())
}

/// A message as an independent MIME parser reads it: (to, subject, text
/// body, attachments as (name, content type, bytes)).
pub(crate) type Mail = (String, String, String, Vec<(String, String, Vec<u8>)>);

pub(crate) fn read_mail(path: &std::path::Path) -> Mail {
    let raw = std::fs::read(path).unwrap();
    let m = MessageParser::default().parse(&raw).expect("a MIME message");
    let to = m.to().and_then(|a| a.first()).and_then(|a| a.address()).unwrap_or_default().to_string();
    let subject = m.subject().unwrap_or_default().to_string();
    let body = m.body_text(0).unwrap_or_default().to_string();
    let attachments = m
        .attachments()
        .map(|a| {
            let ct =
                a.content_type().map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or(""))).unwrap_or_default();
            (a.attachment_name().unwrap_or_default().to_string(), ct, a.contents().to_vec())
        })
        .collect();
    (to, subject, body, attachments)
}
