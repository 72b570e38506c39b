//! A queue decorator that wakes idle local workers when a job is enqueued, so
//! an export starts at once instead of at the next poll.

use std::sync::Arc;

use async_trait::async_trait;
use ferry_core::ports::work_queue::{Job, ReceivedJob, WorkQueue};
use ferry_core::PortError;
use jiff::SignedDuration;
use tokio::sync::Notify;

pub struct WakingQueue {
    inner: Arc<dyn WorkQueue>,
    wake: Arc<Notify>,
}

impl WakingQueue {
    pub fn new(inner: Arc<dyn WorkQueue>, wake: Arc<Notify>) -> Self {
        WakingQueue { inner, wake }
    }
}

#[async_trait]
impl WorkQueue for WakingQueue {
    async fn enqueue(&self, job: &Job, delay: SignedDuration) -> Result<(), PortError> {
        self.inner.enqueue(job, delay).await?;
        self.wake.notify_waiters();
        Ok(())
    }
    async fn receive(&self, visibility: SignedDuration) -> Result<Option<ReceivedJob>, PortError> {
        self.inner.receive(visibility).await
    }
    async fn ack(&self, receipt: &str) -> Result<(), PortError> {
        self.inner.ack(receipt).await
    }
    async fn retry_later(&self, receipt: &str, delay: SignedDuration) -> Result<(), PortError> {
        self.inner.retry_later(receipt, delay).await?;
        self.wake.notify_waiters();
        Ok(())
    }
}
