//! A `timeInStatus` export through the export function from a slow,
//! throttled Jira site (the api tests' simulator: no bulk changelog
//! endpoint, a 429 with `Retry-After: 1` on one request in 13, every answer
//! late): each invocation has a deadline too near to read the whole site, so
//! it hands over at its next checkpoint and the queue carries the export on;
//! across the invocations the file is the one a single invocation writes
//! through the bulk endpoint, byte for byte.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use ferry_core::ports::clock::ManualClock;
use serde_json::{json, Value};

use crate::jira_sim::{Faults, JiraSim, SEARCH_PATH, SIM_EMAIL, SIM_TOKEN};
use crate::stack::Stack;

const ISSUES: u32 = 150;
/// What Lambda gives a normal invocation (the template's timeout).
const WHOLE_INVOCATION: Duration = Duration::from_secs(900);

async fn export_file(stack: &Stack, report: &str, left: Duration) -> (Value, usize, Vec<u8>) {
    let r = stack.api("POST", "/v1/exports", Some(json!({"reportId": report}))).await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();
    let invocations = stack.drain_exports_within(left).await;
    let status = stack.export_status(&id).await;
    assert_eq!(status["status"], "COMPLETED", "{status}");
    let file = stack.download(&id).await;
    (status, invocations, file)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_site_read_across_short_invocations_gives_the_file_of_one_invocation() {
    // A frozen clock: both exports see the same "now" (open statuses run to
    // it); so a step budget must be zero to be spent (see below).
    let clock = Arc::new(ManualClock::new("2026-11-23T10:00:00Z".parse().unwrap()));
    let stack = Stack::adjusted(|ports| {
        ports.clock = clock.clone();
        ports.config.export.heartbeat = Duration::from_millis(400);
    })
    .await;
    let r = stack.api("PUT", "/v1/settings", Some(json!({"allowPrivateNetworks": true}))).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let sim = JiraSim::start(ISSUES).await;
    let settings = json!({"baseUrl": sim.url, "email": SIM_EMAIL, "apiToken": SIM_TOKEN, "maxRequestsPerSecond": 100});
    let c =
        stack.api("POST", "/v1/connections", Some(json!({"name": "sim", "kind": "jira", "settings": settings}))).await;
    assert_eq!(c.status, 201, "{:?}", c.body);
    let body = json!({"name": "Time in status", "connectionId": c.body["id"], "reportType": "timeInStatus",
        "query": "project = SIM ORDER BY key ASC", "format": "csv",
        "columns": [{"field": "key"}, {"field": "status"}],
        "timeInStatus": {"layout": "wide", "unit": "hours", "statusCount": true}});
    let r = stack.api("POST", "/v1/reports", Some(body)).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let report = r.body["id"].as_str().unwrap().to_string();

    let (whole, one, whole_file) = export_file(&stack, &report, WHOLE_INVOCATION).await;
    assert_eq!(one, 1, "the bulk endpoint's export fits one invocation");

    sim.set_faults(Faults {
        bulk_refused: Some(404),
        throttle_every: Some((13, 1)),
        latency: Duration::from_millis(50),
        ..Faults::default()
    });
    let before = sim.seen().len();
    // Each invocation at its deadline already: it hands over at its first checkpoint.
    let (slow, invocations, slow_file) = export_file(&stack, &report, Duration::ZERO).await;
    assert!(invocations >= 3, "{invocations} invocations: each should hand over at a checkpoint");
    assert_eq!(slow["rows"], ISSUES);
    assert_eq!(slow["sha256"], whole["sha256"], "{slow}");
    assert!(slow_file == whole_file, "the same bytes as the single invocation's file");
    assert!(sim.answered(429) >= 5, "throttled {} times", sim.answered(429));

    // Each invocation went on where the last one stopped: only what was in flight when an invocation handed
    // over (the reader keeps up to six changelogs in flight, a page ahead of
    // the checkpoint) was read again, once.
    let mut read = BTreeMap::<String, usize>::new();
    for s in sim.seen()[before..].iter().filter(|s| s.path.ends_with("/changelog") && s.status == 200) {
        *read.entry(s.path.clone()).or_default() += 1;
    }
    assert_eq!(read.len(), ISSUES as usize, "every issue's changelog read");
    let again: Vec<_> = read.iter().filter(|(_, n)| **n > 1).collect();
    assert!(again.iter().all(|(_, n)| **n == 2), "changelogs read more than twice: {again:?}");
    assert!(
        again.len() <= 6 * (invocations - 1),
        "{} changelogs read again over {invocations} invocations",
        again.len()
    );
    let firsts =
        sim.seen()[before..].iter().filter(|s| s.path == SEARCH_PATH && s.token.is_none() && s.status == 200).count();
    // All 150 issues are on the search's first page: each invocation asks
    // for it once, and skips the issues its checkpoint counts.
    assert_eq!(firsts, invocations, "one search page an invocation");
}
