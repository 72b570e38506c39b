//! The delivery function: Lambda's SQS event source hands it delivery jobs,
//! and each makes one attempt over its destination's channel (SES for
//! email). Retries go back to the queue with their backoff as the message's
//! visibility, reported as batch item failures so Lambda keeps them.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use ferry_core::usecases::deliveries::worker::DeliveryWorker;
use ferry_core::Ports;
use ferry_lambda::VisibilityKeeper;
use lambda_runtime::LambdaEvent;

/// The handler, built once per container.
pub struct DeliverFunction {
    worker: DeliveryWorker,
    keeper: VisibilityKeeper,
}

impl DeliverFunction {
    pub fn new(ports: Ports) -> Self {
        let keeper = VisibilityKeeper::new(ports.delivery_queue.clone());
        DeliverFunction { worker: DeliveryWorker::new(ports), keeper }
    }

    pub async fn handle(&self, event: LambdaEvent<SqsEvent>) -> Result<SqsBatchResponse, lambda_runtime::Error> {
        Ok(ferry_lambda::handle_batch(event.payload, &self.keeper, |job| self.worker.handle(job)).await)
    }
}
