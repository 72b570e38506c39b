//! `ferry-api`: Ferry's HTTP API on Lambda behind API Gateway (REST).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    ferry_lambda::logs::init();
    let settings = ferry_aws::AwsSettings::from_env();
    let clients = ferry_aws::AwsClients::from_env().await;
    let ports = ferry_lambda::aws_ports(&clients, &settings).await?;
    let admin_key_sha256 = std::env::var("FERRY_ADMIN_KEY_SHA256").ok();
    ferry_api::first_start(&ports, admin_key_sha256.as_deref()).await;
    // Routes are `/v1/...`: the template sets AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH
    // so the stage name stays out of the path.
    lambda_http::run(ferry_api::app(ports)).await
}
