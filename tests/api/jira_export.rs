//! Jira exports over the real local server against the Jira simulator: a
//! full export equals the simulated site row for row, worklogs come one row
//! each (also from issues with several pages of them), throttling is waited
//! out under the request-rate ceiling, and a crash resumes without fetching
//! finished pages again.

use std::sync::Arc;

use ferry_core::ports::clock::ManualClock;
use jiff::SignedDuration;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_app_with, AppOptions, ADMIN_KEY};
use crate::jira_ferry::{allow_private_networks, csv_cell_is, jira_connection, jira_report, json_cell_is, run_export};
use crate::jira_sim::dataset::{expected_issue, expected_worklog, worklog_count, worklog_started};
use crate::jira_sim::{Faults, JiraSim};

const ISSUE_COLUMNS: [&str; 15] = [
    "key",
    "summary",
    "status",
    "priority",
    "assignee",
    "labels",
    "created",
    "updated",
    "duedate",
    "description",
    "Story Points",
    "customfield_10020",
    "Team",
    "Platforms",
    "customfield_10060",
];

/// Checks JSONL lines against issues `first..` of the site, every column.
fn assert_issue_lines(bytes: &[u8], first: u32, count: usize) {
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), count, "one line per issue");
    for (i, line) in lines.iter().enumerate() {
        let n = first + i as u32;
        let row: Value = serde_json::from_slice(line).unwrap();
        for column in ISSUE_COLUMNS {
            let expected = expected_issue(n, column);
            assert!(
                json_cell_is(&row[column], &expected),
                "SIM-{n} {column}: file has {}, site has {expected:?}",
                row[column]
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_jira_export_equals_the_simulated_site_row_for_row() {
    let sim = JiraSim::start(20_000).await;
    let app = spawn_app().await;
    allow_private_networks(&app, true).await;
    let connection = jira_connection(&app, &sim, json!({"maxRequestsPerSecond": 100})).await;
    let report =
        jira_report(&app, &connection, "issues", "project = SIM ORDER BY key ASC", &ISSUE_COLUMNS, "jsonl").await;
    let done = run_export(&app, json!({"reportId": report})).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(done["rows"], 20_000);
    assert_eq!(done["progress"]["total"], 20_000);
    let bytes = app.download(ADMIN_KEY, done["id"].as_str().unwrap()).await;
    assert_issue_lines(&bytes, 1, 20_000);
    let pages = sim.pages_served();
    assert_eq!(pages.len(), 200, "200 pages of 100 issues");
    assert!(pages.values().all(|n| *n == 1), "no page fetched twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worklogs_export_has_one_row_per_worklog_in_the_range_including_paged_ones() {
    let sim = JiraSim::start(1_500).await;
    let app = spawn_app().await;
    allow_private_networks(&app, true).await;
    let connection = jira_connection(&app, &sim, json!({"maxRequestsPerSecond": 100})).await;
    let columns =
        ["key", "worklog.id", "worklog.author", "worklog.started", "worklog.timeSpentSeconds", "worklog.comment"];
    let report = jira_report(&app, &connection, "worklogs", "project = SIM AND key <= SIM-1000", &columns, "csv").await;
    let (from, to): (jiff::Timestamp, jiff::Timestamp) =
        ("2026-01-20T00:00:00Z".parse().unwrap(), "2026-03-01T00:00:00Z".parse().unwrap());
    let done =
        run_export(&app, json!({"reportId": report, "fromDate": from.to_string(), "toDate": to.to_string()})).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");

    let expected: Vec<(u32, usize)> = (1..=1000)
        .flat_map(|n| (0..worklog_count(n)).map(move |j| (n, j)))
        .filter(|(n, j)| (from..to).contains(&worklog_started(*n, *j)))
        .collect();
    let bytes = app.download(ADMIN_KEY, done["id"].as_str().unwrap()).await;
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), columns);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), expected.len(), "one row per worklog started in [fromDate, toDate)");
    assert_eq!(done["rows"], expected.len());
    for (record, (n, j)) in records.iter().zip(&expected) {
        for (c, cell) in expected_worklog(*n, *j).iter().enumerate() {
            assert!(csv_cell_is(&record[c], cell), "SIM-{n} worklog {j} {}: {:?} vs {cell:?}", columns[c], &record[c]);
        }
    }
    // Issues with 45 worklogs (every 97th) were read through several worklog pages.
    let paged = sim.seen().iter().filter(|s| s.path == "/rest/api/3/issue/10097/worklog").count();
    assert!(paged >= 2, "SIM-97's worklogs took {paged} page(s)");
    assert!(expected.iter().filter(|(n, _)| *n == 97).count() > 10, "the paged issue has rows in the range");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_and_errors_are_waited_out_under_the_rate_ceiling() {
    let sim = JiraSim::start(2_000).await;
    sim.set_faults(Faults {
        throttle_every: Some((6, 1)),
        fail_requests: vec![4],
        page_delay: std::time::Duration::from_millis(20),
        ..Faults::default()
    });
    let app = spawn_app().await;
    allow_private_networks(&app, true).await;
    // The spacing a ceiling makes is checked on a manual clock by the rate
    // limiter's own tests; here a low ceiling meets the simulator's 429s.
    let connection = jira_connection(&app, &sim, json!({"maxRequestsPerSecond": 5})).await;
    let report = jira_report(&app, &connection, "issues", "project = SIM", &ISSUE_COLUMNS, "jsonl").await;
    let done = run_export(&app, json!({"reportId": report})).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    let bytes = app.download(ADMIN_KEY, done["id"].as_str().unwrap()).await;
    assert_issue_lines(&bytes, 1, 2_000);

    assert!(sim.answered(429) >= 3, "429s were injected: {}", sim.answered(429));
    assert_eq!(sim.answered(500), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_killed_mid_way_resumes_without_fetching_finished_pages_again() {
    let sim = JiraSim::start(3_000).await;
    sim.set_faults(Faults { page_delay: std::time::Duration::from_millis(100), ..Faults::default() });
    let clock = Arc::new(ManualClock::new("2026-11-23T10:00:00Z".parse().unwrap()));
    // Parts of 16 KiB: every page of issues (~70 KB of JSONL) ends in a checkpoint.
    let opts = AppOptions { clock: Some(clock.clone()), workers: 1, part_size: 16 * 1024, ..Default::default() };
    let mut app = spawn_app_with(opts).await;
    allow_private_networks(&app, true).await;
    let connection = jira_connection(&app, &sim, json!({"maxRequestsPerSecond": 100})).await;
    let report = jira_report(&app, &connection, "issues", "project = SIM", &ISSUE_COLUMNS, "jsonl").await;
    let started = app.start_export(ADMIN_KEY, &report).await;
    let id = started["id"].as_str().unwrap().to_string();
    app.wait_export(ADMIN_KEY, &id, |e| e["progress"]["completed"].as_u64() >= Some(500)).await;
    app.ferry().kill_workers();
    let at_kill = app.export(ADMIN_KEY, &id).await;
    assert_eq!(at_kill["status"], "RUNNING", "killed mid-export: {at_kill}");
    let before = sim.pages_served();

    clock.advance(SignedDuration::from_secs(61));
    app.ferry().start_workers(1);
    let done = app.wait_finished(ADMIN_KEY, &id).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(done["rows"], 3_000);
    let bytes = app.download(ADMIN_KEY, &id).await;
    assert_issue_lines(&bytes, 1, 3_000);

    let after = sim.pages_served();
    assert_eq!(after.len(), 30, "every page served: {after:?}");
    assert_eq!(after[&None], 1, "the search did not start over");
    let again: Vec<_> = after.iter().filter(|(_, n)| **n > 1).collect();
    assert!(again.len() <= 2, "only pages after the last checkpoint are fetched again: {again:?}");
    assert!(before.len() >= 5, "the kill came after several pages: {before:?}");
    let finished_before = before.len() - again.len();
    assert!(finished_before >= 4, "{finished_before} pages were finished before the kill and not fetched again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_date_keeps_issues_updated_since_then_written_in_the_users_zone() {
    let sim = JiraSim::start(3_000).await;
    let app = spawn_app().await;
    allow_private_networks(&app, true).await;
    let connection = jira_connection(&app, &sim, json!({"maxRequestsPerSecond": 100})).await;
    let report =
        jira_report(&app, &connection, "issues", "project = SIM ORDER BY key ASC", &["key", "updated"], "jsonl").await;
    // An instant with seconds and milliseconds: JQL can only say its minute.
    let from = crate::jira_sim::dataset::updated(1_234);
    let done = run_export(&app, json!({"reportId": report, "fromDate": from.to_string()})).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");

    let expected: Vec<u32> = (1..=3_000).filter(|n| crate::jira_sim::dataset::updated(*n) >= from).collect();
    let bytes = app.download(ADMIN_KEY, done["id"].as_str().unwrap()).await;
    let keys: Vec<String> = bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice::<Value>(l).unwrap()["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys, expected.iter().map(|n| format!("SIM-{n}")).collect::<Vec<_>>());
    assert!(keys.contains(&"SIM-1234".to_string()), "the issue updated at fromDate itself is kept");

    // A millisecond later: Jira still returns SIM-1234 (same minute), Ferry drops it.
    let later = from + SignedDuration::from_millis(1);
    let done = run_export(&app, json!({"reportId": report, "fromDate": later.to_string()})).await;
    let bytes = app.download(ADMIN_KEY, done["id"].as_str().unwrap()).await;
    let later_keys: Vec<String> = bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice::<Value>(l).unwrap()["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(later_keys.len(), keys.len() - 1);
    assert!(!later_keys.contains(&"SIM-1234".to_string()));

    // The clause went to Jira in the user's zone (America/Los_Angeles), rounded down to the minute.
    let local =
        from.to_zoned(jiff::tz::TimeZone::get("America/Los_Angeles").unwrap()).strftime("%Y-%m-%d %H:%M").to_string();
    let searched = sim.seen().into_iter().find_map(|s| s.jql).unwrap();
    assert_eq!(searched, format!("(project = SIM) AND updated >= \"{local}\" ORDER BY key ASC"));
}
