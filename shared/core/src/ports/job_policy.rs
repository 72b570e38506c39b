//! What becomes of a received job's message, written once for both workers
//! (exports and deliveries): ack it, put it back, re-queue it, or give up.
//!
//! A message that keeps failing must not end in the dead-letter queue with
//! its export or delivery left unfinished: past `GIVE_UP_AFTER_RECEIVES`
//! receives the worker fails its work visibly and the message is acked (the
//! SQS queues' maxReceiveCount is set higher). So that only failures count,
//! benign waits (report busy, another worker's lease, a backoff) go back as a
//! new message once a job has been received `REQUEUE_WAITS_AFTER_RECEIVES`
//! times, which starts its count again.

use jiff::SignedDuration;

use crate::error::CoreError;
use crate::ports::work_queue::{ReceivedJob, WorkQueue};

/// Receives of one job after which its export (or delivery) is given up as
/// failed. The SQS queues' maxReceiveCount must be higher (the template uses 10).
pub const GIVE_UP_AFTER_RECEIVES: u32 = 8;

/// Receives after which a benign wait goes back as a new message rather than
/// `retry_later`, so waiting never counts towards `GIVE_UP_AFTER_RECEIVES`.
pub const REQUEUE_WAITS_AFTER_RECEIVES: u32 = 3;

/// Delay before a job whose step failed (store or file-store trouble) comes back.
pub const RETRY_AFTER_ERROR: SignedDuration = SignedDuration::from_secs(5);

/// What a worker's loop learns from one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOutcome {
    /// No job was visible.
    Empty,
    /// A job was handled (finished, or put back for later).
    Worked,
    /// The job's message is done and a new one carries the work on.
    Continue,
}

/// What became of one received job's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOutcome {
    /// Acked (deleted): the job is finished or was not for this worker.
    Done,
    /// Put back with `retry_later`: it comes back after a delay. A consumer
    /// that deletes what it handled (Lambda's SQS mapping) must leave it
    /// alone: report it as a batch item failure.
    Later,
    /// Acked, and a new job was queued to carry on: a continuation from the
    /// checkpoint when the step budget ran out, or a long wait re-queued.
    Continued,
}

impl From<JobOutcome> for StepOutcome {
    fn from(o: JobOutcome) -> Self {
        match o {
            JobOutcome::Done | JobOutcome::Later => StepOutcome::Worked,
            JobOutcome::Continued => StepOutcome::Continue,
        }
    }
}

/// What a worker made of one job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// Finished (or nothing left to do).
    Done,
    /// Not now: a benign wait of this long.
    Later(SignedDuration),
    /// More to do at once, from the saved checkpoint.
    Continue,
}

/// True when the job has come back too often: the worker gives its work up
/// as failed, then `settle`s `Ok(Handled::Done)`.
pub fn past_giving_up(received: &ReceivedJob) -> bool {
    received.attempts > GIVE_UP_AFTER_RECEIVES
}

/// Acks, puts back or re-queues the message as `handled` says. An `Err` is
/// trouble with a store: the job comes back after `RETRY_AFTER_ERROR`, and
/// the checkpoint keeps what was done. Err only when the queue itself failed.
pub async fn settle(
    queue: &dyn WorkQueue,
    received: &ReceivedJob,
    handled: Result<Handled, CoreError>,
) -> Result<JobOutcome, CoreError> {
    match handled {
        Ok(Handled::Done) => {
            queue.ack(&received.receipt).await?;
            Ok(JobOutcome::Done)
        }
        Ok(Handled::Later(delay)) if received.attempts >= REQUEUE_WAITS_AFTER_RECEIVES => {
            queue.enqueue(&received.job, delay).await?;
            queue.ack(&received.receipt).await?;
            Ok(JobOutcome::Continued)
        }
        Ok(Handled::Later(delay)) => {
            queue.retry_later(&received.receipt, delay).await?;
            Ok(JobOutcome::Later)
        }
        Ok(Handled::Continue) => {
            queue.enqueue(&received.job, SignedDuration::ZERO).await?;
            queue.ack(&received.receipt).await?;
            Ok(JobOutcome::Continued)
        }
        Err(err) => {
            tracing::warn!(job = ?received.job, error = %err, attempts = received.attempts, "job step failed; will retry");
            queue.retry_later(&received.receipt, RETRY_AFTER_ERROR).await?;
            Ok(JobOutcome::Later)
        }
    }
}
