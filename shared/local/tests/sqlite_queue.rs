//! `SqliteQueue` against the work queue conformance suite (stale receipts
//! included), plus what only the SQLite queue promises: FIFO order, named
//! queues sharing one file (and the state store's), durability across
//! reopening, and start-up recovery.

use std::path::Path;
use std::sync::Arc;

use ferry_core::conformance::work_queue::{stale_receipt_conformance, work_queue_conformance};
use ferry_core::ports::clock::ManualClock;
use ferry_core::ports::work_queue::{Job, WorkQueue};
use ferry_local_adapters::{SqliteQueue, SqliteStore};
use jiff::SignedDuration;

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new("2026-03-01T12:00:00Z".parse().unwrap()))
}

fn job(id: &str) -> Job {
    Job::Export { export_id: id.into() }
}

fn open(path: &Path, name: &str, clock: &Arc<ManualClock>) -> SqliteQueue {
    SqliteQueue::open(path, name, clock.clone()).unwrap()
}

async fn next_id(queue: &SqliteQueue) -> Option<String> {
    queue.receive(SignedDuration::from_secs(60)).await.unwrap().map(|r| match r.job {
        Job::Export { export_id } => export_id,
        Job::Deliver { delivery_id } => delivery_id,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_queue_passes_the_work_queue_suite() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let queue = Arc::new(open(&dir.path().join("ferry.sqlite"), "exports", &clock));
    work_queue_conformance(queue, clock).await;
}

#[tokio::test]
async fn sqlite_queue_ignores_stale_receipts() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let queue = Arc::new(open(&dir.path().join("ferry.sqlite"), "exports", &clock));
    stale_receipt_conformance(queue, clock).await;
}

#[tokio::test]
async fn jobs_come_out_by_visible_time_then_insertion() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let queue = open(&dir.path().join("q.sqlite"), "exports", &clock);
    queue.enqueue(&job("late"), SignedDuration::from_secs(5)).await.unwrap();
    queue.enqueue(&job("first"), SignedDuration::ZERO).await.unwrap();
    queue.enqueue(&job("second"), SignedDuration::ZERO).await.unwrap();
    clock.advance(SignedDuration::from_secs(1));
    queue.enqueue(&job("third"), SignedDuration::ZERO).await.unwrap();
    clock.advance(SignedDuration::from_secs(10));
    let order = [next_id(&queue).await, next_id(&queue).await, next_id(&queue).await, next_id(&queue).await];
    assert_eq!(order, [Some("first"), Some("second"), Some("third"), Some("late")].map(|s| s.map(String::from)));
}

#[tokio::test]
async fn named_queues_share_one_file_with_the_state_store_without_mixing_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ferry.sqlite");
    let _store = SqliteStore::open(&path).unwrap();
    let clock = clock();
    let exports = open(&path, "exports", &clock);
    let deliveries = open(&path, "deliveries", &clock);
    exports.enqueue(&job("exp_1"), SignedDuration::ZERO).await.unwrap();
    deliveries.enqueue(&job("exp_2"), SignedDuration::ZERO).await.unwrap();
    let received = deliveries.receive(SignedDuration::from_secs(60)).await.unwrap().unwrap();
    assert_eq!(received.job, job("exp_2"));
    // A receipt of one queue does nothing in another.
    exports.ack(&received.receipt).await.unwrap();
    assert_eq!(next_id(&exports).await.as_deref(), Some("exp_1"));
    assert_eq!(next_id(&exports).await, None);
    assert_eq!(next_id(&deliveries).await, None);
}

#[tokio::test]
async fn a_reopened_queue_still_holds_its_jobs_and_recovery_releases_the_received_ones_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ferry.sqlite");
    let clock = clock();
    {
        let queue = open(&path, "exports", &clock);
        queue.enqueue(&job("running"), SignedDuration::ZERO).await.unwrap();
        queue.enqueue(&job("waiting"), SignedDuration::ZERO).await.unwrap();
        queue.enqueue(&job("delayed"), SignedDuration::from_secs(600)).await.unwrap();
        let r = queue.receive(SignedDuration::from_secs(3600)).await.unwrap().unwrap();
        assert_eq!(r.job, job("running"));
    }
    // The process "restarts": same file, new queue.
    let queue = open(&path, "exports", &clock);
    assert_eq!(queue.make_all_visible().unwrap(), 1);
    let again = queue.receive(SignedDuration::from_secs(60)).await.unwrap().unwrap();
    assert_eq!(
        (again.job.clone(), again.attempts),
        (job("running"), 2),
        "the in-flight job is back without waiting an hour"
    );
    let next = queue.receive(SignedDuration::from_secs(60)).await.unwrap().unwrap();
    assert_eq!((next.job.clone(), next.attempts), (job("waiting"), 1));
    assert_eq!(next_id(&queue).await, None, "a delayed job keeps its delay");
    queue.ack(&again.receipt).await.unwrap();
    queue.ack(&next.receipt).await.unwrap();
    clock.advance(SignedDuration::from_secs(600));
    assert_eq!(next_id(&queue).await.as_deref(), Some("delayed"));
}

#[tokio::test]
async fn a_malformed_receipt_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let queue = open(&dir.path().join("q.sqlite"), "exports", &clock());
    assert!(queue.ack("not-a-receipt").await.is_err());
    assert!(queue.retry_later("12", SignedDuration::ZERO).await.is_err());
}
