//! The SQS adapter of the work queue port, the bridge from a Lambda SQS
//! record to a received job, and queue creation for tests.

mod errors;
mod lambda_record;
mod queue;
mod setup;

pub use lambda_record::{job_body, received_job, BadJobMessage};
pub use queue::{SqsQueue, SQS_MAX_DELAY, SQS_MAX_RETRY_DELAY, SQS_MAX_VISIBILITY};
pub use setup::{create_queue, MAX_RECEIVE_COUNT};
