//! The S3 channel over `object_store` (Apache Arrow's S3 client on the
//! reqwest the workspace already has), so the local binary puts files into
//! S3 and S3-compatible stores without compiling the AWS SDK.
//!
//! The file is streamed from the file store into parts of `S3_PART_SIZE`
//! (only one part's bytes are held at a time) and sent as one multipart
//! upload; any failure aborts the upload, so the bucket keeps no incomplete
//! upload (which S3 would bill and list until a lifecycle rule removes it).
//!
//! A user's `endpointUrl` is judged like a webhook URL: its host is resolved
//! once, checked, and the client is pinned to those addresses, redirects off.

use std::net::SocketAddr;

use async_trait::async_trait;
use ferry_core::model::destination::ServerSideEncryption;
use ferry_core::ports::delivery::DeliveryError;
use ferry_core::ports::file_store::ByteStream;
use ferry_core::ports::s3_client::{S3Client, S3Credentials, S3Target, S3_PART_SIZE};
use futures::StreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::client::{HttpClient, HttpConnector};
use object_store::path::Path;
use object_store::ClientConfigKey;
use object_store::{
    Attribute, Attributes, ClientOptions, MultipartUpload, ObjectStore, PutMultipartOptions, PutPayload, RetryConfig,
};
use reqwest::{redirect, Url};

use crate::network_guard::resolve_checked;
use crate::timeouts::{describe, Timeouts};

#[derive(Debug, Clone, Default)]
pub struct ObjectStoreS3Client {
    timeouts: Timeouts,
    /// The runtime has credentials of its own (the Lambda's role). Off
    /// locally: there, nothing reads ambient AWS credentials (environment,
    /// profile files or an instance-metadata service).
    own_credentials: bool,
}

impl ObjectStoreS3Client {
    /// With the default timeouts (10 s to resolve and connect, 10 min in
    /// all) and no credentials of the runtime's own (the local runtime).
    pub fn new() -> Self {
        Self::default()
    }

    /// The AWS runtime's client: `S3Credentials::Runtime` uses the
    /// function's role, from the environment Lambda gives it.
    pub fn with_own_credentials() -> Self {
        ObjectStoreS3Client { own_credentials: true, ..Self::default() }
    }

    pub fn with_timeouts(timeouts: Timeouts) -> Self {
        ObjectStoreS3Client { timeouts, own_credentials: false }
    }
}

#[async_trait]
impl S3Client for ObjectStoreS3Client {
    async fn put(&self, target: &S3Target, body: ByteStream) -> Result<u64, DeliveryError> {
        let store = self.store(target).await?;
        let upload = upload(&store, target, body);
        match tokio::time::timeout(self.timeouts.total, upload).await {
            Ok(result) => result,
            Err(_) => Err(DeliveryError::Failed(format!(
                "the upload to bucket {} did not finish within {}",
                target.bucket,
                describe(self.timeouts.total)
            ))),
        }
    }
}

impl ObjectStoreS3Client {
    /// A client for the target's bucket, endpoint and credentials.
    async fn store(&self, target: &S3Target) -> Result<AmazonS3, DeliveryError> {
        let mut builder = match &target.credentials {
            S3Credentials::AccessKey { id, secret } => {
                AmazonS3Builder::new().with_access_key_id(id).with_secret_access_key(secret)
            }
            S3Credentials::Temporary(t) => AmazonS3Builder::new()
                .with_access_key_id(&t.access_key_id)
                .with_secret_access_key(&t.secret_access_key)
                .with_token(&t.session_token),
            S3Credentials::Runtime if !self.own_credentials => {
                return Err(DeliveryError::Rejected(
                    "this Ferry has no AWS credentials of its own: give the destination an access key pair".into(),
                ))
            }
            // Never towards another endpoint: the core refuses that pairing,
            // and this is the last place to be sure.
            S3Credentials::Runtime if target.endpoint_url.is_some() => {
                return Err(DeliveryError::Rejected("Ferry's own credentials are never sent to an endpointUrl".into()))
            }
            // The Lambda's role, from the variables Lambda sets.
            S3Credentials::Runtime => AmazonS3Builder::from_env(),
        };
        builder = builder
            .with_bucket_name(&target.bucket)
            .with_region(&target.region)
            // Ferry's own retries (with backoff, recorded as attempts) follow.
            .with_retry(RetryConfig { max_retries: 1, ..RetryConfig::default() })
            // One key, not `with_client_options`: that would replace what
            // `from_env` read (AWS_ALLOW_HTTP, a proxy), not add to it.
            .with_config(
                AmazonS3ConfigKey::Client(ClientConfigKey::ConnectTimeout),
                format!("{}ms", self.timeouts.connect.as_millis()),
            );
        if let Some(endpoint) = &target.endpoint_url {
            let url = Url::parse(endpoint).map_err(|_| DeliveryError::Rejected("endpointUrl is not a URL".into()))?;
            let host = url.host_str().unwrap_or_default().trim_matches(['[', ']']).to_string();
            let port = url.port_or_known_default().unwrap_or(443);
            let addrs = resolve_checked(&host, port, target.allow_private_networks, self.timeouts.connect).await?;
            builder = builder
                .with_endpoint(endpoint.trim_end_matches('/'))
                // S3-compatible stores answer path-style requests; a virtual
                // host would be another name to resolve and check.
                .with_virtual_hosted_style_request(false)
                .with_allow_http(url.scheme() == "http")
                .with_http_connector(PinnedConnector { host, addrs, timeouts: self.timeouts });
        }
        match target.server_side_encryption {
            Some(ServerSideEncryption::Aes256) => {
                let key: AmazonS3ConfigKey =
                    "aws_server_side_encryption".parse().map_err(|e| DeliveryError::Rejected(format!("{e}")))?;
                builder = builder.with_config(key, "AES256");
            }
            Some(ServerSideEncryption::AwsKms) => {
                builder = builder.with_sse_kms_encryption(target.kms_key_id.clone().unwrap_or_default());
            }
            None => {}
        }
        builder.build().map_err(|e| DeliveryError::Rejected(format!("S3 settings: {e}")))
    }
}

