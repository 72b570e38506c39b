//! The S3 channel: the parsed destination as an `S3Target` (key from its
//! template under `prefix`, the metadata SPEC names, credentials), and the file
//! streamed from the file store. The adapter uploads it in parts and aborts
//! on failure. A dataset's zip goes as its files and a manifest (`s3_dataset`).

use super::context::AttemptContext;
use crate::model::s3_destination::{OwnCredentialsRefusal, S3Access, S3Destination, S3Encryption};
use crate::ports::delivery::{DeliveryError, Sent};
use crate::ports::s3_client::{S3Credentials, S3Target};
use crate::usecases::templates::{render, safe_path_value};

pub(super) async fn put_s3(cx: &AttemptContext<'_>, dest: &S3Destination) -> Result<Sent, DeliveryError> {
    let bucket = dest.bucket().as_str();
    let credentials =
        match dest.access() {
            S3Access::Role(arn) => assumed_role(cx, arn.as_str()).await?,
            S3Access::AccessKey { id, secret } => S3Credentials::AccessKey { id: id.clone(), secret: secret.clone() },
            S3Access::Own if cx.ports.config.own_buckets.iter().any(|b| b == bucket) => {
                return Err(DeliveryError::Rejected(format!(
                    "bucket {bucket} is Ferry's own bucket: give the destination an access key of the bucket's owner"
                )))
            }
            // Checked when saved too; settings may have changed since, and a
            // schedule stored before the endpoint rule meets it here.
            S3Access::Own => match dest.own_credentials_refusal(&cx.settings.s3_allowed_buckets) {
                None => S3Credentials::Runtime,
                Some(OwnCredentialsRefusal::EndpointUrl) => return Err(DeliveryError::Rejected(
                    "an S3 destination with endpointUrl needs its own access key pair: Ferry's own credentials only \
                     go to AWS"
                        .into(),
                )),
                Some(OwnCredentialsRefusal::BucketNotAllowed) => {
                    return Err(DeliveryError::Rejected(format!(
                        "bucket {bucket} is not in the setting s3AllowedBuckets, and the destination has no access key"
                    )))
                }
            },
        };
    let target = S3Target {
        bucket: bucket.to_string(),
        key: object_key(cx, dest)?,
        region: dest.region().to_string(),
        endpoint_url: dest.endpoint_url().map(str::to_string),
        credentials,
        storage_class: dest.storage_class().map(str::to_string),
        server_side_encryption: dest.encryption().map(S3Encryption::algorithm),
        kms_key_id: dest.encryption().and_then(S3Encryption::kms_key_id).map(str::to_string),
        content_type: cx.export.content_type().to_string(),
        metadata: vec![
            ("ferry-export-id".into(), cx.export.id.clone()),
            ("ferry-schedule-id".into(), cx.schedule_id.clone()),
            ("ferry-sha256".into(), cx.export.sha256.clone().unwrap_or_default()),
        ],
        allow_private_networks: cx.settings.allow_private_networks,
    };
    if cx.dataset {
        let (bucket, key) = (target.bucket.clone(), target.key.clone());
        let bytes = super::s3_dataset::put_dataset(cx, target).await?;
        let prefix = key.strip_suffix(".zip").unwrap_or(&key);
        return Ok(Sent { bytes, answer: format!("S3 stored the files under s3://{bucket}/{prefix}/") });
    }
    let body = cx.ports.files.read(&cx.file_key).await.map_err(|err| {
        tracing::warn!(error = %err, "reading an export's file for S3");
        DeliveryError::Failed("the file could not be read from storage".into())
    })?;
    let bytes = cx.ports.s3.put(&target, body).await?;
    Ok(Sent { bytes, answer: format!("S3 stored s3://{}/{}", target.bucket, target.key) })
}

/// The role's temporary credentials, asked for with the install's own
/// external id, so the user's role can trust this Ferry alone.
async fn assumed_role(cx: &AttemptContext<'_>, role_arn: &str) -> Result<S3Credentials, DeliveryError> {
    let Some(roles) = &cx.ports.roles else {
        // Checked when saved; a schedule moved from an AWS install meets it here.
        return Err(DeliveryError::Rejected(
            "roleArn can be assumed only when Ferry runs on AWS: give the destination an access key pair".into(),
        ));
    };
    if cx.settings.s3_external_id.is_empty() {
        return Err(DeliveryError::Failed("the install has no s3ExternalId yet".into()));
    }
    let session = format!("ferry-{}", cx.export.id);
    let lent = roles.assume_role(role_arn, &cx.settings.s3_external_id, &session).await?;
    Ok(S3Credentials::Temporary(lent))
}

/// `prefix` and the rendered key template. A placeholder's value cannot add
/// a folder or climb out of one (`safe_path_value`).
fn object_key(cx: &AttemptContext<'_>, dest: &S3Destination) -> Result<String, DeliveryError> {
    let file_name = cx.file_name();
    let rendered = render(dest.key_template(), |name| {
        let value =
            if name == "fileName" { Some(file_name.clone()) } else { cx.placeholders.get(name).map(str::to_string) };
        value.map(|v| safe_path_value(&v))
    })
    .map_err(|e| DeliveryError::Rejected(format!("key: {e}")))?;
    dest.object_key(&rendered).map_err(DeliveryError::Rejected)
}
