//! `SqsQueue`: the work queue port on one SQS standard queue.
//!
//! Enqueue is SendMessage with `DelaySeconds`, receive is ReceiveMessage of
//! one message with a `VisibilityTimeout` (attempts from its
//! `ApproximateReceiveCount`), ack is DeleteMessage and retry_later is
//! ChangeMessageVisibility.
//!
//! SQS limits, and what the adapter does about them:
//! - `DelaySeconds` is at most 900 s. A longer delay is cut to 900 s: the job
//!   comes early, and its consumer puts it back. Ferry's consumers judge
//!   time by their record (a delivery's `not_before`, an export's lease) and
//!   answer an early job with `retry_later`, so early is safe.
//! - A visibility timeout is at most 12 hours, and ChangeMessageVisibility
//!   counts those 12 hours from the receive: retry_later delays at most 11
//!   hours (Ferry's workers answer within their claim, under an hour, of
//!   receiving a job), and its consumer re-delays a job that comes early.
//! - Times are whole seconds, rounded up so a job never shows early.
//! - A stale receipt (the job was received again since) cannot be told from a
//!   receipt of a deleted job: ack and retry_later treat both as done, as the
//!   port asks. SQS documents that deleting with a stale receipt succeeds
//!   without deleting; the emulator (moto) deletes anyway.
//! - A standard queue delivers at least once and, rarely, twice: Ferry's
//!   consumers are idempotent (claims and versions live in the store).
//! - Receive does not wait (short polling): on AWS an empty answer may miss a
//!   message on a server not sampled. Only tests and tools poll; the Lambdas
//!   get their messages from the event source mapping.

use async_trait::async_trait;
use aws_sdk_sqs::error::SdkError;
use aws_sdk_sqs::types::MessageSystemAttributeName;
use aws_sdk_sqs::Client;
use ferry_core::ports::work_queue::{Job, ReceivedJob, WorkQueue};
use ferry_core::PortError;
use jiff::SignedDuration;

use super::errors::{backend, code};
use super::lambda_record::{job_body, received_job};

/// SQS's longest `DelaySeconds`.
pub const SQS_MAX_DELAY: SignedDuration = SignedDuration::from_secs(15 * 60);
/// SQS's longest visibility timeout.
pub const SQS_MAX_VISIBILITY: SignedDuration = SignedDuration::from_hours(12);
/// The longest retry_later: SQS_MAX_VISIBILITY less an hour for the time
/// since the receive, which SQS counts in.
pub const SQS_MAX_RETRY_DELAY: SignedDuration = SignedDuration::from_hours(11);

/// One SQS queue, named by its URL.
#[derive(Clone, Debug)]
pub struct SqsQueue {
    client: Client,
    queue_url: String,
}

impl SqsQueue {
    pub fn new(client: Client, queue_url: impl Into<String>) -> Self {
        SqsQueue { client, queue_url: queue_url.into() }
    }

    pub fn queue_url(&self) -> &str {
        &self.queue_url
    }
}

/// `d` in whole seconds within `0..=max`, rounded up.
fn whole_seconds(d: SignedDuration, max: SignedDuration) -> i32 {
    let d = d.clamp(SignedDuration::ZERO, max);
    let secs = d.as_secs() + i64::from(d.subsec_nanos() > 0);
    secs as i32
}

/// A receipt that no longer names a message in flight: the job was deleted,
/// received again since, or is visible again.
fn is_stale_receipt<E: aws_sdk_sqs::error::ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    matches!(
        code(e),
        Some("ReceiptHandleIsInvalid" | "AWS.SimpleQueueService.ReceiptHandleIsInvalid")
            | Some("MessageNotInflight" | "AWS.SimpleQueueService.MessageNotInflight")
    )
}

#[async_trait]
impl WorkQueue for SqsQueue {
    async fn enqueue(&self, job: &Job, delay: SignedDuration) -> Result<(), PortError> {
        if delay > SQS_MAX_DELAY {
            tracing::debug!(?job, %delay, "SQS delays at most 15 minutes; the consumer re-delays the job");
        }
        self.client
            .send_message()
            .queue_url(&self.queue_url)
            .message_body(job_body(job))
            .delay_seconds(whole_seconds(delay, SQS_MAX_DELAY))
            .send()
            .await
            .map_err(|e| backend("SendMessage", e))?;
        Ok(())
    }

    async fn receive(&self, visibility: SignedDuration) -> Result<Option<ReceivedJob>, PortError> {
        let out = self
            .client
            .receive_message()
            .queue_url(&self.queue_url)
            .max_number_of_messages(1)
            .wait_time_seconds(0)
            .visibility_timeout(whole_seconds(visibility, SQS_MAX_VISIBILITY))
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await
            .map_err(|e| backend("ReceiveMessage", e))?;
        let Some(message) = out.messages().first() else {
            return Ok(None);
        };
        let receipt = message
            .receipt_handle()
            .ok_or_else(|| PortError::backend("SQS ReceiveMessage answered a message without a receipt"))?;
        let attempts = message
            .attributes()
            .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        received_job(message.body().unwrap_or_default(), receipt, attempts).map(Some).map_err(PortError::backend)
    }

    async fn ack(&self, receipt: &str) -> Result<(), PortError> {
        match self.client.delete_message().queue_url(&self.queue_url).receipt_handle(receipt).send().await {
            Ok(_) => Ok(()),
            Err(e) if is_stale_receipt(&e) => Ok(()),
            Err(e) => Err(backend("DeleteMessage", e)),
        }
    }

    async fn retry_later(&self, receipt: &str, delay: SignedDuration) -> Result<(), PortError> {
        let request = self
            .client
            .change_message_visibility()
            .queue_url(&self.queue_url)
            .receipt_handle(receipt)
            .visibility_timeout(whole_seconds(delay, SQS_MAX_RETRY_DELAY));
        match request.send().await {
            Ok(_) => Ok(()),
            Err(e) if is_stale_receipt(&e) => Ok(()),
            Err(e) => Err(backend("ChangeMessageVisibility", e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_whole_seconds_rounded_up_and_cut_to_the_sqs_limits() {
        let s = SignedDuration::from_secs;
        assert_eq!(whole_seconds(SignedDuration::ZERO, SQS_MAX_DELAY), 0);
        assert_eq!(whole_seconds(s(-5), SQS_MAX_DELAY), 0);
        assert_eq!(whole_seconds(SignedDuration::from_millis(1500), SQS_MAX_DELAY), 2);
        assert_eq!(whole_seconds(s(900), SQS_MAX_DELAY), 900);
        assert_eq!(whole_seconds(s(3600), SQS_MAX_DELAY), 900, "a delay over 15 minutes comes early");
        assert_eq!(whole_seconds(s(86_400), SQS_MAX_VISIBILITY), 43_200);
    }
}
