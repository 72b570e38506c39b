//! Benchmark, not a check (ignored by default): entities (rows of every
//! table) per second and requests per 1,000 entities of a Jira `dataset`
//! export through the real local server, against the simulator answering
//! every request after 50 ms, at the default request ceiling (10/s). Run with
//!
//! `cargo test -p ferry-tests --test api jira_dataset_entities_per_second -- --ignored --nocapture`

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::spawn_app;
use crate::jira_dataset::dataset_report;
use crate::jira_ferry::{allow_private_networks, jira_connection, run_export};
use crate::jira_sim::{Faults, JiraSim};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run explicitly with --ignored --nocapture"]
async fn jira_dataset_entities_per_second() {
    let sim = JiraSim::start(2_000).await;
    sim.set_faults(Faults { latency: Duration::from_millis(50), ..Faults::default() });
    let app = spawn_app().await;
    allow_private_networks(&app, true).await;
    // No maxRequestsPerSecond: Ferry's default ceiling.
    let connection = jira_connection(&app, &sim, json!({})).await;
    let report = dataset_report(&app, &connection, json!({})).await;
    let before = sim.seen().len();
    let started = Instant::now();
    let export = run_export(&app, json!({"reportId": report, "fromDate": "2020-01-01T00:00:00Z"})).await;
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(export["status"], "COMPLETED", "{export}");
    let rows = export["rows"].as_u64().unwrap() as f64;
    let seen = sim.seen();
    let requests = (seen.len() - before) as f64;
    let mut per_route: BTreeMap<String, usize> = BTreeMap::new();
    for s in &seen[before..] {
        let route = if s.path.contains("/issue/") { "/rest/api/3/issue/{id}/…".to_string() } else { s.path.clone() };
        *per_route.entry(route).or_default() += 1;
    }
    println!(
        "jira dataset: {rows} entities in {seconds:.1} s = {:.0} entities/s; {requests} requests = {:.1} per 1,000 entities; {per_route:?}",
        rows / seconds,
        requests / rows * 1000.0
    );
}
