//! AWS adapters of Ferry's ports. Each adapter takes an SDK client built once
//! per Lambda container (`clients::AwsClients`) and the names from
//! `settings::AwsSettings`; use cases never see an SDK type.

pub mod clients;
pub mod dynamo;
pub mod kms_data_key;
pub mod s3;
pub mod scheduler;
mod sdk_errors;
pub mod ses_mailer;
pub mod settings;
pub mod sqs;
pub mod sts_roles;

#[cfg(feature = "emulator")]
pub mod emulator;

pub use clients::AwsClients;
pub use dynamo::DynamoStore;
pub use s3::S3FileStore;
pub use scheduler::{EventBridgeTimers, TimerEvent, TimerTargets};
pub use ses_mailer::SesMailer;
pub use settings::AwsSettings;
pub use sqs::SqsQueue;
