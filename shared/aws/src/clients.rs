//! The SDK clients, built once per Lambda container (outside the handler) and
//! shared by every adapter. `AWS_ENDPOINT_URL` (read by aws-config) points
//! them all at an emulator; S3 then uses path-style addressing, since
//! virtual-host style needs DNS for `<bucket>.<host>`.

use aws_config::{BehaviorVersion, SdkConfig};

#[derive(Clone, Debug)]
pub struct AwsClients {
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub s3: aws_sdk_s3::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub scheduler: aws_sdk_scheduler::Client,
    pub sesv2: aws_sdk_sesv2::Client,
    pub sts: aws_sdk_sts::Client,
    pub kms: aws_sdk_kms::Client,
}

impl AwsClients {
    /// Clients from the environment (region, credentials, `AWS_ENDPOINT_URL`).
    pub async fn from_env() -> Self {
        let config = aws_config::defaults(BehaviorVersion::latest()).load().await;
        Self::from_config(&config)
    }

    pub fn from_config(config: &SdkConfig) -> Self {
        let s3_config =
            aws_sdk_s3::config::Builder::from(config).force_path_style(config.endpoint_url().is_some()).build();
        AwsClients {
            dynamodb: aws_sdk_dynamodb::Client::new(config),
            s3: aws_sdk_s3::Client::from_conf(s3_config),
            sqs: aws_sdk_sqs::Client::new(config),
            scheduler: aws_sdk_scheduler::Client::new(config),
            sesv2: aws_sdk_sesv2::Client::new(config),
            sts: aws_sdk_sts::Client::new(config),
            kms: aws_sdk_kms::Client::new(config),
        }
    }
}
