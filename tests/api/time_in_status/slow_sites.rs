//! `timeInStatus` from slow and throttled sites: without the bulk changelog
//! endpoint, with a 429 (`Retry-After: 1`) on one request in 13 and with
//! slow answers, the export completes with the bulk path's file, shows its
//! progress as it goes (in the clock's time, which here follows real time
//! from a fixed instant, so leases expire as they would), and never loses
//! its lease to a takeover (no changelog is read twice); a worker killed in
//! the middle of a search page's issues resumes inside it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferry_core::ports::clock::{Clock, ManualClock};
use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value};

use super::{app_at, report, sha_of_export, AS_OF};
use crate::helpers::{sha256_hex, spawn_app_with, AppOptions, TestApp, ADMIN_KEY};
use crate::jira_ferry::{allow_private_networks, jira_connection};
use crate::jira_sim::{Faults, JiraSim, SEARCH_PATH};

const ISSUES: u32 = 1_200;

/// Moves the manual clock along with real time from where it stands, until dropped.
struct FollowRealTime(tokio::task::JoinHandle<()>);

impl FollowRealTime {
    fn start(clock: &Arc<ManualClock>) -> Self {
        let clock = clock.clone();
        let (from, began) = (clock.now(), Instant::now());
        FollowRealTime(tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(20)).await;
                let elapsed = SignedDuration::try_from(began.elapsed()).unwrap();
                clock.set(from + elapsed);
            }
        }))
    }
}

