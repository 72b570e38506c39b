//! `ferry-export`: the SQS-driven export worker on Lambda.

use std::time::Duration;

use ferry_export::{ExportFunction, DEFAULT_MARGIN};
use lambda_runtime::{service_fn, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    ferry_lambda::logs::init();
    let settings = ferry_aws::AwsSettings::from_env();
    let clients = ferry_aws::AwsClients::from_env().await;
    let ports = ferry_lambda::aws_ports(&clients, &settings).await?;
    let margin = std::env::var("FERRY_EXPORT_MARGIN_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(DEFAULT_MARGIN, Duration::from_secs);
    // One name per container: its log stream is unique.
    let worker_id = std::env::var("AWS_LAMBDA_LOG_STREAM_NAME").unwrap_or_else(|_| "ferry-export".into());
    let function = ExportFunction::new(ports, worker_id, margin);
    lambda_runtime::run(service_fn(|event: LambdaEvent<_>| function.handle(event))).await
}
