//! The export function: Lambda's SQS event source hands it export jobs (batch
//! size 1), and each runs for the time the invocation has left minus a
//! safety margin. A run that needs longer checkpoints after an uploaded part
//! and queues its own continuation (`JobOutcome::Continued`), so an export of
//! any size is a chain of invocations, each under Lambda's 15 minutes.

use std::time::{Duration, SystemTime};

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use ferry_core::usecases::exports::worker::ExportWorker;
use ferry_core::Ports;
use ferry_lambda::VisibilityKeeper;
use jiff::SignedDuration;
use lambda_runtime::{Context, LambdaEvent};

/// Time kept back from the invocation's deadline by default: enough to
/// finish the part being uploaded, save the checkpoint and queue the continuation.
pub const DEFAULT_MARGIN: Duration = Duration::from_secs(60);

/// The handler, built once per container.
pub struct ExportFunction {
    ports: Ports,
    /// This container's name in export leases.
    worker_id: String,
    margin: Duration,
}

impl ExportFunction {
    pub fn new(ports: Ports, worker_id: impl Into<String>, margin: Duration) -> Self {
        ExportFunction { ports, worker_id: worker_id.into(), margin }
    }

    pub async fn handle(&self, event: LambdaEvent<SqsEvent>) -> Result<SqsBatchResponse, lambda_runtime::Error> {
        let mut ports = self.ports.clone();
        ports.config.export.step_budget = Some(step_budget(&event.context, self.margin, SystemTime::now()));
        let keeper = VisibilityKeeper::new(ports.export_queue.clone());
        let worker = ExportWorker::new(ports, self.worker_id.clone());
        Ok(ferry_lambda::handle_batch(event.payload, &keeper, |job| worker.handle(job)).await)
    }
}

/// The time this invocation may spend: until the deadline less the margin,
/// never negative (a run always uploads at least one part before it checks).
pub fn step_budget(context: &Context, margin: Duration, now: SystemTime) -> SignedDuration {
    let left = context.deadline().duration_since(now).unwrap_or_default().saturating_sub(margin);
    SignedDuration::try_from(left).unwrap_or(SignedDuration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_the_time_left_less_the_margin_and_never_negative() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut context = Context::default();
        context.deadline = (1_000_000 + 900) * 1000;
        assert_eq!(step_budget(&context, Duration::from_secs(60), now), SignedDuration::from_secs(840));
        context.deadline = (1_000_000 + 30) * 1000;
        assert_eq!(step_budget(&context, Duration::from_secs(60), now), SignedDuration::ZERO);
        assert_eq!(step_budget(&Context::default(), DEFAULT_MARGIN, now), SignedDuration::ZERO);
    }
}
