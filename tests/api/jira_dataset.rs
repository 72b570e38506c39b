//! A Jira site exported as a dataset through the real local server: one zip
//! of `<entity>_<exportId>_<timestamp>.csv` files whose rows equal the
//! simulator's site (every issue, every field value of every issue with
//! multi-values one row each, every changelog item, worklog, sprint and
//! account), read with Jira's bulk calls while throttled; a site without
//! Jira Software leaves `sprints` out with a warning; an export killed
//! mid-way resumes to the same files; and an incremental schedule's second
//! run reads only what changed since the first one started.

use std::collections::BTreeMap;
use std::sync::Arc;

use ferry_core::ports::clock::ManualClock;
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::confluence_dataset::{table, zip_files};
use crate::helpers::{spawn_app, spawn_app_with, AppOptions, TestApp, ADMIN_KEY};
use crate::jira_ferry::{allow_private_networks, csv_cell_is, jira_connection, run_export};
use crate::jira_sim::changelog::current_status;
use crate::jira_sim::dataset::{created, expected_worklog, h, summary, updated, worklog_count, Expected, PEOPLE};
use crate::jira_sim::site::{expected_fields, expected_history, expected_sprints, site_users, HistoryItem, BOARDS};
use crate::jira_sim::{Faults, JiraSim, BULK_CHANGELOG_PATH};

const ENTITIES: [&str; 6] = ["issues", "issue_fields", "issue_history", "worklogs", "sprints", "users"];
const ISSUES: u32 = 250;
const HISTORY_AUTHOR: &str = "5b10a2844c20165700ede21g";

