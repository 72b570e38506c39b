//! Conformance suite of the `WorkQueue` port: at-least-once delivery with a
//! visibility timeout, delays, retries, and concurrent receivers that never
//! share a job; and, for queues that promise it (`stale_receipt_conformance`),
//! receipts that go stale. Time moves only through a `QueueTime`: the
//! `ManualClock` a local queue reads, or an emulator's clock.

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use jiff::SignedDuration;
use tokio::sync::Barrier;

use crate::ports::clock::ManualClock;
use crate::ports::work_queue::{Job, ReceivedJob, WorkQueue};

/// Moves the time the queue under test judges visibility and delays by.
#[async_trait]
pub trait QueueTime: Send + Sync {
    async fn advance(&self, by: SignedDuration);
}

#[async_trait]
impl QueueTime for ManualClock {
    async fn advance(&self, by: SignedDuration) {
        ManualClock::advance(self, by);
    }
}

const VISIBILITY: SignedDuration = SignedDuration::from_secs(30);

fn job(id: &str) -> Job {
    Job::Export { export_id: format!("exp_{id}") }
}

/// The job's export id (jobs are not `Hash`).
fn id(job: &Job) -> &str {
    match job {
        Job::Export { export_id } => export_id,
        Job::Deliver { delivery_id } => delivery_id,
    }
}

fn secs(s: i64) -> SignedDuration {
    SignedDuration::from_secs(s)
}

async fn receive(queue: &dyn WorkQueue) -> Option<ReceivedJob> {
    queue.receive(VISIBILITY).await.expect("receive")
}

async fn receive_some(queue: &dyn WorkQueue, why: &str) -> ReceivedJob {
    receive(queue).await.unwrap_or_else(|| panic!("{why}: expected a job, the queue gave none"))
}

async fn assert_empty(queue: &dyn WorkQueue, why: &str) {
    if let Some(r) = receive(queue).await {
        panic!("{why}: expected no visible job, received {:?}", r.job);
    }
}

/// Checks every `WorkQueue` promise but stale receipts. Needs an empty queue
/// whose time `clock` moves, and a multi-threaded tokio runtime (receivers
/// race on several threads).
pub async fn work_queue_conformance(queue: Arc<dyn WorkQueue>, clock: Arc<dyn QueueTime>) {
    let q = queue.as_ref();
    let clock = clock.as_ref();
    assert_empty(q, "a fresh queue").await;

    // Received jobs hide for the visibility timeout, then come back with a
    // new receipt and one more attempt.
    q.enqueue(&job("a"), SignedDuration::ZERO).await.expect("enqueue");
    let first = receive_some(q, "an enqueued job").await;
    assert_eq!((first.job.clone(), first.attempts), (job("a"), 1));
    assert_empty(q, "a received job is hidden").await;
    clock.advance(VISIBILITY - secs(1)).await;
    assert_empty(q, "a received job is hidden until its timeout").await;
    clock.advance(secs(2)).await;
    let second = receive_some(q, "a job whose visibility timeout ended").await;
    assert_eq!((second.job.clone(), second.attempts), (job("a"), 2), "the second receive counts a second attempt");
    assert_ne!(first.receipt, second.receipt, "each receive gives a new receipt");
    q.ack(&second.receipt).await.expect("ack");
    clock.advance(VISIBILITY * 3).await;
    assert_empty(q, "an acked job never comes back").await;

    // Every kind of job comes back as it was sent.
    let deliver = Job::Deliver { delivery_id: "dlv_a".into() };
    q.enqueue(&deliver, SignedDuration::ZERO).await.expect("enqueue");
    let received = receive_some(q, "a delivery job").await;
    assert_eq!(received.job, deliver);
    q.ack(&received.receipt).await.expect("ack");

    // A delayed job waits for its delay; jobs without one go first.
    q.enqueue(&job("later"), secs(10)).await.expect("enqueue delayed");
    q.enqueue(&job("now1"), SignedDuration::ZERO).await.expect("enqueue");
    q.enqueue(&job("now2"), SignedDuration::ZERO).await.expect("enqueue");
    let (n1, n2) = (receive_some(q, "a job without delay").await, receive_some(q, "a job without delay").await);
    let got = HashSet::from([id(&n1.job), id(&n2.job)]);
    assert_eq!(got, HashSet::from(["exp_now1", "exp_now2"]), "jobs without delay come before a delayed one");
    assert_empty(q, "a delayed job before its delay").await;
    clock.advance(secs(10)).await;
    let later = receive_some(q, "a delayed job after its delay").await;
    assert_eq!((later.job.clone(), later.attempts), (job("later"), 1));
    for r in [n1, n2, later] {
        q.ack(&r.receipt).await.expect("ack");
    }
    clock.advance(VISIBILITY + secs(1)).await;
    assert_empty(q, "everything acked").await;

    // retry_later hides a job for its delay (zero: at once), counting attempts.
    q.enqueue(&job("retry"), SignedDuration::ZERO).await.expect("enqueue");
    let r1 = receive_some(q, "").await;
    q.retry_later(&r1.receipt, secs(5)).await.expect("retry_later");
    assert_empty(q, "a job retried later, before the delay").await;
    clock.advance(secs(5)).await;
    let r2 = receive_some(q, "a job retried later, after the delay").await;
    assert_eq!((r2.job.clone(), r2.attempts), (job("retry"), 2));
    q.retry_later(&r2.receipt, SignedDuration::ZERO).await.expect("retry_later");
    let r3 = receive_some(q, "a job retried with no delay").await;
    assert_eq!((r3.job.clone(), r3.attempts), (job("retry"), 3));
    q.ack(&r3.receipt).await.expect("ack");
    assert_empty(q, "everything acked").await;

    // Receivers racing for one job: exactly one wins.
    for round in 0..5 {
        q.enqueue(&job(&format!("race{round}")), SignedDuration::ZERO).await.expect("enqueue");
        let wins = race(&queue, 8, 1).await;
        assert_eq!(wins.len(), 1, "round {round}: {} receivers got the one job", wins.len());
        q.ack(&wins[0].receipt).await.expect("ack");
    }

    // Receivers draining many jobs: each job goes to exactly one of them.
    let jobs: Vec<Job> = (0..40).map(|n| job(&format!("many{n}"))).collect();
    let expected: HashSet<&str> = jobs.iter().map(id).collect();
    for j in &jobs {
        q.enqueue(j, SignedDuration::ZERO).await.expect("enqueue");
    }
    let received = race(&queue, 6, usize::MAX).await;
    let mut seen = HashSet::new();
    for r in &received {
        assert!(seen.insert(id(&r.job)), "{:?} was received twice", r.job);
        q.ack(&r.receipt).await.expect("ack");
    }
    assert_eq!(seen, expected, "every job was received once");
    clock.advance(VISIBILITY * 2).await;
    assert_empty(q, "after the races").await;
}

