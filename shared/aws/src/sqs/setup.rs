//! Creating a queue the way `infra/template.yaml` declares it, for tests
//! against the emulator: a dead-letter queue beside it and a redrive policy,
//! so a job that keeps failing ends there instead of being retried forever.

use aws_sdk_sqs::types::QueueAttributeName;
use aws_sdk_sqs::Client;
use ferry_core::PortError;

use super::errors::backend;

/// Receives after which SQS moves a job to the dead-letter queue. Above the
/// delivery worker's attempts per round (3) plus the early receives of jobs
/// delayed past SQS's 15 minutes, which their consumers put back.
pub const MAX_RECEIVE_COUNT: u32 = 10;

/// Fourteen days, SQS's longest retention: time to look at a dead job.
const DLQ_RETENTION_SECS: u32 = 14 * 24 * 3600;

/// Creates queue `name` and its dead-letter queue `<name>-dlq`; returns the queue's URL.
pub async fn create_queue(client: &Client, name: &str) -> Result<String, PortError> {
    let dlq = client
        .create_queue()
        .queue_name(format!("{name}-dlq"))
        .attributes(QueueAttributeName::MessageRetentionPeriod, DLQ_RETENTION_SECS.to_string())
        .send()
        .await
        .map_err(|e| backend("CreateQueue (dead-letter queue)", e))?;
    let dlq_url = dlq.queue_url().ok_or_else(|| PortError::backend("SQS CreateQueue answered no URL"))?;
    let attributes = client
        .get_queue_attributes()
        .queue_url(dlq_url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .map_err(|e| backend("GetQueueAttributes", e))?;
    let dlq_arn = attributes
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::QueueArn))
        .ok_or_else(|| PortError::backend("SQS GetQueueAttributes answered no QueueArn"))?;
    let redrive = serde_json::json!({ "deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVE_COUNT });
    let queue = client
        .create_queue()
        .queue_name(name)
        .attributes(QueueAttributeName::RedrivePolicy, redrive.to_string())
        .send()
        .await
        .map_err(|e| backend("CreateQueue", e))?;
    queue.queue_url().map(str::to_string).ok_or_else(|| PortError::backend("SQS CreateQueue answered no URL"))
}
