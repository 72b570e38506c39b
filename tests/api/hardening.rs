//! The findings of probing Ferry as a hostile but legitimate user, each
//! through HTTP: values Ferry returns are accepted back, every spelling of a
//! private address is refused on save, wrong JSON types and out-of-range
//! numbers name their field, a cancelled export leaves nothing behind, every
//! error body has one shape, and file names are names.

use std::sync::Arc;

use ferry_core::model::export::ExportStatus;
use ferry_core::ports::clock::ManualClock;
use ferry_core::ports::job_policy::StepOutcome;
use ferry_core::usecases::exports::worker::ExportWorker;
use ferry_testkit::PausedUploadStore;
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_of, spawn_app, spawn_app_with, AppOptions, TestApp, ADMIN_KEY};

const FP: &str = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";

/// The fields a 400 names, in order.
async fn refused_fields(app: &TestApp, path: &str, body: &Value) -> Vec<String> {
    let (status, err) = error_of(app.post(ADMIN_KEY, path, body).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {body}: {err}");
    err["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap().to_string()).collect()
}

fn daily(report: &str, destinations: Value) -> Value {
    json!({"reportId": report, "destinations": destinations,
        "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "Europe/Berlin"}})
}

async fn get_json(app: &TestApp, path: &str) -> Value {
    let r = app.get(ADMIN_KEY, path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

/// PUT of exactly what GET returned is 200 and changes nothing.
async fn assert_round_trips(app: &TestApp, path: &str) {
    let before = get_json(app, path).await;
    let r = app.put(ADMIN_KEY, path, &before).await;
    assert_eq!(r.status(), StatusCode::OK, "PUT {path} of its own GET: {}", r.text().await.unwrap());
    let mut after = get_json(app, path).await;
    let mut expected = before.clone();
    for volatile in ["updatedAt", "upcoming", "nextRunAt"] {
        if let (Some(a), Some(e)) = (after.as_object_mut(), expected.as_object_mut()) {
            a.remove(volatile);
            e.remove(volatile);
        }
    }
    assert_eq!(after, expected, "PUT {path} of its own GET changed it");
}

#[tokio::test]
async fn every_resource_accepts_back_what_it_returned() {
    let app = spawn_app().await;
    // A fresh install's settings, emailFrom `ferry@localhost` included.
    assert_eq!(get_json(&app, "/settings").await["emailFrom"], "ferry@localhost");
    assert_round_trips(&app, "/settings").await;

    let report = app.sample_report(ADMIN_KEY, 5, json!({"formatOptions": {"delimiter": ";"}})).await;
    let connection = get_json(&app, &format!("/reports/{report}")).await["connectionId"].as_str().unwrap().to_string();
    assert_round_trips(&app, &format!("/connections/{connection}")).await;
    assert_round_trips(&app, &format!("/reports/{report}")).await;

    let destinations = json!([
        {"type": "email", "to": ["ops@localhost", "\"Team A\"@example.org"], "cc": ["a@[192.0.2.1]"], "subject": "{{reportName}}"},
        {"type": "link", "notify": ["n@example.org"]},
        {"type": "sftp", "host": "sftp.example.org", "username": "u", "password": "pw", "hostKeyFingerprint": FP, "directory": "/in"},
        {"type": "webhook", "url": "https://hooks.example.org/in", "headers": {"X-Token": "t0p"}, "secret": "s3cret"}
    ]);
    let r = app.post(ADMIN_KEY, "/schedules", &daily(&report, destinations)).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let schedule = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    assert_round_trips(&app, &format!("/schedules/{schedule}")).await;

    // Keys take addresses of the same kind as settings and destinations.
    let r = app.post(ADMIN_KEY, "/keys", &json!({"user": "ops", "email": "ops@localhost", "role": "member"})).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let fields = refused_fields(&app, "/keys", &json!({"user": "x", "email": "x@y@", "role": "member"})).await;
    assert_eq!(fields, ["email"]);
}

#[tokio::test]
async fn every_spelling_of_a_private_address_is_refused_when_saved() {
    let app = spawn_app().await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({})).await;
    for url in [
        "http://2130706433/",
        "http://0x7f000001/",
        "http://127.1/",
        "http://0177.0.0.1/",
        "http://017700000001/",
        "http://0/",
        "http://%31%32%37.0.0.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://169.254.169.254/latest",
    ] {
        let webhook = daily(&report, json!([{"type": "webhook", "url": url}]));
        assert_eq!(refused_fields(&app, "/schedules", &webhook).await, ["destinations[0].url"], "{url}");
        let jira = json!({"name": "j", "kind": "jira",
            "settings": {"baseUrl": url, "email": "a@example.org", "apiToken": "t"}});
        assert_eq!(refused_fields(&app, "/connections", &jira).await, ["settings.baseUrl"], "{url}");
    }
    for host in ["127.1", "2130706433", "0x7f000001", "10.1"] {
        let sftp = daily(
            &report,
            json!([{"type": "sftp", "host": host, "username": "u", "password": "p",
                    "hostKeyFingerprint": FP, "directory": "/in"}]),
        );
        assert_eq!(refused_fields(&app, "/schedules", &sftp).await, ["destinations[0].host"], "{host}");
    }
}

#[tokio::test]
async fn a_wrong_json_type_in_an_enum_field_names_the_field_and_the_choices() {
    let app = spawn_app().await;
    let connection = app.sample_connection(ADMIN_KEY, 5, 1).await;
    let report = json!({"name": "r", "connectionId": connection, "reportType": "issues"});
    let with = |k: &str, v: Value| {
        let mut b = report.clone();
        b[k] = v;
        b
    };
    for (path, body, field, choices) in [
        ("/reports", with("format", json!(5)), "format", "`csv`, `xlsx`, `json`, `jsonl`"),
        ("/reports", with("reportType", json!(5)), "reportType", "`issues`"),
        ("/reports", with("visibility", json!(true)), "visibility", "`private` or `public`"),
        ("/connections", json!({"name": "c", "kind": 5}), "kind", "`sample`"),
        ("/keys", json!({"user": "u", "role": 1}), "role", "`admin` or `member`"),
    ] {
        let (status, err) = error_of(app.post(ADMIN_KEY, path, &body).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(err["error"]["details"][0]["field"], field, "{err}");
        let message = err["error"]["details"][0]["message"].as_str().unwrap();
        assert!(message.contains(choices) && !message.contains("line"), "{field}: {message}");
    }
    let created: Value = app.post(ADMIN_KEY, "/reports", &report).await.json().await.unwrap();
    let id = created["id"].as_str().unwrap();
    let mut schedule = daily(id, json!([]));
    schedule["recurrence"]["frequency"] = json!(5);
    let (_, err) = error_of(app.post(ADMIN_KEY, "/schedules", &schedule).await).await;
    assert_eq!(err["error"]["details"][0]["field"], "recurrence.frequency", "{err}");
    assert!(err["error"]["details"][0]["message"].as_str().unwrap().contains("`weekly`"), "{err}");
    let typed = daily(id, json!([{"type": 5}]));
    assert_eq!(refused_fields(&app, "/schedules", &typed).await, ["destinations[0].type"]);
}

#[tokio::test]
async fn a_bad_value_inside_a_destination_names_the_field_itself() {
    let app = spawn_app().await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({})).await;
    let sftp = |port: Value| {
        daily(
            &report,
            json!([{"type": "email", "to": ["a@example.org"]},
                   {"type": "sftp", "host": "sftp.example.org", "port": port, "username": "u", "password": "p",
                    "hostKeyFingerprint": FP, "directory": "/in"}]),
        )
    };
    assert_eq!(refused_fields(&app, "/schedules", &sftp(json!(70000))).await, ["destinations[1].port"]);
    assert_eq!(refused_fields(&app, "/schedules", &sftp(json!(-1))).await, ["destinations[1].port"]);
    assert_eq!(refused_fields(&app, "/schedules", &sftp(json!("22"))).await, ["destinations[1].port"]);
    let wrong =
        daily(&report, json!([{"type": "email", "to": "a@example.org"}, {"type": "link", "retentionDays": "7"}]));
    assert_eq!(
        refused_fields(&app, "/schedules", &wrong).await,
        ["destinations[0].to", "destinations[1].retentionDays"]
    );
    let unknown = daily(&report, json!([{"type": "webhook", "url": "https://example.org", "sekret": "x"}]));
    assert_eq!(refused_fields(&app, "/schedules", &unknown).await, ["destinations[0].sekret"]);
}

/// Upload folders left in the file store.
fn upload_folders(app: &TestApp) -> Vec<String> {
    match std::fs::read_dir(app.data_dir.join("files").join("uploads")) {
        Ok(entries) => entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    }
}

/// The race is between the worker's claim and its first save: the export is
/// RUNNING and its upload started, but the stored export does not name the
/// upload yet. The worker is held right there (the test kit's paused file
/// store), the cancel lands, and the worker's first save must notice it and
/// drop the upload only it knows of.
#[tokio::test]
async fn a_cancel_between_the_claim_and_the_first_save_leaves_no_upload_behind() {
    // No worker of the app's own: the one below, on the pausing store, takes the job.
    let mut app = spawn_app_with(AppOptions { workers: 0, ..Default::default() }).await;
    let report = app.sample_report(ADMIN_KEY, 2_000_000, json!({})).await;
    let id = app.start_export(ADMIN_KEY, &report).await["id"].as_str().unwrap().to_string();
    let mut ports = app.ferry().ports.clone();
    let (paused, mut pause) = PausedUploadStore::wrap(ports.files.clone());
    ports.files = paused;
    let worker = ExportWorker::new(ports.clone(), "race-worker");
    let mut step = tokio::spawn(async move { worker.step().await });

    let held = tokio::select! {
        held = pause.reached() => held,
        ended = &mut step => panic!("the worker ended without starting an upload: {ended:?}"),
    };
    // Claimed and not yet saved: RUNNING under the worker's lease, with no checkpoint.
    let stored = ports.exports.get_export(&id).await.unwrap().expect("the export");
    assert_eq!(stored.status, ExportStatus::Running);
    assert_eq!(stored.lease.as_ref().map(|l| l.owner.as_str()), Some("race-worker"));
    assert!(stored.checkpoint.is_none(), "the first save has not happened: {:?}", stored.checkpoint);
    assert_eq!(upload_folders(&app), std::slice::from_ref(&held.upload_id), "the held worker's upload exists");

    let r = app.delete(ADMIN_KEY, &format!("/exports/{id}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(app.export(ADMIN_KEY, &id).await["status"], "CANCELLING");
    pause.release();
    assert_eq!(step.await.unwrap().unwrap(), StepOutcome::Worked);

    assert_eq!(app.export(ADMIN_KEY, &id).await["status"], "CANCELLED");
    assert_eq!(upload_folders(&app), Vec::<String>::new(), "no upload of a cancelled export remains");
    assert_eq!(app.stored_files(), Vec::<std::path::PathBuf>::new(), "no file of a cancelled export remains");
}

#[tokio::test]
async fn the_sweeper_aborts_uploads_no_export_will_finish_once_a_day_old() {
    let clock = Arc::new(ManualClock::new("2026-06-01T08:00:00Z".parse().unwrap()));
    let mut app = spawn_app_with(AppOptions { clock: Some(clock.clone()), ..Default::default() }).await;
    let ports = app.ferry().ports.clone();
    // An upload of an export that never existed, and one of a live export's key.
    let orphan = ports.files.start_upload("exports/exp_gone/a.csv").await.unwrap();
    let report = app.sample_report(ADMIN_KEY, 3, json!({})).await;
    let export = app.start_export(ADMIN_KEY, &report).await;
    let id = export["id"].as_str().unwrap().to_string();
    assert_eq!(app.wait_finished(ADMIN_KEY, &id).await["status"], "COMPLETED");
    let sweep = ferry_core::usecases::abandoned_uploads::sweep_abandoned_uploads;
    assert_eq!(sweep(&ports).await.unwrap(), 0, "a fresh upload is left alone");
    assert_eq!(upload_folders(&app), std::slice::from_ref(&orphan));
    clock.advance(SignedDuration::from_hours(25));
    assert_eq!(sweep(&ports).await.unwrap(), 1);
    assert_eq!(upload_folders(&app), Vec::<String>::new());
    assert_eq!(
        app.download(ADMIN_KEY, &id).await.len() as u64,
        app.export(ADMIN_KEY, &id).await["bytes"].as_u64().unwrap()
    );
}

/// The short-lived URL the download's 302 points at.
async fn signed_url(app: &TestApp, id: &str) -> String {
    let r = app.get(ADMIN_KEY, &format!("/exports/{id}/download")).await;
    assert_eq!(r.status(), StatusCode::FOUND);
    r.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn signed_url_refusals_have_the_standard_error_shape() {
    let start: Timestamp = "2026-06-01T08:00:00Z".parse().unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let app = spawn_app_with(AppOptions { clock: Some(clock.clone()), ..Default::default() }).await;
    let report = app.sample_report(ADMIN_KEY, 3, json!({})).await;
    let id = app.start_export(ADMIN_KEY, &report).await["id"].as_str().unwrap().to_string();
    app.wait_finished(ADMIN_KEY, &id).await;
    let check = |body: Value, code: &str| {
        assert_eq!(body["error"]["code"], code, "{body}");
        assert_eq!(body["error"]["details"], json!([]), "{body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    };

    let url = signed_url(&app, &id).await;
    let (status, body) = error_of(app.client.get(format!("{url}0")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    check(body, "invalid_signature");

    clock.advance(SignedDuration::from_secs(301));
    let (status, body) = error_of(app.client.get(&url).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    check(body, "link_expired");

    let url = signed_url(&app, &id).await;
    assert_eq!(app.delete(ADMIN_KEY, &format!("/exports/{id}/file")).await.status(), StatusCode::NO_CONTENT);
    let (status, body) = error_of(app.client.get(&url).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::GONE);
    check(body, "file_gone");
}

#[tokio::test]
async fn file_names_with_paths_or_control_characters_are_refused_when_saved() {
    let app = spawn_app().await;
    let connection = app.sample_connection(ADMIN_KEY, 5, 1).await;
    for name in ["../{{exportId}}.csv", "a/b.csv", "..", "x\\y.csv", "a\u{0}b.csv", "a\r\nb.csv", "report..csv"] {
        let body = json!({"name": "r", "connectionId": connection, "reportType": "issues", "fileName": name});
        assert_eq!(refused_fields(&app, "/reports", &body).await, ["fileName"], "{name:?}");
    }
    let report = app.sample_report(ADMIN_KEY, 5, json!({"fileName": "Q1 report (final) {{timestamp}}.{{ext}}"})).await;
    let sftp = |name: &str| {
        daily(
            &report,
            json!([{"type": "sftp", "host": "sftp.example.org", "username": "u", "password": "p",
                    "hostKeyFingerprint": FP, "directory": "/in", "fileName": name}]),
        )
    };
    for name in ["../x.csv", "x\r\n.csv", "a\u{0}"] {
        assert_eq!(refused_fields(&app, "/schedules", &sftp(name)).await, ["destinations[0].fileName"], "{name:?}");
    }
}
