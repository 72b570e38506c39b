//! Benchmark, not a check (ignored by default): issues per second of a Jira
//! `issues` export through the real local server, against the simulator
//! answering every search page after 50 ms, at the default request ceiling
//! (10/s) and at 100/s (where the page latency is the bound). Run with
//!
//! `cargo test --release -p ferry-tests --test api jira_issues_per_second -- --ignored --nocapture`
//!
//! and the same for a `timeInStatus` export (search pages and bulk
//! changelog pages both answered after 50 ms, default ceiling), counting the
//! requests it made:
//!
//! `cargo test -p ferry-tests --test api jira_time_in_status_per_second -- --ignored --nocapture`

use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::spawn_app;
use crate::jira_sim::ferry::{allow_private_networks, jira_connection, jira_report, run_export};
use crate::jira_sim::{Faults, JiraSim, BULK_CHANGELOG_PATH, SEARCH_PATH};

const ISSUES: u32 = 20_000;
const PAGE_LATENCY: Duration = Duration::from_millis(50);

/// The commit and machine the figures come from, as every benchmark script
/// prints them (bench/provenance.py), and the build.
fn print_provenance() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../bench/provenance.py");
    let line = std::process::Command::new("python3")
        .arg(script)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| format!("commit and machine unknown: python3 {script} did not run"));
    let build = if cfg!(debug_assertions) { "debug" } else { "release" };
    println!("{line} Test binary: {build} build.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run explicitly with --ignored --nocapture"]
async fn jira_issues_per_second() {
    print_provenance();
    let sim = JiraSim::start(ISSUES).await;
    sim.set_faults(Faults { page_delay: PAGE_LATENCY, ..Faults::default() });
    let app = spawn_app().await;
    allow_private_networks(&app, true).await;
    let columns = [
        "key",
        "summary",
        "status",
        "priority",
        "assignee",
        "labels",
        "created",
        "updated",
        "description",
        "Story Points",
        "Team",
    ];
    for ceiling in [10u32, 100] {
        let connection = jira_connection(&app, &sim, json!({"maxRequestsPerSecond": ceiling})).await;
        let report = jira_report(&app, &connection, "issues", "project = SIM", &columns, "csv").await;
        let started = Instant::now();
        let done = run_export(&app, json!({"reportId": report})).await;
        let seconds = started.elapsed().as_secs_f64();
        assert_eq!(done["status"], "COMPLETED", "{done}");
        assert_eq!(done["rows"], ISSUES);
        println!(
            "jira issues export: {ISSUES} issues, {} pages of 100, 50 ms per page, maxRequestsPerSecond {ceiling}: \
             {seconds:.1} s = {:.0} issues/s ({} bytes of CSV)",
            ISSUES / 100,
            ISSUES as f64 / seconds,
            done["bytes"]
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run explicitly with --ignored --nocapture"]
async fn jira_time_in_status_per_second() {
    print_provenance();
    let sim = JiraSim::start(ISSUES).await;
    sim.set_faults(Faults { page_delay: PAGE_LATENCY, ..Faults::default() });
    let app = spawn_app().await;
    allow_private_networks(&app, true).await;
    // The default ceiling: no maxRequestsPerSecond in the settings.
    let connection = jira_connection(&app, &sim, json!({})).await;
    for (layout, format) in [("wide", "csv"), ("long", "xlsx")] {
        let body = json!({"name": "tis", "connectionId": connection, "reportType": "timeInStatus",
            "query": "project = SIM", "format": format, "columns": [{"field": "key"}, {"field": "summary"}],
            "timeInStatus": {"layout": layout, "calendar": {"timezone": "Europe/Berlin", "holidays": ["2026-12-25"]}}});
        let r = app.post(crate::helpers::ADMIN_KEY, "/reports", &body).await;
        let report = r.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_string();
        let before = sim.seen().len();
        let started = Instant::now();
        let done = run_export(&app, json!({"reportId": report})).await;
        let seconds = started.elapsed().as_secs_f64();
        assert_eq!(done["status"], "COMPLETED", "{done}");
        let seen = &sim.seen()[before..];
        let count = |path: &str| seen.iter().filter(|s| s.path == path).count();
        let per_issue = seen.iter().filter(|s| s.path.ends_with("/changelog")).count();
        println!(
            "jira timeInStatus export ({layout}, {format}, working calendar): {ISSUES} issues, 50 ms per page, \
             default maxRequestsPerSecond: {seconds:.1} s = {:.0} issues/s; {} requests: {} search pages, \
             {} bulk changelog pages ({:.1} per 1000-issue batch), {per_issue} per-issue changelogs, {} other; \
             {} rows, {} bytes",
            ISSUES as f64 / seconds,
            seen.len(),
            count(SEARCH_PATH),
            count(BULK_CHANGELOG_PATH),
            count(BULK_CHANGELOG_PATH) as f64 / (ISSUES as f64 / 1000.0),
            seen.len() - count(SEARCH_PATH) - count(BULK_CHANGELOG_PATH) - per_issue,
            done["rows"],
            done["bytes"]
        );
    }
}
