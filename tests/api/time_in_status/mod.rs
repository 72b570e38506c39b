//! `timeInStatus` exports over the real local server against the Jira
//! simulator's status changelogs: every unit, both layouts, CSV and XLSX,
//! around the clock and on a working calendar with a holiday and DST days,
//! equal the durations computed in `expected`; a killed export resumes at
//! its last batch with the same SHA-256; a site without the bulk endpoint
//! gives the same file through each issue's changelog; options are checked
//! on save.

mod expected;
mod rounding;
mod slow_sites;

use std::sync::Arc;

use calamine::{Data, Reader, Xlsx};
use ferry_core::ports::clock::ManualClock;
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_of, sha256_hex, spawn_app_with, AppOptions, TestApp, ADMIN_KEY};
use crate::jira_ferry::{allow_private_networks, jira_connection, run_export};
use crate::jira_sim::changelog::{current_status, SITE_STATUSES};
use crate::jira_sim::{Faults, JiraSim, BULK_CHANGELOG_PATH, SEARCH_PATH};
use expected::{calendar_json, duration_is, expected, Expected, DAY_MS, WORKING_DAY_MS};

const AS_OF: &str = "2026-11-23T10:00:00Z";
const UNITS: [&str; 5] = ["hours", "days", "minutes", "seconds", "duration"];

async fn app_at(clock: &Arc<ManualClock>, workers: usize, part_size: usize) -> TestApp {
    let opts = AppOptions { clock: Some(clock.clone()), workers, part_size, ..Default::default() };
    let app = spawn_app_with(opts).await;
    allow_private_networks(&app, true).await;
    app
}

/// A `timeInStatus` report with columns `key`, `status`.
async fn report(app: &TestApp, connection: &str, query: &str, format: &str, options: Value) -> String {
    let body = json!({"name": "Time in status", "connectionId": connection, "reportType": "timeInStatus",
        "query": query, "columns": [{"field": "key"}, {"field": "status"}], "format": format, "timeInStatus": options});
    let r = app.post(ADMIN_KEY, "/reports", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

/// The file as rows of text; XLSX cells are checked for their type on the way.
fn read_rows(bytes: &[u8], format: &str, unit: &str) -> Vec<Vec<String>> {
    if format == "csv" {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(bytes);
        return reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    }
    let mut book = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (i, row) in range.rows().enumerate() {
        rows.push(
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    Data::Int(k) => k.to_string(),
                    Data::DateTime(_) => "<date>".to_string(),
                    other => panic!("row {i}: unexpected cell {other:?}"),
                })
                .collect(),
        );
        if i > 0 && unit != "duration" {
            // Durations are numbers in XLSX, not text.
            let header = &rows[0];
            let durations = header.iter().enumerate().filter(|(_, h)| h.starts_with("Time in "));
            for (j, _) in durations {
                assert!(matches!(row[j], Data::Float(_) | Data::Int(_) | Data::Empty), "row {i}: {row:?}");
            }
        }
    }
    rows
}

/// What a time column's header ends with: its unit, but for `duration`.
fn unit_suffix(unit: &str) -> String {
    if unit == "duration" {
        String::new()
    } else {
        format!(" ({unit})")
    }
}

/// Checks a wide file: one row per issue, a column per site status.
fn assert_wide(rows: &[Vec<String>], all: &[Vec<Expected>], unit: &str, on_calendar: bool, counts: bool) {
    let issues = all.len() as u32;
    let mut statuses: Vec<&str> = Vec::new();
    for s in SITE_STATUSES {
        if !statuses.contains(&s) {
            statuses.push(s);
        }
    }
    let mut header = vec!["key".to_string(), "status".to_string()];
    header.extend(statuses.iter().map(|s| format!("Time in {s}{}", unit_suffix(unit))));
    if counts {
        header.extend(statuses.iter().map(|s| format!("Times in {s}")));
    }
    assert_eq!(rows[0], header);
    assert_eq!(rows.len() as u32, issues + 1, "one row per issue");
    let day = if on_calendar { WORKING_DAY_MS } else { DAY_MS };
    for (row, n) in rows[1..].iter().zip(1..) {
        assert_eq!((row[0].as_str(), row[1].as_str()), (format!("SIM-{n}").as_str(), current_status(n)));
        let times = &all[n as usize - 1];
        for (i, status) in statuses.iter().enumerate() {
            let cell = &row[2 + i];
            match times.iter().find(|t| t.status == *status) {
                Some(t) => {
                    assert!(duration_is(unit, cell, t.ms, day), "SIM-{n} {status} {unit}: {cell} vs {} ms", t.ms)
                }
                None => assert_eq!(cell, "", "SIM-{n} never was {status}"),
            }
            if counts {
                let entered = times.iter().find(|t| t.status == *status).map_or(0, |t| t.entered);
                assert_eq!(row[2 + statuses.len() + i], entered.to_string(), "SIM-{n} times in {status}");
            }
        }
    }
}

