//! Benchmark, not a check (ignored by default): entities per second and
//! requests per 1,000 entities of a Confluence `dataset` export through the
//! real local server, against the simulator answering every request after
//! 50 ms with v2's largest pages (250 items), at the default request ceiling
//! (10/s). Run with
//!
//! `cargo test -p ferry-tests --test api confluence_dataset_entities_per_second -- --ignored --nocapture`

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::confluence_sim::{ConfluenceSim, Faults, SiteSize};
use crate::helpers::{spawn_app, ADMIN_KEY};
use crate::jira_ferry::{allow_private_networks, run_export};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run explicitly with --ignored --nocapture"]
async fn confluence_dataset_entities_per_second() {
    let sim = ConfluenceSim::start(SiteSize { spaces: 20, pages: 5_000 }, 250).await;
    sim.set_faults(Faults { latency: Duration::from_millis(50), ..Faults::default() });
    let app = spawn_app().await;
    allow_private_networks(&app, true).await;
    // No maxRequestsPerSecond: Ferry's default ceiling.
    let r = app
        .post(
            ADMIN_KEY,
            "/connections",
            &json!({"name": "wiki", "kind": "confluence", "settings": sim.settings(json!({}))}),
        )
        .await;
    let connection = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let r = app
        .post(ADMIN_KEY, "/reports", &json!({"name": "Wiki", "connectionId": connection, "reportType": "dataset"}))
        .await;
    let report = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let before = sim.seen().len();
    let started = Instant::now();
    let export = run_export(&app, json!({"reportId": report, "fromDate": "2020-01-01T00:00:00Z"})).await;
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(export["status"], "COMPLETED", "{export}");
    let rows = export["rows"].as_u64().unwrap() as f64;
    let requests = (sim.seen().len() - before) as f64;
    println!(
        "confluence dataset: {rows} entities in {seconds:.1} s = {:.0} entities/s; {requests} requests = {:.1} per 1,000 entities",
        rows / seconds,
        requests / rows * 1000.0
    );
}
