//! An S3 destination, parsed once (SPEC "Destinations", s3): a bucket name S3
//! accepts, a region, a key template that stays relative under its prefix,
//! one way to sign ([`S3Access`]: an access key pair, a role, or Ferry's own
//! credentials) and the encryption with its KMS key. An [`S3Destination`] is
//! built only from valid parts ([`S3Destination::parse`]), so saving and
//! sending both take it as it is.
//!
//! The API and the stored documents keep the flat fields
//! ([`S3DestinationFields`]); serde goes through them both ways, and a
//! stored document is held to the rules it was saved under. What
//! depends on settings that change after saving (`s3AllowedBuckets`, the
//! private-network rule of `endpointUrl`) is judged against them at save and
//! at send time: [`S3Destination::own_credentials_refusal`].

use serde::{Deserialize, Serialize};

use super::object_key::{join_key, key_problem, DEFAULT_S3_KEY};
pub use super::s3_names::{bucket_problem, BucketName, RoleArn};
use super::template::{check, ALL_PLACEHOLDERS};
use crate::error::FieldError;

/// Longest key template accepted (as every template of a destination).
const MAX_TEMPLATE: usize = 10_000;

/// An S3 destination as the API takes and answers it, and as it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct S3DestinationFields {
    pub bucket: String,
    /// Put in front of the key (`reports/` puts `reports/<key>`).
    #[serde(default)]
    pub prefix: String,
    /// Template of the object key under `prefix`; `{{reportSlug}}/{{fileName}}` when left out.
    #[serde(default)]
    pub key: Option<String>,
    pub region: String,
    /// An S3-compatible store (MinIO, R2); guarded like a webhook URL.
    #[serde(default)]
    pub endpoint_url: Option<String>,
    #[serde(default)]
    pub access_key_id: Option<String>,
    /// Write-only.
    #[serde(default)]
    pub secret_access_key: Option<String>,
    /// A role Ferry assumes with the install's `s3ExternalId` (AWS runtime).
    #[serde(default)]
    pub role_arn: Option<String>,
    /// `STANDARD`, `STANDARD_IA`, `GLACIER_IR`, … as S3 names them.
    #[serde(default)]
    pub storage_class: Option<String>,
    #[serde(default)]
    pub server_side_encryption: Option<ServerSideEncryption>,
    /// The KMS key of `aws:kms` encryption; the bucket's default key when left out.
    #[serde(default)]
    pub kms_key_id: Option<String>,
}

/// Server-side encryption of an S3 object, as S3 names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum ServerSideEncryption {
    #[serde(rename = "AES256")]
    Aes256,
    #[serde(rename = "aws:kms")]
    AwsKms,
}

/// An object in the user's own S3 bucket (or an S3-compatible store), put
/// as a multipart upload. Its way to sign and its encryption are always one
/// of the valid combinations; a destination saved through
/// [`S3Destination::parse`] has every other field checked too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "S3DestinationFields", into = "S3DestinationFields")]
pub struct S3Destination {
    bucket: BucketName,
    prefix: String,
    key: Option<String>,
    region: String,
    endpoint_url: Option<String>,
    access: S3Access,
    storage_class: Option<String>,
    encryption: Option<S3Encryption>,
}

/// How an upload to the destination is signed: the valid combinations of
/// `accessKeyId`, `secretAccessKey` and `roleArn`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum S3Access {
    /// The destination's own key pair (the secret is write-only).
    AccessKey { id: String, secret: String },
    /// A role Ferry assumes with the install's `s3ExternalId`.
    Role(RoleArn),
    /// Ferry's own credentials: only for a bucket in `s3AllowedBuckets`, on AWS's endpoint.
    Own,
}

/// Server-side encryption with its KMS key, which only `aws:kms` has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum S3Encryption {
    Aes256,
    /// `key_id` None: the bucket's default KMS key.
    AwsKms {
        key_id: Option<String>,
    },
}

/// Why Ferry's own credentials may not write a destination: its field and reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnCredentialsRefusal {
    /// The bucket is not in the setting `s3AllowedBuckets`.
    BucketNotAllowed,
    /// Ferry's own credentials only ever go to AWS's endpoints.
    EndpointUrl,
}