pub(crate) async fn dataset_report(app: &TestApp, connection: &str, extra: Value) -> String {
    let mut body = json!({"name": "Jira tables", "connectionId": connection, "reportType": "dataset"});
    for (k, v) in extra.as_object().cloned().unwrap_or_default() {
        body[k] = v;
    }
    let r = app.post(ADMIN_KEY, "/reports", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

/// A cell as the dataset writes it: line breaks escaped as `\n`.
fn cell_is(actual: &str, expected: &Expected) -> bool {
    match expected {
        Expected::Text(t) => actual == t.replace("\r\n", "\\n").replace('\n', "\\n"),
        other => csv_cell_is(actual, other),
    }
}

fn time(cell: &str) -> Timestamp {
    cell.parse().unwrap_or_else(|e| panic!("{cell:?}: {e}"))
}

type Tables = BTreeMap<String, (Vec<String>, Vec<Vec<String>>)>;

/// The zip's tables by entity, after checking the files' names.
fn tables_of(export: &Value, zip: &[u8], entities: &[&str]) -> Tables {
    let id = export["id"].as_str().unwrap();
    let created: Timestamp = export["createdAt"].as_str().unwrap().parse().unwrap();
    let ts = created.strftime("%Y%m%dT%H%M%SZ").to_string();
    let files = zip_files(zip);
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(names, entities.iter().map(|e| format!("{e}_{id}_{ts}.csv")).collect::<Vec<_>>());
    entities.iter().zip(&files).map(|(e, (_, text))| (e.to_string(), table(text))).collect()
}

fn check_issues(rows: &[Vec<String>], numbers: &[u32]) {
    assert_eq!(rows.len(), numbers.len(), "one row per issue");
    for (row, &n) in rows.iter().zip(numbers) {
        assert_eq!(row[..3], [(10_000 + n).to_string(), format!("SIM-{n}"), "SIM".into()]);
        assert!(cell_is(&row[4], &Expected::Text(summary(n))), "SIM-{n}: {}", row[4]);
        assert_eq!((row[5].as_str(), row[6].as_str()), (current_status(n), "To Do"));
        let assignee = if h(n, 19).is_multiple_of(5) { "" } else { PEOPLE[(h(n, 20) % 5) as usize].0 };
        assert_eq!(row[9], assignee, "SIM-{n}: assignees by account id");
        assert_eq!((time(&row[12]), time(&row[13])), (created(n), updated(n)));
    }
}

fn check_fields(rows: &[Vec<String>], numbers: &[u32]) {
    let mut per_issue: BTreeMap<String, Vec<&Vec<String>>> = BTreeMap::new();
    for r in rows {
        per_issue.entry(r[1].clone()).or_default().push(r);
    }
    assert_eq!(per_issue.len(), numbers.len());
    let mut multi = 0;
    for &n in numbers {
        let got = &per_issue[&format!("SIM-{n}")];
        let expected = expected_fields(n);
        let ids: Vec<&str> = got.iter().map(|r| r[2].as_str()).collect();
        let want: Vec<&str> = expected.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(ids, want, "SIM-{n}: every field with a value, one row per value, by field id");
        for (row, (id, name, value)) in got.iter().zip(&expected) {
            assert_eq!((row[0].as_str(), row[3].as_str()), ((10_000 + n).to_string().as_str(), name.as_str()));
            assert!(cell_is(&row[4], value), "SIM-{n} {id}: {:?} is not {value:?}", row[4]);
        }
        multi += ids.windows(2).filter(|w| w[0] == w[1]).count();
    }
    assert!(multi > 100, "multi-value fields (labels, platforms, reviewers…) have a row per value: {multi}");
    assert!(rows.iter().any(|r| r[2] == "customfield_10050"), "custom user pickers are included");
}

fn check_history(rows: &[Vec<String>], numbers: &[u32], from: Timestamp) {
    let expected: Vec<(u32, HistoryItem)> = numbers
        .iter()
        .flat_map(|&n| expected_history(n).into_iter().filter(move |i| i.1 >= from).map(move |i| (n, i)))
        .collect();
    assert_eq!(rows.len(), expected.len(), "every changelog item");
    for (row, (n, (id, at, field, from_s, to_s))) in rows.iter().zip(&expected) {
        assert_eq!(
            (row[1].as_str(), row[2].as_str(), row[3].as_str()),
            (format!("SIM-{n}").as_str(), id.to_string().as_str(), "0")
        );
        assert_eq!((row[4].as_str(), time(&row[5])), (HISTORY_AUTHOR, *at));
        assert_eq!(row[7], *field);
        assert_eq!(
            (row[9].as_str(), row[11].as_str()),
            (from_s.as_deref().unwrap_or(""), to_s.as_deref().unwrap_or(""))
        );
    }
}

fn check_site(tables: &Tables) {
    let all: Vec<u32> = (1..=ISSUES).collect();
    check_issues(&tables["issues"].1, &all);
    check_fields(&tables["issue_fields"].1, &all);
    check_history(&tables["issue_history"].1, &all, Timestamp::UNIX_EPOCH);

    let (header, worklogs) = &tables["worklogs"];
    assert_eq!(header[..3], ["worklog_id", "issue_id", "issue_key"]);
    let expected: Vec<(u32, usize)> = all.iter().flat_map(|&n| (0..worklog_count(n)).map(move |j| (n, j))).collect();
    assert_eq!(worklogs.len(), expected.len(), "every worklog, also of issues with more than Jira inlines");
    for (row, &(n, j)) in worklogs.iter().zip(&expected) {
        let e = expected_worklog(n, j);
        assert!(cell_is(&row[0], &e[1]) && cell_is(&row[2], &e[0]), "{row:?}");
        assert!(cell_is(&row[5], &e[3]) && cell_is(&row[8], &e[4]) && cell_is(&row[9], &e[5]), "{row:?}");
    }

    let (_, sprints) = &tables["sprints"];
    let expected = expected_sprints();
    assert_eq!(sprints.len(), expected.len(), "each sprint once, kanban boards not asked");
    for (row, s) in sprints.iter().zip(&expected) {
        let board = BOARDS.iter().find(|b| b.0 == s.board).unwrap();
        assert_eq!(
            row[..5],
            [s.id.to_string(), s.name.clone(), s.state.to_string(), s.board.to_string(), board.1.into()]
        );
        assert_eq!((time(&row[5]), time(&row[6])), (s.start, s.end));
        assert_eq!(row[7], s.complete.map(|t| t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()).unwrap_or_default());
        assert_eq!(row[8], s.goal.clone().unwrap_or_default());
    }

    let (_, users) = &tables["users"];
    let expected: Vec<Vec<String>> = site_users()
        .into_iter()
        .map(|u| vec![u.0, u.1, u.2.unwrap_or_default(), u.3.to_string(), u.4.to_string()])
        .collect();
    assert_eq!(users, &expected, "every account of the user search, apps and inactive ones included");
}

async fn connection(app: &TestApp, sim: &JiraSim) -> String {
    jira_connection(app, sim, json!({"maxRequestsPerSecond": 100})).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jira_site_exports_as_one_zip_of_csv_files_equal_to_the_site() {
    let sim = JiraSim::start(ISSUES).await;
    sim.set_faults(Faults { throttle_every: Some((6, 0)), ..Faults::default() });
    let app = spawn_app().await;
    allow_private_networks(&app, true).await;
    let connection = connection(&app, &sim).await;
    let report = dataset_report(&app, &connection, json!({})).await;

    let export = run_export(&app, json!({"reportId": report, "fromDate": "2020-01-01T00:00:00Z"})).await;
    assert_eq!(export["status"], "COMPLETED", "{export}");
    assert_eq!(export["warnings"], json!([]));
    let zip = app.download(ADMIN_KEY, export["id"].as_str().unwrap()).await;
    let tables = tables_of(&export, &zip, &ENTITIES);
    check_site(&tables);
    let rows: usize = tables.values().map(|(_, r)| r.len()).sum();
    assert_eq!(export["rows"].as_u64(), Some(rows as u64));

    let seen = sim.seen();
    assert!(sim.answered(429) > 3, "throttled requests were waited out: {}", sim.answered(429));
    assert!(!seen.iter().any(|s| s.path.ends_with("/changelog")), "changelogs in bulk, never one request per issue");
    let bulk = seen.iter().filter(|s| s.path == BULK_CHANGELOG_PATH && s.status == 200).count();
    assert!((1..=3).contains(&bulk), "{bulk} bulk changelog requests for {ISSUES} issues");
    let per_issue: Vec<&str> = seen.iter().filter(|s| s.path.ends_with("/worklog")).map(|s| s.path.as_str()).collect();
    assert!(
        per_issue.iter().all(|p| p.contains("/10097/") || p.contains("/10194/")),
        "worklogs inline; only issues with more than 20 are read on: {per_issue:?}"
    );
}

#[tokio::test]
async fn a_site_without_jira_software_leaves_sprints_out_with_a_warning() {
    let sim = JiraSim::start(30).await;
    sim.set_faults(Faults { no_software: true, ..Faults::default() });
    let app = spawn_app().await;
    allow_private_networks(&app, true).await;
    let connection = connection(&app, &sim).await;
    let report =
        dataset_report(&app, &connection, json!({"dataset": {"entities": ["issues", "sprints", "users"]}})).await;
    let export = run_export(&app, json!({"reportId": report, "fromDate": "2020-01-01T00:00:00Z"})).await;
    assert_eq!(export["status"], "COMPLETED", "{export}");
    let warnings = export["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{export}");
    assert!(warnings[0].as_str().unwrap().starts_with("sprints left out:"), "{export}");
    let zip = app.download(ADMIN_KEY, export["id"].as_str().unwrap()).await;
    let tables = tables_of(&export, &zip, &["issues", "users"]);
    assert_eq!(tables["issues"].1.len(), 30);
    assert_eq!(tables["users"].1.len(), site_users().len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jira_dataset_export_killed_mid_way_resumes_to_the_same_files() {
    let sim = JiraSim::start(ISSUES).await;
    sim.set_faults(Faults { latency: std::time::Duration::from_millis(50), ..Faults::default() });
    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    // Parts of one byte: every page read is checkpointed.
    let options = AppOptions { clock: Some(clock.clone()), workers: 1, part_size: 1, ..Default::default() };
    let mut app = spawn_app_with(options).await;
    allow_private_networks(&app, true).await;
    let connection = connection(&app, &sim).await;
    let report = dataset_report(&app, &connection, json!({})).await;
    let body = json!({"reportId": report, "fromDate": "2020-01-01T00:00:00Z"});

    let r = app.post(ADMIN_KEY, "/exports", &body).await;
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    app.wait_export(ADMIN_KEY, &id, |e| e["progress"]["completed"].as_u64() > Some(2_000)).await;
    app.ferry().kill_workers();
    let at_kill = app.export(ADMIN_KEY, &id).await;
    assert_eq!(at_kill["status"], "RUNNING", "killed mid-export: {at_kill}");
    assert_eq!(at_kill["datasetProgress"]["rows"]["issues"], ISSUES, "{at_kill}");
    let entity = at_kill["datasetProgress"]["entity"].as_str().unwrap().to_string();
    let requests_before = sim.seen().len();
    // The dashboard shows the same: the table being read and rows per table;
    // its report form offers the dataset type and its options.
    let browser = crate::dashboard::sign_in(&app, ADMIN_KEY).await;
    let html = browser.get(&app, "/exports").await.text().await.unwrap();
    assert!(html.contains(&format!("reading {entity} (")) && html.contains(&format!("issues {ISSUES}")), "{html}");
    let form = browser.get(&app, "/reports/new").await.text().await.unwrap();
    assert!(form.contains(r#"<option value="dataset">"#) && form.contains(r#"name="dataset[entities]:list""#));
    assert!(form.contains(r#"name="dataset[bodyLength]:int""#));

    clock.advance(SignedDuration::from_secs(61));
    app.ferry().start_workers(1);
    let resumed = app.wait_finished(ADMIN_KEY, &id).await;
    assert_eq!(resumed["status"], "COMPLETED", "{resumed}");
    let resumed_zip = app.download(ADMIN_KEY, &id).await;
    let tables = tables_of(&resumed, &resumed_zip, &ENTITIES);
    check_site(&tables);
    let rows: usize = tables.values().map(|(_, r)| r.len()).sum();
    assert_eq!(resumed["rows"].as_u64(), Some(rows as u64), "no row twice, none missing");
    let total_requests = sim.seen().len();

    let again = run_export(&app, body).await;
    let again_zip = app.download(ADMIN_KEY, again["id"].as_str().unwrap()).await;
    let contents = |zip: &[u8]| zip_files(zip).into_iter().map(|(_, text)| text).collect::<Vec<_>>();
    assert!(contents(&resumed_zip) == contents(&again_zip), "every file byte-identical to an uninterrupted run");
    assert_eq!(resumed["contentSha256"], again["contentSha256"]);
    let uninterrupted = sim.seen().len() - total_requests;
    assert!(
        total_requests - requests_before < uninterrupted,
        "the resumed run did not start over: {requests_before} before the kill, {total_requests} in all, {uninterrupted} uninterrupted"
    );
}

/// Runs the schedule now; returns its export once the run succeeded.
async fn run_schedule(app: &TestApp, schedule: &str) -> Value {
    let r = app.post(ADMIN_KEY, &format!("/schedules/{schedule}/run"), &json!({})).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED, "{}", r.text().await.unwrap());
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let done = app.wait_finished(ADMIN_KEY, &id).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    crate::deliveries::wait_run(app, ADMIN_KEY, schedule, &id, |r| r["status"] == "SUCCEEDED").await;
    done
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incremental_schedule_passes_the_last_successful_runs_start_as_from_date() {
    let start: Timestamp = "2025-03-01T00:00:00Z".parse().unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let app = spawn_app_with(AppOptions { clock: Some(clock.clone()), scheduler: false, ..Default::default() }).await;
    let sim = JiraSim::start(ISSUES).await;
    allow_private_networks(&app, true).await;
    let connection = connection(&app, &sim).await;
    let report = dataset_report(&app, &connection, json!({"dataset": {"entities": ["issues", "issue_history"]}})).await;
    let body = json!({"reportId": report, "destinations": [], "incremental": true,
        "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    let r = app.post(ADMIN_KEY, "/schedules", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let schedule = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();

    let first = run_schedule(&app, &schedule).await;
    let zip = app.download(ADMIN_KEY, first["id"].as_str().unwrap()).await;
    let first_tables = tables_of(&first, &zip, &["issues", "issue_history"]);
    assert_eq!(first_tables["issues"].1.len(), ISSUES as usize, "the first run: the default 365 days, all issues");

    clock.advance(SignedDuration::from_hours(24));
    let searches_before = sim.seen().len();
    let second = run_schedule(&app, &schedule).await;
    let since: Timestamp = first["startedAt"].as_str().unwrap().parse().unwrap();
    assert_eq!(since, start);
    let jql: Vec<String> = sim.seen()[searches_before..].iter().filter_map(|s| s.jql.clone()).collect();
    assert!(
        !jql.is_empty() && jql.iter().all(|q| q.contains("updated >= \"2025-02-28 16:00\"")),
        "the second run searches from the first one's start, in the Jira user's zone: {jql:?}"
    );
    let tables = tables_of(
        &second,
        &app.download(ADMIN_KEY, second["id"].as_str().unwrap()).await,
        &["issues", "issue_history"],
    );
    let changed: Vec<u32> = (1..=ISSUES).filter(|n| updated(*n) >= since).collect();
    assert!(!changed.is_empty() && changed.len() < ISSUES as usize, "some issues changed since: {}", changed.len());
    check_issues(&tables["issues"].1, &changed);
    check_history(&tables["issue_history"].1, &changed, since);
}
