//! `ferry-deliver`: the SQS-driven delivery worker on Lambda.

use ferry_deliver::DeliverFunction;
use lambda_runtime::{service_fn, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    ferry_lambda::logs::init();
    let settings = ferry_aws::AwsSettings::from_env();
    let clients = ferry_aws::AwsClients::from_env().await;
    let ports = ferry_lambda::aws_ports(&clients, &settings).await?;
    let function = DeliverFunction::new(ports);
    lambda_runtime::run(service_fn(|event: LambdaEvent<_>| function.handle(event))).await
}