impl OwnCredentialsRefusal {
    /// The field a save names (under the destination's path).
    pub fn field(self) -> &'static str {
        match self {
            OwnCredentialsRefusal::BucketNotAllowed => "accessKeyId",
            OwnCredentialsRefusal::EndpointUrl => "endpointUrl",
        }
    }

    /// What a save says about that field.
    pub fn message(self) -> &'static str {
        match self {
            OwnCredentialsRefusal::BucketNotAllowed => {
                "give an access key pair: the bucket is not in the setting s3AllowedBuckets, which alone may be \
                 written with Ferry's own credentials"
            }
            OwnCredentialsRefusal::EndpointUrl => {
                "cannot be used with Ferry's own credentials: give the store's access key pair, or leave endpointUrl \
                 out"
            }
        }
    }
}

impl S3Encryption {
    pub fn algorithm(&self) -> ServerSideEncryption {
        match self {
            S3Encryption::Aes256 => ServerSideEncryption::Aes256,
            S3Encryption::AwsKms { .. } => ServerSideEncryption::AwsKms,
        }
    }

    pub fn kms_key_id(&self) -> Option<&str> {
        match self {
            S3Encryption::AwsKms { key_id } => key_id.as_deref(),
            S3Encryption::Aes256 => None,
        }
    }
}

/// Which rules a build applies: all of them (a save), or those a stored
/// document was always saved under (the way to sign, the encryption).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rules {
    All,
    Stored,
}

/// The rules on names and key text, which a save applies: region, prefix,
/// key template (alone and joined under the prefix), storage class.
fn check_texts(f: &S3DestinationFields, err: &mut impl FnMut(&str, &str)) {
    if f.region.is_empty() || !f.region.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        err("region", "must be a region name such as eu-central-1");
    }
    // A prefix may end in '/' (it is a folder); "" is no prefix.
    let prefix = f.prefix.strip_suffix('/').unwrap_or(&f.prefix);
    let prefix_problem = if prefix.is_empty() { None } else { key_problem(prefix) };
    if let Some(why) = prefix_problem {
        err("prefix", why);
    }
    let key = f.key.as_deref().unwrap_or(DEFAULT_S3_KEY);
    if key.is_empty() {
        err("key", "must not be empty");
    } else if key.len() > MAX_TEMPLATE {
        err("key", "is too long");
    } else if let Err(e) = check(key, ALL_PLACEHOLDERS) {
        err("key", &e.to_string());
    } else {
        // The prefix is judged on its own above; joined, the two must still fit S3.
        let joined = if prefix_problem.is_some() { key.to_string() } else { join_key(&f.prefix, key) };
        if let Some(why) = key_problem(&joined) {
            err("key", why);
        }
    }
    if let Some(class) = &f.storage_class {
        if class.is_empty() || !class.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            err("storageClass", "must be an S3 storage class such as STANDARD_IA");
        }
    }
}

/// `field.name`, or `name` alone when there is no outer path.
fn path(field: &str, name: &str) -> String {
    if field.is_empty() {
        name.to_string()
    } else {
        format!("{field}.{name}")
    }
}

impl S3Destination {
    /// The destination `f` describes, or every problem with it, each named by
    /// its path under `field` (`destinations[2]` gives `destinations[2].roleArn`).
    pub fn parse(field: &str, f: S3DestinationFields) -> Result<Self, Vec<FieldError>> {
        Self::build(field, f, Rules::All)
    }

