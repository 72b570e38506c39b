//! `POST /v1/destinations/test` (Send test) against a real HTTP receiver,
//! and `GET /v1/connections/{id}/users` against the Jira simulator: the test
//! file is the report's first 20 rows named with `_test`, nothing is
//! recorded as a run, one test per user every 10 s (the clock port decides),
//! a stored destination's secrets are used with `scheduleId` and its id, and
//! the private-network guard applies as on a save.

use hmac::{Hmac, Mac};
use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Sha256;

use super::receiver::{closed_port, Receiver};
use super::{allow_private_networks, app, schedule};
use crate::helpers::{error_of, sha256_hex, ADMIN_KEY};
use crate::jira_ferry::jira_connection;
use crate::jira_sim::JiraSim;

#[tokio::test]
async fn a_send_test_posts_twenty_rows_named_test_answers_the_status_records_no_run_and_waits_ten_seconds() {
    let (app, clock) = app().await;
    allow_private_networks(&app, true).await;
    let receiver = Receiver::start(&[]).await;
    let report = app.sample_report(ADMIN_KEY, 30, json!({"name": "Weekly", "fileName": "weekly.csv"})).await;
    let body =
        json!({"reportId": report, "destination": {"type": "webhook", "url": receiver.url("/in"), "headers": {}}});

    let r = app.post(ADMIN_KEY, "/destinations/test", &body).await;
    assert_eq!(r.status(), StatusCode::OK);
    let answer: Value = r.json().await.unwrap();
    assert_eq!((answer["ok"].clone(), answer["outcome"].clone()), (json!(true), json!("DELIVERED")), "{answer}");
    assert_eq!(answer["details"], "HTTP 200 OK", "{answer}");
    assert_eq!(answer["fileName"], "weekly_test.csv");
    let got = receiver.requests();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].header("content-disposition"), Some("attachment; filename=\"weekly_test.csv\""));
    let text = String::from_utf8(got[0].body.clone()).unwrap();
    // Cells may hold line breaks: count the rows by their keys.
    let keys: Vec<&str> =
        text.lines().filter(|l| l.starts_with("DEMO-")).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(keys.len(), 20, "the first 20 rows: {text}");
    assert_eq!((keys[0], keys[19]), ("DEMO-1", "DEMO-20"));
    assert_eq!(got[0].header("x-ferry-content-sha256"), Some(sha256_hex(&got[0].body).as_str()));
    let exports: Value = app.get(ADMIN_KEY, "/exports").await.json().await.unwrap();
    assert_eq!(exports["items"].as_array().unwrap().len(), 0, "nothing recorded: {exports}");

    clock.advance(SignedDuration::from_secs(9));
    let (status, error) = error_of(app.post(ADMIN_KEY, "/destinations/test", &body).await).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{error}");
    assert_eq!(receiver.requests().len(), 1, "the refused test sent nothing");
    clock.advance(SignedDuration::from_secs(1));
    let r = app.post(ADMIN_KEY, "/destinations/test", &body).await;
    assert_eq!(r.status(), StatusCode::OK, "ten seconds later a test goes again");
}

#[tokio::test]
async fn a_failing_test_says_why_and_a_stored_destination_lends_its_secrets() {
    let (app, clock) = app().await;
    allow_private_networks(&app, true).await;
    let receiver = Receiver::start(&[]).await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({"name": "Signed"})).await;
    let dest =
        json!([{"type": "webhook", "url": receiver.url("/in"), "headers": {"X-Key": "h3ad3r"}, "secret": "s3cret"}]);
    let schedule = schedule(&app, ADMIN_KEY, &report, dest).await;
    let saved: Value = app.get(ADMIN_KEY, &format!("/schedules/{schedule}")).await.json().await.unwrap();
    let mut stored = saved["destinations"][0].clone();
    assert_eq!(stored["secret"], "***", "{stored}");

    let body = json!({"reportId": report, "scheduleId": schedule, "destination": stored});
    let answer: Value = app.post(ADMIN_KEY, "/destinations/test", &body).await.json().await.unwrap();
    assert_eq!(answer["ok"], true, "{answer}");
    let got = &receiver.requests()[0];
    assert_eq!(got.header("x-key"), Some("h3ad3r"), "the stored header value");
    let signature = got.header("x-ferry-signature").unwrap();
    let t = signature.split(',').next().unwrap().trim_start_matches("t=");
    let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
    mac.update(format!("{t}.{}", sha256_hex(&got.body)).as_bytes());
    assert!(signature.ends_with(&hex::encode(mac.finalize().into_bytes())), "signed with the stored secret");

    clock.advance(SignedDuration::from_secs(10));
    let port = closed_port().await;
    stored["url"] = json!(format!("http://127.0.0.1:{port}/in"));
    let body = json!({"reportId": report, "scheduleId": schedule, "destination": stored});
    let answer: Value = app.post(ADMIN_KEY, "/destinations/test", &body).await.json().await.unwrap();
    assert_eq!((answer["ok"].clone(), answer["outcome"].clone()), (json!(false), json!("FAILED")), "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("127.0.0.1"), "{answer}");
    let runs: Value = app.get(ADMIN_KEY, &format!("/schedules/{schedule}/runs")).await.json().await.unwrap();
    assert_eq!(runs["items"].as_array().unwrap().len(), 0, "a test is no run: {runs}");
}

#[tokio::test]
async fn a_test_to_a_private_address_is_refused_naming_the_field_unless_allowed() {
    let (app, _clock) = app().await;
    let receiver = Receiver::start(&[]).await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({"name": "Guarded"})).await;
    let body =
        json!({"reportId": report, "destination": {"type": "webhook", "url": receiver.url("/in"), "headers": {}}});
    let (status, error) = error_of(app.post(ADMIN_KEY, "/destinations/test", &body).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert_eq!(error["error"]["details"][0]["field"], "destination.url", "{error}");
    assert!(receiver.requests().is_empty());
}

#[tokio::test]
async fn jira_users_are_found_by_name_with_their_account_ids() {
    let sim = JiraSim::start(3).await;
    let (app, _clock) = app().await;
    allow_private_networks(&app, true).await;
    let connection = jira_connection(&app, &sim, json!({})).await;
    let r = app.get(ADMIN_KEY, &format!("/connections/{connection}/users?query=zo")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let found: Value = r.json().await.unwrap();
    assert_eq!(
        found,
        json!([{"accountId": "5fc9e78d2730d800760becc4", "displayName": "Zoë Ångström", "emailAddress": "zoe@example.org"}])
    );
    let hidden: Value =
        app.get(ADMIN_KEY, &format!("/connections/{connection}/users?query=sam")).await.json().await.unwrap();
    assert_eq!(hidden, json!([{"accountId": "6300ff00ee11dd22cc33bb44", "displayName": "Sam Doe"}]));

    let sample = app.post(ADMIN_KEY, "/connections", &json!({"name": "s", "kind": "sample", "settings": {}})).await;
    let sample = sample.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let (status, error) = error_of(app.get(ADMIN_KEY, &format!("/connections/{sample}/users?query=a")).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
}