impl Drop for FollowRealTime {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Changelog requests answered 200, per issue path.
fn changelogs_read(sim: &JiraSim, since: usize) -> BTreeMap<String, usize> {
    let mut per = BTreeMap::new();
    for s in sim.seen()[since..].iter().filter(|s| s.path.ends_with("/changelog") && s.status == 200) {
        *per.entry(s.path.clone()).or_insert(0) += 1;
    }
    per
}

/// Runs the export while the clock follows real time, watching its progress:
/// the finished export and the longest stretch of clock time (from RUNNING
/// to the end) in which its progress did not rise.
async fn run_watching(app: &TestApp, clock: &Arc<ManualClock>, report: &str) -> (Value, SignedDuration) {
    clock.set(AS_OF.parse().unwrap());
    let started = app.start_export(ADMIN_KEY, report).await;
    let id = started["id"].as_str().unwrap().to_string();
    let _time = FollowRealTime::start(clock);
    let (mut last, mut since, mut longest) = (0u64, None::<Timestamp>, SignedDuration::ZERO);
    for _ in 0..30_000 {
        let e = app.export(ADMIN_KEY, &id).await;
        let now = clock.now();
        let completed = e["progress"]["completed"].as_u64().unwrap_or(0);
        match e["status"].as_str() {
            Some("RUNNING") => {
                let from = *since.get_or_insert(now);
                longest = longest.max(now.duration_since(from));
                if completed > last {
                    (last, since) = (completed, Some(now));
                }
            }
            Some("QUEUED") => {}
            _ => return (e, longest),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("export {id} did not finish: {}", app.export(ADMIN_KEY, &id).await);
}

async fn throttled_site_without_bulk_gives_the_bulk_file(latency: Duration) {
    let sim = JiraSim::start(ISSUES).await;
    let clock = Arc::new(ManualClock::new(AS_OF.parse().unwrap()));
    let app = app_at(&clock, 1, 64 * 1024).await;
    let connection = jira_connection(&app, &sim, json!({"maxRequestsPerSecond": 100})).await;
    let options = json!({"layout": "wide", "unit": "hours", "statusCount": true});
    let id = report(&app, &connection, "project = SIM ORDER BY key ASC", "csv", options).await;
    let (bulk, _) = sha_of_export(&app, &id).await;

    sim.set_faults(Faults { bulk_refused: Some(404), throttle_every: Some((13, 1)), latency, ..Faults::default() });
    let before = sim.seen().len();
    let (done, longest) = run_watching(&app, &clock, &id).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(done["rows"], ISSUES);
    assert_eq!(done["createdAt"], AS_OF);
    let bytes = app.download(ADMIN_KEY, done["id"].as_str().unwrap()).await;
    assert_eq!(sha256_hex(&bytes), bulk, "the same file as through the bulk endpoint");
    assert!(sim.answered(429) >= 50, "throttled {} times", sim.answered(429));
    let read = changelogs_read(&sim, before);
    assert!(read.len() >= ISSUES as usize, "{} issues' changelogs read", read.len());
    // No worker took the export over and read a batch again.
    // (Every 500th issue has 130 changes: two pages of its changelog.)
    let pages = |path: &str| if path.ends_with("10500/changelog") || path.ends_with("11000/changelog") { 2 } else { 1 };
    let twice: Vec<_> = read.iter().filter(|(p, n)| **n > pages(p)).collect();
    assert!(twice.is_empty(), "changelogs read twice: {twice:?}");
    let firsts =
        sim.seen()[before..].iter().filter(|s| s.path == SEARCH_PATH && s.token.is_none() && s.status == 200).count();
    assert_eq!(firsts, 1, "the search started once");
    assert!(longest <= SignedDuration::from_secs(10), "progress stood still for {longest:?}");
    eprintln!("latency {latency:?}: progress rose at least every {longest:?}; {} requests", sim.seen().len() - before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_site_without_bulk_changelogs_completes_with_the_bulk_file() {
    throttled_site_without_bulk_gives_the_bulk_file(Duration::ZERO).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_answering_in_200_ms_completes_with_the_bulk_file() {
    throttled_site_without_bulk_gives_the_bulk_file(Duration::from_millis(200)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_inside_a_batch_resumes_inside_it_with_the_same_sha256() {
    let sim = JiraSim::start(ISSUES).await;
    let clock = Arc::new(ManualClock::new(AS_OF.parse().unwrap()));
    // A quick heartbeat: checkpoints come often enough to fall before the kill.
    let opts = AppOptions {
        clock: Some(clock.clone()),
        workers: 1,
        part_size: 64 * 1024,
        heartbeat: Some(Duration::from_millis(200)),
        ..Default::default()
    };
    let mut app = spawn_app_with(opts).await;
    allow_private_networks(&app, true).await;
    let connection = jira_connection(&app, &sim, json!({"maxRequestsPerSecond": 100})).await;
    let options = json!({"layout": "wide", "unit": "minutes"});
    let id = report(&app, &connection, "project = SIM ORDER BY key ASC", "csv", options).await;
    let (whole, _) = sha_of_export(&app, &id).await;

    // Each issue's changelog, slowly: the first search page (1000 issues) is one batch of the bulk path.
    sim.set_faults(Faults { bulk_refused: Some(404), latency: Duration::from_millis(20), ..Faults::default() });
    let export = app.start_export(ADMIN_KEY, &id).await["id"].as_str().unwrap().to_string();
    let at_kill = app
        .wait_export(ADMIN_KEY, &export, |e| (300..900).contains(&e["progress"]["completed"].as_u64().unwrap_or(0)))
        .await;
    app.ferry().kill_workers();
    assert_eq!(at_kill["status"], "RUNNING", "{at_kill}");
    let before = sim.seen().len();

    clock.advance(SignedDuration::from_secs(61));
    app.ferry().start_workers(1);
    let done = app.wait_finished(ADMIN_KEY, &export).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    let bytes = app.download(ADMIN_KEY, &export).await;
    assert_eq!(sha256_hex(&bytes), whole, "the resumed file is the uninterrupted one");
    let after = sim.seen()[before..].iter().filter(|s| s.path.ends_with("/changelog")).count();
    let shown = at_kill["progress"]["completed"].as_u64().unwrap() as usize;
    assert!(after < 1000, "{after} changelog requests after the restart: the batch was read again");
    assert!(
        after <= ISSUES as usize - shown + 200,
        "{after} changelog requests after the restart at {shown} issues read"
    );
}
