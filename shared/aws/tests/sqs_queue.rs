//! `SqsQueue` on the emulator (moto) against the work queue conformance
//! suite, plus what only the SQS adapter does: delays past SQS's 15 minutes,
//! the dead-letter queue `create_queue` wires, and a Lambda record's job.
//!
//! Time moves by moto's clock (`POST /ferry-test/clock/advance`, added by
//! tests/peers/moto_server.py), which every queue of this binary's emulator
//! reads: tests that move it, or that need it to stand still, hold `CLOCK`.
//! The stale-receipt promises are checked on the SQLite queue only (see
//! `stale_receipt_conformance`).

use std::sync::Arc;

use async_trait::async_trait;
use aws_sdk_sqs::types::MessageSystemAttributeName;
use ferry_aws::emulator::{unique_name, Emulator};
use ferry_aws::sqs::{create_queue, job_body, received_job, MAX_RECEIVE_COUNT};
use ferry_aws::SqsQueue;
use ferry_core::conformance::work_queue::{work_queue_conformance, QueueTime};
use ferry_core::ports::work_queue::{Job, WorkQueue};
use jiff::SignedDuration;
use tokio::sync::Mutex;

/// Held by every test whose outcome depends on moto's clock.
static CLOCK: Mutex<()> = Mutex::const_new(());

/// Moves the emulator's clock.
struct MotoClock {
    url: String,
}

impl MotoClock {
    fn new() -> Arc<MotoClock> {
        Arc::new(MotoClock { url: format!("{}/ferry-test/clock/advance", Emulator::get().endpoint()) })
    }
}

#[async_trait]
impl QueueTime for MotoClock {
    async fn advance(&self, by: SignedDuration) {
        let url = format!("{}?seconds={}", self.url, by.as_secs_f64());
        let response = reqwest::Client::new().post(&url).send().await.unwrap_or_else(|e| panic!("POST {url}: {e}"));
        assert!(
            response.status().is_success(),
            "POST {url}: {} (tests/peers/moto_server.py adds this endpoint; rerun `make test`)",
            response.status()
        );
    }
}

async fn queue(prefix: &str) -> (SqsQueue, aws_sdk_sqs::Client, String) {
    let client = Emulator::get().clients().await.sqs;
    let name = unique_name(prefix);
    let url = create_queue(&client, &name).await.expect("create_queue");
    (SqsQueue::new(client.clone(), url), client, name)
}

fn secs(s: i64) -> SignedDuration {
    SignedDuration::from_secs(s)
}

fn export(id: &str) -> Job {
    Job::Export { export_id: id.into() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqs_queue_passes_the_work_queue_suite() {
    let _clock = CLOCK.lock().await;
    let (queue, _, _) = queue("conformance").await;
    work_queue_conformance(Arc::new(queue), MotoClock::new()).await;
}

#[tokio::test]
async fn a_delay_past_fifteen_minutes_is_cut_to_fifteen_and_the_job_comes_early() {
    let _clock = CLOCK.lock().await;
    let (queue, _, _) = queue("long-delay").await;
    let clock = MotoClock::new();
    queue.enqueue(&export("exp_later"), SignedDuration::from_hours(2)).await.expect("enqueue");
    clock.advance(secs(15 * 60 - 2)).await;
    assert!(queue.receive(secs(30)).await.unwrap().is_none(), "still delayed before 15 minutes");
    clock.advance(secs(3)).await;
    let early = queue.receive(secs(30)).await.unwrap().expect("the job after 15 minutes");
    assert_eq!((early.job, early.attempts), (export("exp_later"), 1));
    // Its consumer puts it back for the rest; 11 hours is the longest it may.
    queue.retry_later(&early.receipt, SignedDuration::from_hours(24)).await.expect("retry_later past SQS's limit");
    clock.advance(SignedDuration::from_hours(11) - secs(2)).await;
    assert!(queue.receive(secs(30)).await.unwrap().is_none(), "hidden for 11 hours");
    clock.advance(secs(3)).await;
    let again = queue.receive(secs(30)).await.unwrap().expect("back after 11 hours");
    assert_eq!(again.attempts, 2);
    queue.ack(&again.receipt).await.unwrap();
}

#[tokio::test]
async fn a_job_received_max_receive_count_times_moves_to_the_dead_letter_queue() {
    let _clock = CLOCK.lock().await;
    let (queue, client, name) = queue("redrive").await;
    let clock = MotoClock::new();
    queue.enqueue(&export("exp_poison"), SignedDuration::ZERO).await.unwrap();
    for attempt in 1..=MAX_RECEIVE_COUNT {
        let r = queue.receive(secs(10)).await.unwrap().unwrap_or_else(|| panic!("receive {attempt}"));
        assert_eq!(r.attempts, attempt);
        clock.advance(secs(11)).await;
    }
    assert!(queue.receive(secs(10)).await.unwrap().is_none(), "gone from the queue after {MAX_RECEIVE_COUNT} receives");
    let dlq_url = client.get_queue_url().queue_name(format!("{name}-dlq")).send().await.unwrap();
    let dlq = SqsQueue::new(client.clone(), dlq_url.queue_url().unwrap());
    let dead = dlq.receive(secs(10)).await.unwrap().expect("the job in the dead-letter queue");
    assert_eq!(dead.job, export("exp_poison"));
}

#[tokio::test]
async fn a_lambda_record_of_a_sent_job_is_the_job_and_its_receipt_acks_it() {
    let _clock = CLOCK.lock().await;
    let (queue, client, _) = queue("lambda-record").await;
    let job = Job::Deliver { delivery_id: "dlv_1".into() };
    queue.enqueue(&job, SignedDuration::ZERO).await.unwrap();
    // What the event source mapping reads and hands the Lambda as a record.
    let out = client
        .receive_message()
        .queue_url(queue.queue_url())
        .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
        .visibility_timeout(0)
        .send()
        .await
        .unwrap();
    let message = &out.messages()[0];
    let count = &message.attributes().unwrap()[&MessageSystemAttributeName::ApproximateReceiveCount];
    assert_eq!(message.body(), Some(job_body(&job).as_str()));
    let received = received_job(message.body().unwrap(), message.receipt_handle().unwrap(), count.parse().unwrap())
        .expect("a Ferry job");
    assert_eq!((received.job.clone(), received.attempts), (job, 1));
    queue.ack(&received.receipt).await.unwrap();
    MotoClock::new().advance(secs(1)).await;
    assert!(queue.receive(secs(10)).await.unwrap().is_none(), "acked through the record's receipt");
}
