//! The durable work queue: at-least-once jobs with a visibility timeout, like SQS.

use async_trait::async_trait;
use jiff::SignedDuration;
use serde::{Deserialize, Serialize};

use crate::PortError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Job {
    /// Start or continue an export.
    Export { export_id: String },
    /// Make the next attempt of a delivery (the delivery queue's only job).
    Deliver { delivery_id: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedJob {
    pub job: Job,
    /// Handle for `ack` / `retry_later`.
    pub receipt: String,
    /// How many times the job has been received, this time included.
    pub attempts: u32,
}

#[async_trait]
pub trait WorkQueue: Send + Sync {
    /// Adds a job, visible after `delay`.
    async fn enqueue(&self, job: &Job, delay: SignedDuration) -> Result<(), PortError>;
    /// Takes the oldest visible job and hides it for `visibility`; if it is not
    /// acked by then it is received again.
    async fn receive(&self, visibility: SignedDuration) -> Result<Option<ReceivedJob>, PortError>;
    /// Removes a received job for good.
    async fn ack(&self, receipt: &str) -> Result<(), PortError>;
    /// Makes a received job visible again after `delay`.
    async fn retry_later(&self, receipt: &str, delay: SignedDuration) -> Result<(), PortError>;
}
