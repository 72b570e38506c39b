//! The async job semantics of SPEC: 202, 409 with the running export,
//! 503 + Retry-After before completion, cancel, 410 after cancel, 429.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{error_of, spawn_app, ADMIN_KEY};

#[tokio::test]
async fn second_start_of_a_running_report_returns_409_with_the_running_export() {
    let app = spawn_app().await;
    let report = app.sample_report(ADMIN_KEY, 5_000_000, json!({})).await;
    let first = app.start_export(ADMIN_KEY, &report).await;
    let id = first["id"].as_str().unwrap();
    let r = app.post(ADMIN_KEY, "/exports", &json!({"reportId": report})).await;
    let (status, body) = error_of(r).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "export_running");
    assert_eq!(body["export"]["id"], id);

    // Before completion the download says "not yet", with a hint when to ask again.
    let r = app.get(ADMIN_KEY, &format!("/exports/{id}/download")).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0);

    let r = app.delete(ADMIN_KEY, &format!("/exports/{id}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let done = app.wait_finished(ADMIN_KEY, id).await;
    assert_eq!(done["status"], "CANCELLED");
    // Once it has ended, the report can run again.
    let again = app.start_export(ADMIN_KEY, &report).await;
    assert_ne!(again["id"], first["id"]);
    app.delete(ADMIN_KEY, &format!("/exports/{}", again["id"].as_str().unwrap())).await;
}

#[tokio::test]
async fn cancelling_a_five_million_row_export_stops_it_keeps_progress_and_leaves_no_file() {
    let app = spawn_app().await;
    let report = app.sample_report(ADMIN_KEY, 5_000_000, json!({})).await;
    let started = app.start_export(ADMIN_KEY, &report).await;
    let id = started["id"].as_str().unwrap();
    app.wait_export(ADMIN_KEY, id, |e| e["status"] == "RUNNING" && e["progress"]["completed"].as_u64() > Some(0)).await;

    let r = app.delete(ADMIN_KEY, &format!("/exports/{id}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(matches!(body["status"].as_str(), Some("CANCELLING" | "CANCELLED")), "{body}");

    let done = app.wait_finished(ADMIN_KEY, id).await;
    assert_eq!(done["status"], "CANCELLED");
    let completed = done["progress"]["completed"].as_u64().unwrap();
    assert!(completed > 0 && completed < 5_000_000, "rows so far kept: {completed}");
    assert_eq!(done["progress"]["total"], 5_000_000);
    assert!(done["downloadLink"].is_null());
    let r = app.get(ADMIN_KEY, &format!("/exports/{id}/download")).await;
    assert_eq!(r.status(), StatusCode::GONE);
    assert!(app.stored_files().is_empty(), "partial upload removed: {:?}", app.stored_files());
    // A finished export cannot be cancelled again.
    let (status, body) = error_of(app.delete(ADMIN_KEY, &format!("/exports/{id}")).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "export_finished");
}

#[tokio::test]
async fn the_owners_concurrent_export_limit_answers_429_with_retry_after() {
    let app = spawn_app().await;
    let r = app.put(ADMIN_KEY, "/settings", &json!({"maxConcurrentExportsPerUser": 1})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let settings: serde_json::Value = r.json().await.unwrap();
    assert_eq!(settings["maxConcurrentExportsPerUser"], 1);
    assert_eq!(settings["maxAttachmentMb"], 25, "PUT merges: other settings keep their defaults");

    let big = app.sample_report(ADMIN_KEY, 5_000_000, json!({})).await;
    let other = app.sample_report(ADMIN_KEY, 10, json!({})).await;
    let first = app.start_export(ADMIN_KEY, &big).await;
    let r = app.post(ADMIN_KEY, "/exports", &json!({"reportId": other})).await;
    assert!(r.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() > 0);
    let (status, body) = error_of(r).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"]["code"], "too_many_requests");
    app.delete(ADMIN_KEY, &format!("/exports/{}", first["id"].as_str().unwrap())).await;
}

#[tokio::test]
async fn export_status_location_and_list_newest_first() {
    let app = spawn_app().await;
    let report = app.sample_report(ADMIN_KEY, 20, json!({})).await;
    let r = app.post(ADMIN_KEY, "/exports", &json!({"reportId": report})).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let first: serde_json::Value = r.json().await.unwrap();
    assert_eq!(location, format!("{}/v1/exports/{}", app.url, first["id"].as_str().unwrap()));
    assert_eq!(first["statusLink"], location);
    assert_eq!(first["trigger"], "api");
    assert!(first["scheduleId"].is_null());
    app.wait_finished(ADMIN_KEY, first["id"].as_str().unwrap()).await;
    let second = app.start_export(ADMIN_KEY, &report).await;
    app.wait_finished(ADMIN_KEY, second["id"].as_str().unwrap()).await;

    let r = app.get(ADMIN_KEY, &format!("/exports?reportId={report}&pageSize=1")).await;
    let page: serde_json::Value = r.json().await.unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["id"], second["id"], "newest first");
    let cursor = page["nextCursor"].as_str().unwrap();
    let r = app.get(ADMIN_KEY, &format!("/exports?reportId={report}&pageSize=1&cursor={cursor}")).await;
    let page: serde_json::Value = r.json().await.unwrap();
    assert_eq!(page["items"][0]["id"], first["id"]);
    assert!(page["nextCursor"].is_null());

    let r = app.get(ADMIN_KEY, "/exports?status=completed").await;
    let page: serde_json::Value = r.json().await.unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
}