    fn build(field: &str, f: S3DestinationFields, rules: Rules) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut err = |name: &str, why: &str| errors.push(FieldError::new(path(field, name), why));
        let bucket = match rules {
            Rules::All => BucketName::parse(&f.bucket).map_err(|why| err("bucket", why)).ok(),
            Rules::Stored => Some(BucketName(f.bucket.clone())),
        };
        if rules == Rules::All {
            check_texts(&f, &mut err);
        }
        let access = match (f.access_key_id, f.secret_access_key, f.role_arn) {
            (Some(id), Some(secret), None) => Some(S3Access::AccessKey { id, secret }),
            (None, None, Some(arn)) => RoleArn::parse(&arn).map(S3Access::Role).map_err(|why| err("roleArn", why)).ok(),
            (_, _, Some(_)) => {
                err("roleArn", "give either roleArn or an access key pair, not both");
                None
            }
            (Some(_), None, None) => {
                err("secretAccessKey", "is required with accessKeyId");
                None
            }
            (None, Some(_), None) => {
                err("accessKeyId", "is required with secretAccessKey");
                None
            }
            (None, None, None) => Some(S3Access::Own),
        };
        let encryption = match (f.server_side_encryption, f.kms_key_id) {
            (Some(ServerSideEncryption::AwsKms), key_id) => Some(S3Encryption::AwsKms { key_id }),
            (_, Some(_)) => {
                err("kmsKeyId", "needs serverSideEncryption \"aws:kms\"");
                None
            }
            (Some(ServerSideEncryption::Aes256), None) => Some(S3Encryption::Aes256),
            (None, None) => None,
        };
        match (bucket, access) {
            (Some(bucket), Some(access)) if errors.is_empty() => Ok(S3Destination {
                bucket,
                prefix: f.prefix,
                key: f.key,
                region: f.region,
                endpoint_url: f.endpoint_url,
                access,
                storage_class: f.storage_class,
                encryption,
            }),
            _ => Err(errors),
        }
    }

    pub fn bucket(&self) -> &BucketName {
        &self.bucket
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    pub fn access(&self) -> &S3Access {
        &self.access
    }

    pub fn storage_class(&self) -> Option<&str> {
        self.storage_class.as_deref()
    }

    pub fn encryption(&self) -> Option<&S3Encryption> {
        self.encryption.as_ref()
    }

    /// The key template (the default when the destination names none).
    pub fn key_template(&self) -> &str {
        self.key.as_deref().unwrap_or(DEFAULT_S3_KEY)
    }

    /// The object key of a rendered key template: under the prefix, and
    /// refused when a placeholder's value made it one S3 would misread.
    pub fn object_key(&self, rendered: &str) -> Result<String, String> {
        let key = join_key(&self.prefix, rendered);
        match key_problem(&key) {
            Some(why) => Err(format!("key {key:?}: {why}")),
            None => Ok(key),
        }
    }

    /// Why Ferry's own credentials may not write this destination, given
    /// the setting `s3AllowedBuckets`; None when it has its own key or role,
    /// or when they may.
    pub fn own_credentials_refusal(&self, allowed_buckets: &[String]) -> Option<OwnCredentialsRefusal> {
        if self.access != S3Access::Own {
            None
        } else if !allowed_buckets.iter().any(|b| b == self.bucket.as_str()) {
            Some(OwnCredentialsRefusal::BucketNotAllowed)
        } else if self.endpoint_url.is_some() {
            Some(OwnCredentialsRefusal::EndpointUrl)
        } else {
            None
        }
    }

    /// The secret access key (write-only: answers show it masked).
    pub fn secret_access_key(&self) -> Option<&String> {
        match &self.access {
            S3Access::AccessKey { secret, .. } => Some(secret),
            _ => None,
        }
    }

    /// The secret access key, for sealing and opening it in storage.
    pub fn secret_mut(&mut self) -> Option<&mut String> {
        match &mut self.access {
            S3Access::AccessKey { secret, .. } => Some(secret),
            _ => None,
        }
    }
}

impl TryFrom<S3DestinationFields> for S3Destination {
    type Error = String;

    /// A stored document; its first problem, named by its field. The rules
    /// on names and key text are left to the save that stored it: they have
    /// grown stricter since (empty key segments, direction marks), and a
    /// schedule saved before must still read. The rendered key is judged
    /// again when sent ([`S3Destination::object_key`]).
    fn try_from(f: S3DestinationFields) -> Result<Self, String> {
        S3Destination::build("", f, Rules::Stored)
            .map_err(|errors| errors.first().map(ToString::to_string).unwrap_or_default())
    }
}

impl From<S3Destination> for S3DestinationFields {
    fn from(d: S3Destination) -> Self {
        let (access_key_id, secret_access_key, role_arn) = match d.access {
            S3Access::AccessKey { id, secret } => (Some(id), Some(secret), None),
            S3Access::Role(arn) => (None, None, Some(arn.0)),
            S3Access::Own => (None, None, None),
        };
        S3DestinationFields {
            bucket: d.bucket.0,
            prefix: d.prefix,
            key: d.key,
            region: d.region,
            endpoint_url: d.endpoint_url,
            access_key_id,
            secret_access_key,
            role_arn,
            storage_class: d.storage_class,
            server_side_encryption: d.encryption.as_ref().map(S3Encryption::algorithm),
            kms_key_id: d.encryption.as_ref().and_then(|e| e.kms_key_id().map(str::to_string)),
        }
    }
}

/// The API document shows the flat fields.
impl utoipa::PartialSchema for S3Destination {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <S3DestinationFields as utoipa::PartialSchema>::schema()
    }
}

impl utoipa::ToSchema for S3Destination {
    fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
        <S3DestinationFields as utoipa::ToSchema>::schemas(schemas)
    }
}

#[cfg(test)]
#[path = "s3_destination_tests.rs"]
mod tests;