/// Streams `body` as parts of `S3_PART_SIZE`, completes, or aborts on failure.
async fn upload(store: &AmazonS3, target: &S3Target, mut body: ByteStream) -> Result<u64, DeliveryError> {
    let mut attributes = Attributes::new();
    attributes.insert(Attribute::ContentType, target.content_type.clone().into());
    if let Some(class) = &target.storage_class {
        attributes.insert(Attribute::StorageClass, class.clone().into());
    }
    for (name, value) in &target.metadata {
        attributes.insert(Attribute::Metadata(name.clone().into()), value.clone().into());
    }
    let options = PutMultipartOptions { attributes, ..Default::default() };
    let path = Path::from(target.key.as_str());
    let mut upload = store.put_multipart_opts(&path, options).await.map_err(|e| s3_error(&target.bucket, e))?;
    let mut sent = 0u64;
    let mut part: Vec<u8> = Vec::with_capacity(S3_PART_SIZE);
    let result: Result<(), DeliveryError> = async {
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|err| {
                tracing::warn!(error = %err, "reading an export's file for S3");
                DeliveryError::Failed("the file could not be read from storage".into())
            })?;
            part.extend_from_slice(&chunk);
            if part.len() >= S3_PART_SIZE {
                let full = std::mem::replace(&mut part, Vec::with_capacity(S3_PART_SIZE));
                sent += full.len() as u64;
                upload.put_part(PutPayload::from(full)).await.map_err(|e| s3_error(&target.bucket, e))?;
            }
        }
        // The last part may be short, or empty for an empty file (S3 needs one part).
        sent += part.len() as u64;
        upload.put_part(PutPayload::from(std::mem::take(&mut part))).await.map_err(|e| s3_error(&target.bucket, e))?;
        upload.complete().await.map_err(|e| s3_error(&target.bucket, e))?;
        Ok(())
    }
    .await;
    if let Err(err) = result {
        if let Err(abort) = upload.abort().await {
            tracing::warn!(bucket = %target.bucket, error = %abort, "aborting a failed S3 upload failed");
        }
        return Err(err);
    }
    Ok(sent)
}

/// S3's refusals (no such bucket, access denied, a failed condition)
/// fail at once with S3's own words; anything else (a 5xx, the network) is
/// worth another attempt. object_store sorts S3's statuses into these variants.
fn s3_error(bucket: &str, err: object_store::Error) -> DeliveryError {
    use object_store::Error as E;
    let text = format!("S3 bucket {bucket}: {err}");
    match err {
        E::NotFound { .. }
        | E::PermissionDenied { .. }
        | E::Unauthenticated { .. }
        | E::Precondition { .. }
        | E::NotSupported { .. } => DeliveryError::Rejected(text),
        _ => DeliveryError::Failed(text),
    }
}

/// Connects only to the addresses the guard checked, never following redirects.
#[derive(Debug)]
struct PinnedConnector {
    host: String,
    addrs: Vec<SocketAddr>,
    timeouts: Timeouts,
}

impl HttpConnector for PinnedConnector {
    fn connect(&self, _options: &ClientOptions) -> object_store::Result<HttpClient> {
        let client = reqwest::Client::builder()
            .resolve_to_addrs(&self.host, &self.addrs)
            .no_proxy()
            .redirect(redirect::Policy::none())
            .connect_timeout(self.timeouts.connect)
            .build()
            .map_err(|e| object_store::Error::Generic { store: "S3", source: Box::new(e) })?;
        Ok(HttpClient::new(client))
    }
}