/// Checks a long file: a row per issue and status, by issue then first entry.
fn assert_long(rows: &[Vec<String>], all: &[Vec<Expected>], unit: &str, on_calendar: bool, csv: bool) {
    let time = format!("Time in status{}", unit_suffix(unit));
    assert_eq!(rows[0], ["key", "status", "Status", &time, "Times entered", "First entered", "Last exited"]);
    let day = if on_calendar { WORKING_DAY_MS } else { DAY_MS };
    let mut at = 1;
    for (times, n) in all.iter().zip(1..) {
        for t in times {
            let row = &rows[at];
            at += 1;
            assert_eq!((row[0].as_str(), row[2].as_str()), (format!("SIM-{n}").as_str(), t.status));
            assert!(duration_is(unit, &row[3], t.ms, day), "SIM-{n} {} {unit}: {} vs {} ms", t.status, row[3], t.ms);
            assert_eq!(row[4], t.entered.to_string());
            if csv {
                assert_eq!(row[5].parse::<Timestamp>().unwrap(), t.first, "SIM-{n} {} first entered", t.status);
                assert_eq!(row[6].parse::<Timestamp>().ok(), t.last_exited, "SIM-{n} {} last exited", t.status);
            } else {
                assert_eq!(row[5], "<date>");
                assert_eq!(row[6] == "<date>", t.last_exited.is_some());
            }
        }
    }
    assert_eq!(at, rows.len(), "no other rows");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_unit_layout_and_format_equals_the_durations_of_the_changelogs() {
    const ISSUES: u32 = 2_000;
    let sim = JiraSim::start(ISSUES).await;
    let clock = Arc::new(ManualClock::new(AS_OF.parse().unwrap()));
    let app = app_at(&clock, 2, 64 * 1024).await;
    let connection = jira_connection(&app, &sim, json!({"maxRequestsPerSecond": 100})).await;
    let mut exports = 0;
    let as_of: Timestamp = AS_OF.parse().unwrap();
    for on_calendar in [false, true] {
        let all: Vec<Vec<Expected>> = (1..=ISSUES).map(|n| expected(n, as_of, on_calendar)).collect();
        for layout in ["wide", "long"] {
            for format in ["csv", "xlsx"] {
                for (u, unit) in UNITS.iter().enumerate() {
                    let counts = layout == "wide" && u % 2 == 0;
                    let calendar = if on_calendar { calendar_json() } else { Value::Null };
                    let options = json!({"layout": layout, "unit": unit, "calendar": calendar, "statusCount": counts});
                    let id = report(&app, &connection, "project = SIM ORDER BY key ASC", format, options).await;
                    let done = run_export(&app, json!({"reportId": id})).await;
                    assert_eq!(done["status"], "COMPLETED", "{done}");
                    assert_eq!(done["createdAt"], AS_OF);
                    let bytes = app.download(ADMIN_KEY, done["id"].as_str().unwrap()).await;
                    let rows = read_rows(&bytes, format, unit);
                    match layout {
                        "wide" => assert_wide(&rows, &all, unit, on_calendar, counts),
                        _ => assert_long(&rows, &all, unit, on_calendar, format == "csv"),
                    }
                    assert_eq!(done["rows"], rows.len() - 1);
                    exports += 1;
                }
            }
        }
    }
    // Changelogs came in bulk: a few pages per batch of 1000 issues, never one request per issue.
    let bulk = sim.seen().iter().filter(|s| s.path == BULK_CHANGELOG_PATH).count();
    let per_issue = sim.seen().iter().filter(|s| s.path.ends_with("/changelog")).count();
    assert_eq!(per_issue, 0);
    assert!(bulk >= 2 * exports && bulk <= 8 * exports, "{bulk} bulk requests for {exports} exports");
}

/// Runs `report` to the end at the clock's instant and returns (sha256 of the download, export).
async fn sha_of_export(app: &TestApp, report: &str) -> (String, Value) {
    let done = run_export(app, json!({"reportId": report})).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    let bytes = app.download(ADMIN_KEY, done["id"].as_str().unwrap()).await;
    assert_eq!(done["sha256"], sha256_hex(&bytes));
    (sha256_hex(&bytes), done)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_export_resumes_at_its_last_batch_and_gives_the_same_sha256() {
    let sim = JiraSim::start(4_000).await;
    let clock = Arc::new(ManualClock::new(AS_OF.parse().unwrap()));
    // Parts of 16 KiB: every batch of 1000 issues ends in a checkpoint.
    let mut app = app_at(&clock, 1, 16 * 1024).await;
    let connection = jira_connection(&app, &sim, json!({"maxRequestsPerSecond": 100})).await;
    for layout in ["wide", "long"] {
        let options = json!({"layout": layout, "calendar": calendar_json(), "statusCount": true});
        let id = report(&app, &connection, "project = SIM ORDER BY key ASC", "csv", options).await;
        let (whole, _) = sha_of_export(&app, &id).await;

        sim.set_faults(Faults { page_delay: std::time::Duration::from_millis(150), ..Faults::default() });
        let started = app.start_export(ADMIN_KEY, &id).await;
        let export = started["id"].as_str().unwrap().to_string();
        assert_eq!(started["createdAt"], AS_OF, "the same instant: the same durations");
        app.wait_export(ADMIN_KEY, &export, |e| e["progress"]["completed"].as_u64() > Some(0)).await;
        app.ferry().kill_workers();
        let at_kill = app.export(ADMIN_KEY, &export).await;
        assert_eq!(at_kill["status"], "RUNNING", "{layout} killed mid-export: {at_kill}");
        let firsts_before = sim.seen().iter().filter(|s| s.path == SEARCH_PATH && s.token.is_none()).count();

        clock.advance(SignedDuration::from_secs(61));
        app.ferry().start_workers(1);
        let done = app.wait_finished(ADMIN_KEY, &export).await;
        assert_eq!(done["status"], "COMPLETED", "{done}");
        let bytes = app.download(ADMIN_KEY, &export).await;
        assert_eq!(sha256_hex(&bytes), whole, "{layout}: the resumed file is the uninterrupted one");
        let firsts_after = sim.seen().iter().filter(|s| s.path == SEARCH_PATH && s.token.is_none()).count();
        assert_eq!(firsts_after, firsts_before, "{layout}: the resumed export did not start the search over");
        sim.set_faults(Faults::default());
        clock.set(AS_OF.parse().unwrap());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_bulk_endpoint_each_issues_changelog_gives_the_same_file() {
    let sim = JiraSim::start(600).await;
    // 429s with Retry-After on the way, bulk pages included.
    sim.set_faults(Faults { throttle_every: Some((2, 1)), ..Faults::default() });
    let clock = Arc::new(ManualClock::new(AS_OF.parse().unwrap()));
    let app = app_at(&clock, 1, 64 * 1024).await;
    let connection = jira_connection(&app, &sim, json!({"maxRequestsPerSecond": 100})).await;
    let options = json!({"layout": "wide", "unit": "minutes", "statusCount": true});
    let id = report(&app, &connection, "project = SIM ORDER BY key ASC", "csv", options).await;
    let (bulk, _) = sha_of_export(&app, &id).await;
    assert!(sim.answered(429) >= 3, "throttled {} times", sim.answered(429));
    let bulk_answers: Vec<u16> =
        sim.seen().iter().filter(|s| s.path == BULK_CHANGELOG_PATH).map(|s| s.status).collect();
    assert!(bulk_answers.contains(&429) && bulk_answers.contains(&200), "bulk pages waited out 429s: {bulk_answers:?}");

    sim.set_faults(Faults::default());
    for refusal in [404, 403, 405] {
        sim.set_faults(Faults { bulk_refused: Some(refusal), ..Faults::default() });
        let before = sim.seen().len();
        let (per_issue, done) = sha_of_export(&app, &id).await;
        assert_eq!(per_issue, bulk, "bulk answered {refusal}: the same file");
        assert_eq!(done["rows"], 600);
        let seen = &sim.seen()[before..];
        let refused = seen.iter().filter(|s| s.path == BULK_CHANGELOG_PATH).count();
        assert_eq!(refused, 1, "asked once, then straight to each issue");
        let issue_logs = seen.iter().filter(|s| s.path.ends_with("/changelog")).count();
        let paged = seen.iter().filter(|s| s.path == "/rest/api/3/issue/10500/changelog").count();
        assert!(issue_logs >= 600 && paged >= 2, "{issue_logs} changelog requests, SIM-500's in {paged} pages");
    }
}

#[tokio::test]
async fn bad_options_are_refused_on_save_naming_the_option() {
    let sim = JiraSim::start(10).await;
    let clock = Arc::new(ManualClock::new(AS_OF.parse().unwrap()));
    let app = app_at(&clock, 1, 64 * 1024).await;
    let connection = jira_connection(&app, &sim, json!({})).await;
    let cases = [
        ("timeInStatus", json!({"layout": "diagonal"}), "timeInStatus.layout"),
        ("timeInStatus", json!({"unit": "fortnights"}), "timeInStatus.unit"),
        ("timeInStatus", json!({"statuses": []}), "timeInStatus.statuses"),
        ("timeInStatus", json!({"calendar": {"timezone": "Mars/Base"}}), "timeInStatus.calendar.timezone"),
        (
            "timeInStatus",
            json!({"calendar": {"timezone": "UTC", "hours": "17:00-09:00"}}),
            "timeInStatus.calendar.hours",
        ),
        (
            "timeInStatus",
            json!({"calendar": {"timezone": "UTC", "holidays": ["25.12.2026"]}}),
            "timeInStatus.calendar.holidays[0]",
        ),
        ("issues", json!({"layout": "long"}), "timeInStatus"),
    ];
    for (report_type, options, field) in cases {
        let body = json!({"name": "t", "connectionId": connection, "reportType": report_type, "query": "project = SIM",
            "timeInStatus": options});
        let (status, error) = error_of(app.post(ADMIN_KEY, "/reports", &body).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{options}: {error}");
        assert_eq!(error["error"]["details"][0]["field"], field, "{options}: {error}");
    }
    let sample = app.sample_connection(ADMIN_KEY, 10, 1).await;
    let body = json!({"name": "t", "connectionId": sample, "reportType": "timeInStatus"});
    let (status, error) = error_of(app.post(ADMIN_KEY, "/reports", &body).await).await;
    assert_eq!((status, error["error"]["details"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("reportType")));
    let good =
        report(&app, &connection, "project = SIM", "csv", json!({"layout": "long", "calendar": calendar_json()})).await;
    let saved = app.get(ADMIN_KEY, &format!("/reports/{good}")).await.json::<Value>().await.unwrap();
    assert_eq!(saved["timeInStatus"]["layout"], "long");
    assert_eq!(saved["timeInStatus"]["calendar"]["holidays"], json!(["2025-12-25", "2026-03-30"]));
    let wide =
        report(&app, &connection, "project = SIM ORDER BY key", "csv", json!({"statuses": ["Done", "To Do"]})).await;
    let preview: Value =
        app.post(ADMIN_KEY, &format!("/reports/{wide}/preview"), &json!({})).await.json().await.unwrap();
    assert_eq!(
        preview["columns"],
        json!(["key", "status", "Time in Done (hours)", "Time in To Do (hours)"]),
        "{preview}"
    );
    assert_eq!(preview["rows"].as_array().map(Vec::len), Some(10), "{preview}");
    let fields = app.get(ADMIN_KEY, &format!("/connections/{connection}/fields?reportType=timeInStatus")).await;
    assert_eq!(fields.status(), StatusCode::OK, "the report type is a valid reportType parameter");
}

/// Every `$ref` under `value`, as `#/components/schemas/Name` names.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_openapi_document_describes_the_options_and_to_users() {
    let clock = Arc::new(ManualClock::new(AS_OF.parse().unwrap()));
    let app = app_at(&clock, 1, 64 * 1024).await;
    let doc: Value = app.client.get(app.v1("/openapi.json")).send().await.unwrap().json().await.unwrap();
    let schemas = &doc["components"]["schemas"];
    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in &all {
        let name = r.trim_start_matches("#/components/schemas/");
        assert!(schemas.get(name).is_some(), "{r} is not in the document");
    }
    let text = doc.to_string();
    for needle in ["timeInStatus", "statusCount", "holidays", "toUsers"] {
        assert!(text.contains(needle), "the document mentions {needle}");
    }
}
