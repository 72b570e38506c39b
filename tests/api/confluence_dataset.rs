//! A Confluence site exported as a dataset through the real local server:
//! one zip of `<entity>_<exportId>_<timestamp>.csv` files whose rows equal
//! the simulator's site (every space, page, footer and inline comment, label
//! and account), with a header in every file and escaped line breaks; the
//! default `fromDate` of 365 days; one dataset export per connection at a
//! time (409 naming the running one); and an export killed mid-way resumed
//! to the same files.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;

use ferry_core::ports::clock::ManualClock;
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::confluence_sim::site::{self, SiteSize};
use crate::confluence_sim::{ConfluenceSim, Faults};
use crate::helpers::{error_of, spawn_app, spawn_app_with, AppOptions, TestApp, ADMIN_KEY};
use crate::jira_ferry::{allow_private_networks, run_export};

const ENTITIES: [&str; 5] = ["spaces", "pages", "comments", "labels", "users"];

async fn confluence_connection(app: &TestApp, sim: &ConfluenceSim) -> String {
    let settings = sim.settings(json!({"maxRequestsPerSecond": 100}));
    let r =
        app.post(ADMIN_KEY, "/connections", &json!({"name": "wiki", "kind": "confluence", "settings": settings})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

async fn dataset_report(app: &TestApp, connection: &str, extra: Value) -> Value {
    let mut body = json!({"name": "Wiki tables", "connectionId": connection, "reportType": "dataset"});
    for (k, v) in extra.as_object().cloned().unwrap_or_default() {
        body[k] = v;
    }
    let r = app.post(ADMIN_KEY, "/reports", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

/// The zip's files, by name, in archive order.
pub(crate) fn zip_files(zip: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut text = String::new();
            f.read_to_string(&mut text).expect("entries are UTF-8 and their CRC-32 checks");
            (f.name().unwrap().to_string(), text)
        })
        .collect()
}

/// A CSV file's header and records.
pub(crate) fn table(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().iter().map(str::to_string).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    (header, rows)
}

fn time(cell: &str) -> Timestamp {
    cell.parse().unwrap_or_else(|e| panic!("{cell:?}: {e}"))
}

/// Checks every file against the simulated site; returns the rows per entity.
fn check_against_site(sim: &ConfluenceSim, export: &Value, zip: &[u8]) -> BTreeMap<String, usize> {
    let size = sim.size;
    let id = export["id"].as_str().unwrap();
    let files = zip_files(zip);
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let created: Timestamp = export["createdAt"].as_str().unwrap().parse().unwrap();
    let ts = created.strftime("%Y%m%dT%H%M%SZ").to_string();
    assert_eq!(names, ENTITIES.map(|e| format!("{e}_{id}_{ts}.csv")));
    let tables: BTreeMap<&str, (Vec<String>, Vec<Vec<String>>)> =
        ENTITIES.iter().zip(&files).map(|(e, (_, text))| (*e, table(text))).collect();

    let (header, spaces) = &tables["spaces"];
    assert_eq!(header[..3], ["space_id", "space_key", "space_name"]);
    assert_eq!(spaces.len(), size.spaces as usize);
    assert_eq!(spaces[0][..3], [site::space_id(1).to_string(), "SP1".into(), "Space 1: \"Ops\", notes & more".into()]);

    let (header, pages) = &tables["pages"];
    assert_eq!(header.len(), 15);
    assert_eq!(pages.len(), size.pages as usize);
    for (row, n) in pages.iter().zip(1..) {
        assert_eq!(row[0], site::page_id(n).to_string());
        assert_eq!(row[2], format!("Page {n}, \"draft\"\\nv2"), "line breaks escaped as \\n");
        assert_eq!((time(&row[8]), time(&row[9])), (site::page_created(n), site::page_updated(n)));
        assert_eq!(row[10], site::page_version(n).to_string());
        assert!(row[13].starts_with(&format!("Page {n}\\nSteps & notes")), "{}", row[13]);
        assert_eq!(row[14], "false");
    }

    let (_, comments) = &tables["comments"];
    let expected: Vec<site::CommentRef> =
        site::comments(size, false).into_iter().chain(site::comments(size, true)).collect();
    assert_eq!(comments.len(), expected.len(), "every footer and inline comment");
    for (row, c) in comments.iter().zip(&expected) {
        assert_eq!((row[0].clone(), row[2].clone()), (c.id().to_string(), site::page_id(c.page).to_string()));
        assert_eq!(row[1], if c.inline { "inline" } else { "footer" });
        assert_eq!((row[4].as_str(), time(&row[5])), (c.author(), c.created()));
    }

    let (_, labels) = &tables["labels"];
    let expected: usize = (0..site::LABELS.len()).map(|l| site::label_pages(l, size).len()).sum();
    assert_eq!(labels.len(), expected);
    assert!(labels.iter().any(|r| r[1] == "décision"));

    let (header, users) = &tables["users"];
    assert_eq!(header[..2], ["account_id", "display_name"]);
    let mut people: Vec<&str> = site::PEOPLE.iter().map(|p| p.0).collect();
    people.sort();
    assert_eq!(users.iter().map(|u| u[0].as_str()).collect::<Vec<_>>(), people, "the accounts seen, sorted");

    tables.iter().map(|(e, (_, rows))| (e.to_string(), rows.len())).collect()
}

#[tokio::test]
async fn a_confluence_site_exports_as_one_zip_of_csv_files_equal_to_the_site() {
    let sim = ConfluenceSim::start(SiteSize { spaces: 3, pages: 20 }, 7).await;
    sim.set_faults(Faults { throttle_every: Some((6, 0)), ..Faults::default() });
    let app = spawn_app().await;
    allow_private_networks(&app, true).await;
    let connection = confluence_connection(&app, &sim).await;
    let report = dataset_report(&app, &connection, json!({})).await;
    assert_eq!((report["format"].as_str(), report["compress"].as_bool()), (Some("csv"), Some(true)));
    let report_id = report["id"].as_str().unwrap();

    let export = run_export(&app, json!({"reportId": report_id, "fromDate": "2020-01-01T00:00:00Z"})).await;
    assert_eq!(export["status"], "COMPLETED", "{export}");
    assert_eq!(export["contentType"], "application/zip");
    assert!(export["fileName"].as_str().unwrap().ends_with(".zip"), "{export}");
    let zip = app.download(ADMIN_KEY, export["id"].as_str().unwrap()).await;
    let counts = check_against_site(&sim, &export, &zip);
    assert_eq!(export["rows"].as_u64(), Some(counts.values().sum::<usize>() as u64));
    assert!(sim.answered(429) > 0, "throttled requests were waited out");

    // Without fromDate, only the last 365 days: the simulated content is older.
    let recent = run_export(&app, json!({"reportId": report_id})).await;
    let files = zip_files(&app.download(ADMIN_KEY, recent["id"].as_str().unwrap()).await);
    let (header, pages) = table(&files[1].1);
    assert_eq!((header[0].as_str(), pages.len()), ("page_id", 0), "a header even when empty");
    assert_eq!(table(&files[0].1).1.len(), 3, "spaces are exported whole");

    // Chosen entities and a body length.
    let some = dataset_report(&app, &connection, json!({"dataset": {"entities": ["pages"], "bodyLength": 12}})).await;
    let export = run_export(&app, json!({"reportId": some["id"], "fromDate": "2020-01-01T00:00:00Z"})).await;
    let files = zip_files(&app.download(ADMIN_KEY, export["id"].as_str().unwrap()).await);
    assert_eq!(files.len(), 1);
    let (_, pages) = table(&files[0].1);
    assert_eq!((pages[0][13].as_str(), pages[0][14].as_str()), ("Page 1\\nSteps", "true"));
}

#[tokio::test]
async fn dataset_reports_refuse_what_does_not_apply_and_one_export_per_connection_runs() {
    let sim = ConfluenceSim::start(SiteSize { spaces: 2, pages: 200 }, 5).await;
    let app = spawn_app().await;
    allow_private_networks(&app, true).await;
    let connection = confluence_connection(&app, &sim).await;
    for (extra, field) in [
        (json!({"format": "xlsx"}), "format"),
        (json!({"columns": [{"field": "page_id"}]}), "columns"),
        (json!({"dataset": {"entities": ["blogs"]}}), "dataset.entities[0]"),
        (json!({"dataset": {"bodyLength": 5000000}}), "dataset.bodyLength"),
    ] {
        let mut body = json!({"name": "bad", "connectionId": connection, "reportType": "dataset"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, err) = error_of(app.post(ADMIN_KEY, "/reports", &body).await).await;
        assert_eq!((status, err["error"]["details"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some(field)));
    }
    let preview = app
        .post(
            ADMIN_KEY,
            "/reports/preview",
            &json!({"name": "p", "connectionId": connection,
        "reportType": "dataset"}),
        )
        .await;
    assert_eq!(preview.status(), StatusCode::BAD_REQUEST);

    sim.set_faults(Faults { latency: std::time::Duration::from_millis(100), ..Faults::default() });
    let first = dataset_report(&app, &connection, json!({})).await;
    let second = dataset_report(&app, &connection, json!({"name": "Wiki again"})).await;
    let r = app.post(ADMIN_KEY, "/exports", &json!({"reportId": first["id"]})).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let running: Value = r.json().await.unwrap();
    let (status, body) = error_of(app.post(ADMIN_KEY, "/exports", &json!({"reportId": second["id"]})).await).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("export_running")));
    assert_eq!(body["export"]["id"], running["id"], "names the running one");
    let r = app.delete(ADMIN_KEY, &format!("/exports/{}", running["id"].as_str().unwrap())).await;
    assert_eq!(r.status(), StatusCode::OK);
    let cancelled = app.wait_finished(ADMIN_KEY, running["id"].as_str().unwrap()).await;
    assert_eq!(cancelled["status"], "CANCELLED");
    let r = app.post(ADMIN_KEY, "/exports", &json!({"reportId": second["id"]})).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED, "free again once the first ended");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dataset_export_killed_mid_way_resumes_to_the_same_files() {
    let sim = ConfluenceSim::start(SiteSize { spaces: 4, pages: 60 }, 5).await;
    sim.set_faults(Faults { latency: std::time::Duration::from_millis(20), ..Faults::default() });
    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    // Parts of one byte: every page read is checkpointed.
    let options = AppOptions { clock: Some(clock.clone()), workers: 1, part_size: 1, ..Default::default() };
    let mut app = spawn_app_with(options).await;
    allow_private_networks(&app, true).await;
    let connection = confluence_connection(&app, &sim).await;
    let report = dataset_report(&app, &connection, json!({})).await;
    let body = json!({"reportId": report["id"], "fromDate": "2020-01-01T00:00:00Z"});

    let r = app.post(ADMIN_KEY, "/exports", &body).await;
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    app.wait_export(ADMIN_KEY, &id, |e| e["progress"]["completed"].as_u64() > Some(20)).await;
    app.ferry().kill_workers();
    let at_kill = app.export(ADMIN_KEY, &id).await;
    assert_eq!(at_kill["status"], "RUNNING", "killed mid-export: {at_kill}");
    // Progress names the entity being read and counts each entity's rows.
    assert!(at_kill["datasetProgress"]["entity"].is_string(), "{at_kill}");
    assert_eq!(at_kill["datasetProgress"]["rows"]["spaces"], 4, "{at_kill}");
    let requests_before = sim.seen().len();

    clock.advance(SignedDuration::from_secs(61));
    app.ferry().start_workers(1);
    let resumed = app.wait_finished(ADMIN_KEY, &id).await;
    assert_eq!(resumed["status"], "COMPLETED", "{resumed}");
    let resumed_zip = app.download(ADMIN_KEY, &id).await;
    let counts = check_against_site(&sim, &resumed, &resumed_zip);
    assert_eq!(resumed["rows"].as_u64(), Some(counts.values().sum::<usize>() as u64), "no row twice, none missing");
    let total_requests = sim.seen().len();

    let again = run_export(&app, body).await;
    let again_zip = app.download(ADMIN_KEY, again["id"].as_str().unwrap()).await;
    let contents = |zip: &[u8]| zip_files(zip).into_iter().map(|(_, text)| text).collect::<Vec<_>>();
    assert!(contents(&resumed_zip) == contents(&again_zip), "every file byte-identical to an uninterrupted run");
    assert_eq!(resumed["contentSha256"], again["contentSha256"]);
    let uninterrupted_requests = sim.seen().len() - total_requests;
    assert!(
        total_requests - requests_before < uninterrupted_requests,
        "the resumed run did not start over: {requests_before} before the kill, {total_requests} in all, {uninterrupted_requests} uninterrupted"
    );
}
