//! Lambda's SQS event source, shared by the export and delivery functions.
//! Each record becomes a `ReceivedJob` and goes to the worker's `handle`,
//! which acks, puts back or continues it itself. What Lambda must not delete
//! is reported as a batch item failure (the template's event sources set
//! `ReportBatchItemFailures`): a job put back with `retry_later` (its
//! visibility already says when it returns), and a job whose handling failed
//! (it returns when the queue's visibility timeout ends). A record that is
//! not a job is reported too, so the redrive policy parks it in the
//! dead-letter queue for a look. The batch itself never fails, so one bad
//! record never replays the others. While a job runs, its message is kept
//! hidden a little at a time (`visibility`), so a crashed invocation's job
//! comes back within minutes, not after the queue's whole timeout.

use std::future::Future;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use ferry_core::error::CoreError;
use ferry_core::ports::job_policy::JobOutcome;
use ferry_core::ports::work_queue::ReceivedJob;

use crate::visibility::VisibilityKeeper;

/// Runs `handle` on every record, in order; returns the records to keep.
pub async fn handle_batch<F, Fut>(event: SqsEvent, keeper: &VisibilityKeeper, handle: F) -> SqsBatchResponse
where
    F: Fn(ReceivedJob) -> Fut,
    Fut: Future<Output = Result<JobOutcome, CoreError>>,
{
    let mut response = SqsBatchResponse::default();
    for record in event.records {
        let message_id = record.message_id.clone().unwrap_or_default();
        let received = match received_job(record) {
            Ok(r) => r,
            Err(why) => {
                tracing::error!(%message_id, %why, "unreadable SQS record; left for the dead-letter queue");
                response.batch_item_failures.push(failure(message_id));
                continue;
            }
        };
        let receipt = received.receipt.clone();
        match keeper.while_running(&receipt, handle(received)).await {
            Ok(JobOutcome::Done | JobOutcome::Continued) => {}
            Ok(JobOutcome::Later) => response.batch_item_failures.push(failure(message_id)),
            Err(err) => {
                tracing::warn!(%message_id, error = %err, "job handling failed; the message comes back after its visibility timeout");
                response.batch_item_failures.push(failure(message_id));
            }
        }
    }
    response
}

fn failure(message_id: String) -> BatchItemFailure {
    let mut f = BatchItemFailure::default();
    f.item_identifier = message_id;
    f
}

/// The job in an SQS record: its body, receipt handle and receive count.
fn received_job(record: SqsMessage) -> Result<ReceivedJob, String> {
    let body = record.body.ok_or("no body")?;
    let receipt = record.receipt_handle.ok_or("no receipt handle")?;
    let attempts = record.attributes.get("ApproximateReceiveCount").and_then(|n| n.parse().ok()).unwrap_or(1);
    ferry_aws::sqs::received_job(&body, &receipt, attempts).map_err(|e| e.to_string())
}
