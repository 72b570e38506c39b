//! Builds Ferry's ports on AWS, once per Lambda container (outside the
//! handler): DynamoDB for all state, S3 for files, the two SQS queues,
//! EventBridge Scheduler timers, SES for mail, and the channels, sources
//! and formats every runtime shares. The one place a function chooses its
//! backends; `functions/local`'s `runtime.rs` is its local counterpart.
//! Both build through `Ports::assemble`.

use std::sync::Arc;

use ferry_aws::kms_data_key::kms_data_key;
use ferry_aws::s3::AWS_PART_SIZE;
use ferry_aws::settings::{require, MissingSetting};
use ferry_aws::sts_roles::StsRoleAssumer;
use ferry_aws::{
    AwsClients, AwsSettings, DynamoStore, EventBridgeTimers, S3FileStore, SesMailer, SqsQueue, TimerTargets,
};
use ferry_channels::{build_mime, ObjectStoreS3Client, ReqwestWebhookClient, RusshSftpClient};
use ferry_core::ports::clock::SystemClock;
use ferry_core::ports::delivery::DeliveryError;
use ferry_core::ports::mailer::MailMessage;
use ferry_core::ports::{Backends, ExportConfig, LinkKey, Ports, RuntimeConfig};
use ferry_core::PortError;
use ferry_formats::StandardFormats;
use ferry_sources::Sources;
use jiff::SignedDuration;

/// Lifetime of presigned download URLs unless `FERRY_SIGNED_URL_TTL_SECONDS` says otherwise.
pub const DEFAULT_SIGNED_URL_TTL: SignedDuration = SignedDuration::from_secs(300);

#[derive(Debug, thiserror::Error)]
pub enum AssembleError {
    #[error(transparent)]
    Missing(#[from] MissingSetting),
    #[error("FERRY_SIGNED_URL_TTL_SECONDS must be a number of seconds between 1 and 604800")]
    SignedUrlTtl,
    #[error("reading the link key: {0}")]
    LinkKey(#[source] PortError),
    #[error("unwrapping the data key of stored secrets: {0}")]
    DataKey(#[source] PortError),
}

/// The ports of an AWS function. The export step budget is left unset: the
/// export function sets it per invocation from the time it has left.
pub async fn aws_ports(clients: &AwsClients, settings: &AwsSettings) -> Result<Ports, AssembleError> {
    let table = require(&settings.table, "FERRY_TABLE", "the DynamoDB table of Ferry's state")?;
    let bucket = require(&settings.bucket, "FERRY_BUCKET", "the S3 bucket of export files")?;
    let exports_url = require(&settings.export_queue_url, "FERRY_EXPORT_QUEUE_URL", "the export jobs queue")?;
    let deliveries_url = require(&settings.delivery_queue_url, "FERRY_DELIVERY_QUEUE_URL", "the delivery jobs queue")?;
    let email_from = require(&settings.email_from, "FERRY_EMAIL_FROM", "the sender of Ferry's mail")?;
    let public_url = require(&settings.public_url, "FERRY_PUBLIC_URL", "the API's base URL for links")?;
    let timers = EventBridgeTimers::new(clients.scheduler.clone(), TimerTargets::from_settings(settings)?);

    let store = Arc::new(DynamoStore::new(clients.dynamodb.clone(), table));
    let link_key = store.link_key().await.map_err(AssembleError::LinkKey)?;
    let kms_key_id = require(&settings.kms_key_id, "FERRY_KMS_KEY_ID", "the KMS key of the data key")?;
    let data_key = kms_data_key(&store, &clients.kms, kms_key_id).await.map_err(AssembleError::DataKey)?;
    let backends = Backends {
        timers: Arc::new(timers),
        files: Arc::new(S3FileStore::new(clients.s3.clone(), bucket)),
        export_queue: Arc::new(SqsQueue::new(clients.sqs.clone(), exports_url)),
        delivery_queue: Arc::new(SqsQueue::new(clients.sqs.clone(), deliveries_url)),
        mailer: Arc::new(SesMailer::new(clients.sesv2.clone(), mime)),
        sftp: Arc::new(RusshSftpClient::new()),
        webhooks: Arc::new(ReqwestWebhookClient::new()),
        s3: Arc::new(ObjectStoreS3Client::with_own_credentials()),
        roles: Some(Arc::new(StsRoleAssumer::new(clients.sts.clone()))),
        sources: Arc::new(Sources::new()),
        formats: Arc::new(StandardFormats),
        clock: Arc::new(SystemClock),
    };
    let config = RuntimeConfig {
        public_url: public_url.trim_end_matches('/').to_string(),
        signed_url_ttl: signed_url_ttl()?,
        default_email_from: email_from.to_string(),
        link_key: LinkKey(link_key),
        data_key: ferry_core::sealing::DataKey(data_key),
        export: ExportConfig { part_size: AWS_PART_SIZE, ..ExportConfig::default() },
        own_buckets: vec![bucket.to_string()],
    };
    Ok(Ports::assemble(store, backends, config))
}

/// The raw MIME message SES sends, built as the SMTP channel builds it.
fn mime(message: &MailMessage) -> Result<Vec<u8>, DeliveryError> {
    Ok(build_mime(message)?)
}

/// `FERRY_SIGNED_URL_TTL_SECONDS`, within what S3 presigning allows (7 days).
fn signed_url_ttl() -> Result<SignedDuration, AssembleError> {
    match std::env::var("FERRY_SIGNED_URL_TTL_SECONDS") {
        Err(_) => Ok(DEFAULT_SIGNED_URL_TTL),
        Ok(s) => match s.trim().parse::<i64>() {
            Ok(n) if (1..=7 * 24 * 3600).contains(&n) => Ok(SignedDuration::from_secs(n)),
            _ => Err(AssembleError::SignedUrlTtl),
        },
    }
}
