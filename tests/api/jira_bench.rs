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
use crate::jira_ferry::{allow_private_networks, jira_connection, jira_report, run_export};
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

/// How long `jira_time_in_status_without_bulk_per_second` waits before it
/// reports an export that has not finished (`FERRY_BENCH_LIMIT_MINUTES`).
fn limit() -> Duration {
    let minutes = std::env::var("FERRY_BENCH_LIMIT_MINUTES").ok().and_then(|m| m.parse().ok()).unwrap_or(60);
    Duration::from_secs(minutes * 60)
}

/// `timeInStatus` of 20,000 issues from a site without the bulk changelog
/// endpoint (each issue's changelog on its own), every answer after 50 ms,
/// a 429 with `Retry-After: 1` on one request in 13, at 100 requests/s:
///
/// `cargo test -p ferry-tests --test api jira_time_in_status_without_bulk_per_second -- --ignored --nocapture`
///
/// Prints issues/s and the requests by kind, or, when the export has not
/// finished within the limit, how far it got.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run explicitly with --ignored --nocapture"]
async fn jira_time_in_status_without_bulk_per_second() {
    print_provenance();
    let sim = JiraSim::start(ISSUES).await;
    sim.set_faults(Faults {
        bulk_refused: Some(404),
        throttle_every: Some((13, 1)),
        latency: PAGE_LATENCY,
        ..Faults::default()
    });
    let app = spawn_app().await;
    allow_private_networks(&app, true).await;
    let connection = jira_connection(&app, &sim, json!({"maxRequestsPerSecond": 100})).await;
    let body = json!({"name": "tis", "connectionId": connection, "reportType": "timeInStatus",
        "query": "project = SIM", "format": "csv", "columns": [{"field": "key"}, {"field": "summary"}],
        "timeInStatus": {"layout": "wide"}});
    let r = app.post(crate::helpers::ADMIN_KEY, "/reports", &body).await;
    let report = r.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let r = app.post(crate::helpers::ADMIN_KEY, "/exports", &json!({"reportId": report})).await;
    let id = r.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let started = Instant::now();
    let mut last = serde_json::Value::Null;
    while started.elapsed() < limit() {
        last = app.export(crate::helpers::ADMIN_KEY, &id).await;
        if matches!(last["status"].as_str(), Some("COMPLETED" | "FAILED" | "CANCELLED")) {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let seconds = started.elapsed().as_secs_f64();
    let seen = sim.seen();
    let per_issue = seen.iter().filter(|s| s.path.ends_with("/changelog")).count();
    let answered = seen.iter().filter(|s| s.path.ends_with("/changelog") && s.status == 200).count();
    let distinct = seen
        .iter()
        .filter(|s| s.path.ends_with("/changelog") && s.status == 200)
        .map(|s| s.path.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    println!(
        "jira timeInStatus export without bulk changelogs (wide, csv): {ISSUES} issues, 50 ms per answer, 429 on 1 \
         request in 13 (Retry-After: 1), maxRequestsPerSecond 100: status {} after {seconds:.0} s, progress {} / {}; \
         {:.1} issues/s; {} requests: {} search pages, {per_issue} per-issue changelog requests, {answered} \
         answered 200 for {distinct} distinct issues, {} answered 429",
        last["status"],
        last["progress"]["completed"],
        last["progress"]["total"],
        last["progress"]["completed"].as_f64().unwrap_or(0.0) / seconds,
        seen.len(),
        seen.iter().filter(|s| s.path == SEARCH_PATH).count(),
        sim.answered(429),
    );
}
