//! What the four Lambda functions share and no adapter should know: which
//! backends a function runs on (`assemble`), how Lambda's SQS event source
//! drives a worker (`sqs_batch`, keeping the message hidden while it runs: `visibility`), and how they log (`logs`). `ferry-aws`
//! stays a set of adapters of the core's ports, like `ferry-local-adapters`.

pub mod assemble;
pub mod logs;
pub mod sqs_batch;
pub mod visibility;

pub use assemble::{aws_ports, AssembleError, DEFAULT_SIGNED_URL_TTL};
pub use sqs_batch::handle_batch;
pub use visibility::VisibilityKeeper;
