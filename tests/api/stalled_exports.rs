//! The stall guard of exports, on the clock port: an export whose source
//! stops answering ends `FAILED` with the code `stalled` after
//! `stallMinutes`, its error naming the site, the last request and the last
//! answer; the setting is checked and takes effect.

use std::sync::Arc;
use std::time::Duration;

use ferry_core::ports::clock::ManualClock;
use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_of, spawn_app_with, AppOptions, ADMIN_KEY};
use crate::jira_ferry::{allow_private_networks, jira_connection, jira_report};
use crate::jira_sim::{Faults, JiraSim, SEARCH_PATH};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_whose_source_stops_answering_ends_stalled_naming_the_last_request() {
    let sim = JiraSim::start(50).await;
    let clock = Arc::new(ManualClock::new("2026-11-23T10:00:00Z".parse().unwrap()));
    let opts =
        AppOptions { clock: Some(clock.clone()), heartbeat: Some(Duration::from_millis(100)), ..Default::default() };
    let app = spawn_app_with(opts).await;
    allow_private_networks(&app, true).await;
    for bad in [json!({"stallMinutes": 0}), json!({"stallMinutes": 1441})] {
        let r = app.put(ADMIN_KEY, "/settings", &bad).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(error_of(r).await.1["error"]["details"][0]["field"], "stallMinutes");
    }
    let settings: Value = app.get(ADMIN_KEY, "/settings").await.json().await.unwrap();
    assert_eq!(settings["stallMinutes"], 30, "the default");

    let connection = jira_connection(&app, &sim, json!({"maxRequestsPerSecond": 100})).await;
    let report = jira_report(&app, &connection, "issues", "project = SIM", &["key", "summary"], "csv").await;
    // The search never answers (within the test).
    sim.set_faults(Faults { page_delay: Duration::from_secs(3600), ..Faults::default() });
    for (minutes, setting) in [(30, None), (5, Some(5))] {
        if let Some(m) = setting {
            let r = app.put(ADMIN_KEY, "/settings", &json!({"stallMinutes": m})).await;
            assert_eq!(r.status(), StatusCode::OK);
        }
        let searches = sim.seen().iter().filter(|s| s.path == SEARCH_PATH).count();
        let started = app.start_export(ADMIN_KEY, &report).await;
        let id = started["id"].as_str().unwrap();
        for _ in 0..3000 {
            if sim.seen().iter().filter(|s| s.path == SEARCH_PATH).count() > searches {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(app.export(ADMIN_KEY, id).await["status"], "RUNNING");

        clock.advance(SignedDuration::from_mins(minutes));
        let done = app.wait_finished(ADMIN_KEY, id).await;
        assert_eq!(done["status"], "FAILED", "{done}");
        let error = done["error"].as_str().unwrap();
        assert!(error.starts_with("stalled:"), "{error}");
        assert!(error.contains(&format!("{minutes} minutes")), "{error}");
        assert!(error.contains(&sim.url), "names the site: {error}");
        assert!(error.contains("last request: POST /rest/api/3/search/jql"), "{error}");
        assert!(error.contains("last answer: none yet"), "{error}");
    }
}

/// A site that stops answering before the first row (its field list, its
/// statuses, its count): the opening keeps the lease on the heartbeat, and
/// still ends `stalled` after `stallMinutes`, naming the request it waits on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_whose_source_never_finishes_opening_ends_stalled() {
    let sim = JiraSim::start(50).await;
    let clock = Arc::new(ManualClock::new("2026-11-23T10:00:00Z".parse().unwrap()));
    let opts =
        AppOptions { clock: Some(clock.clone()), heartbeat: Some(Duration::from_millis(100)), ..Default::default() };
    let app = spawn_app_with(opts).await;
    allow_private_networks(&app, true).await;
    let connection = jira_connection(&app, &sim, json!({"maxRequestsPerSecond": 100})).await;
    let report = jira_report(&app, &connection, "issues", "project = SIM", &["key", "summary"], "csv").await;
    // Every answer from now on waits an hour: the opening's first request hangs.
    sim.set_faults(Faults { latency: Duration::from_secs(3600), ..Faults::default() });
    let before = sim.seen().len();
    let started = app.start_export(ADMIN_KEY, &report).await;
    let id = started["id"].as_str().unwrap();
    for _ in 0..3000 {
        if sim.seen().len() > before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let waiting = sim.seen()[before].path.clone();
    assert_ne!(waiting, SEARCH_PATH, "the opening waits, before the search");

    // Past the lease, not yet the stall: the heartbeat kept the lease, so no
    // second worker opened the site again (no request was sent twice).
    // (In third-of-a-lease steps, each left long enough for heartbeat ticks.)
    for _ in 0..30 {
        clock.advance(SignedDuration::from_secs(20));
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(app.export(ADMIN_KEY, id).await["status"], "RUNNING");
    let paths: Vec<String> = sim.seen()[before..].iter().map(|s| s.path.clone()).collect();
    let once: std::collections::BTreeSet<&String> = paths.iter().collect();
    assert_eq!(once.len(), paths.len(), "a request sent twice: the export was opened again: {paths:?}");

    clock.advance(SignedDuration::from_mins(20));
    let done = app.wait_finished(ADMIN_KEY, id).await;
    assert_eq!(done["status"], "FAILED", "{done}");
    let error = done["error"].as_str().unwrap();
    assert!(error.starts_with("stalled: no progress for 30 minutes"), "{error}");
    assert!(error.contains(&sim.url), "names the site: {error}");
    let named = sim.seen()[before..].iter().any(|s| error.contains(&format!("last request: GET {}", s.path)));
    assert!(named, "names a request it waits on: {error}");
}