/// A queue that ignores stale receipts: once a job was received again, the
/// earlier receipt neither deletes nor releases it (and is not an error).
/// The SQLite queue promises this. SQS documents it for DeleteMessage ("the
/// request succeeds, but the message will not be deleted") but moto deletes,
/// so the SQS adapter is not run against it; Ferry's workers do not rely on
/// it (their claims live in the store).
pub async fn stale_receipt_conformance(queue: Arc<dyn WorkQueue>, clock: Arc<dyn QueueTime>) {
    let (q, clock) = (queue.as_ref(), clock.as_ref());
    assert_empty(q, "a fresh queue").await;
    q.enqueue(&job("stale"), SignedDuration::ZERO).await.expect("enqueue");
    let first = receive_some(q, "an enqueued job").await;
    clock.advance(VISIBILITY + secs(1)).await;
    let second = receive_some(q, "a job whose visibility timeout ended").await;
    q.ack(&first.receipt).await.expect("ack with a stale receipt is not an error");
    q.retry_later(&first.receipt, SignedDuration::ZERO)
        .await
        .expect("retry_later with a stale receipt is not an error");
    assert_empty(q, "a stale receipt does not release the job").await;
    clock.advance(VISIBILITY + secs(1)).await;
    let third = receive_some(q, "a stale ack does not delete the job").await;
    assert_eq!((third.job.clone(), third.attempts), (job("stale"), 3));
    assert_ne!(second.receipt, third.receipt);
    q.ack(&third.receipt).await.expect("ack");
    clock.advance(VISIBILITY * 3).await;
    assert_empty(q, "an acked job never comes back").await;
}

/// `receivers` tasks, released together, each receiving until the queue
/// gives nothing or it holds `limit` jobs; all jobs received.
async fn race(queue: &Arc<dyn WorkQueue>, receivers: usize, limit: usize) -> Vec<ReceivedJob> {
    let barrier = Arc::new(Barrier::new(receivers));
    let tasks: Vec<_> = (0..receivers)
        .map(|_| {
            let (queue, barrier) = (queue.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let mut got = Vec::new();
                while got.len() < limit {
                    match queue.receive(VISIBILITY).await.expect("receive") {
                        Some(r) => got.push(r),
                        None => break,
                    }
                }
                got
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("receiver task"));
    }
    all
}
