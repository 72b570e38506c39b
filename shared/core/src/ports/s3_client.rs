//! The S3 port: puts one file into a user's bucket (or an S3-compatible
//! store) as a multipart upload. No SDK type crosses it.

use async_trait::async_trait;

use super::delivery::DeliveryError;
use super::file_store::ByteStream;
use super::role_assumer::TemporaryCredentials;
use crate::model::destination::ServerSideEncryption;

/// Parts of a multipart upload are at least this large (S3 wants ≥ 5 MiB
/// for every part but the last; larger parts mean fewer requests).
pub const S3_PART_SIZE: usize = 8 * 1024 * 1024;

/// How the upload signs its requests.
#[derive(Clone, PartialEq, Eq)]
pub enum S3Credentials {
    /// The destination's own access key pair.
    AccessKey { id: String, secret: String },
    /// A role's temporary credentials, lent by STS for this attempt.
    Temporary(TemporaryCredentials),
    /// The runtime's own credentials (environment, the Lambda's role): only
    /// for buckets an admin lists in `s3AllowedBuckets`.
    Runtime,
}

/// Where and how to put the object. Its `Debug` masks the secret key.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Target {
    pub bucket: String,
    /// The full object key (prefix included), already rendered.
    pub key: String,
    pub region: String,
    pub endpoint_url: Option<String>,
    pub credentials: S3Credentials,
    pub storage_class: Option<String>,
    pub server_side_encryption: Option<ServerSideEncryption>,
    pub kms_key_id: Option<String>,
    pub content_type: String,
    /// User metadata (`x-amz-meta-<name>`).
    pub metadata: Vec<(String, String)>,
    pub allow_private_networks: bool,
}

impl std::fmt::Debug for S3Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let credentials = match &self.credentials {
            S3Credentials::AccessKey { id, .. } => format!("access key {id} (secret ***)"),
            S3Credentials::Temporary(t) => format!("{t:?}"),
            S3Credentials::Runtime => "the runtime's own".to_string(),
        };
        f.debug_struct("S3Target")
            .field("bucket", &self.bucket)
            .field("key", &self.key)
            .field("region", &self.region)
            .field("endpoint_url", &self.endpoint_url)
            .field("credentials", &credentials)
            .field("storage_class", &self.storage_class)
            .field("server_side_encryption", &self.server_side_encryption)
            .field("kms_key_id", &self.kms_key_id)
            .field("metadata", &self.metadata)
            .finish()
    }
}

#[async_trait]
pub trait S3Client: Send + Sync {
    /// Streams `body` into `target` as a multipart upload of parts of at
    /// least `S3_PART_SIZE` bytes; on any failure the upload is aborted, so
    /// no incomplete upload is left in the bucket. S3's refusals (access
    /// denied, no such bucket) are `Rejected` with S3's words; a network
    /// failure or a 5xx is `Failed` (retried). Returns the bytes sent.
    async fn put(&self, target: &S3Target, body: ByteStream) -> Result<u64, DeliveryError>;
}
