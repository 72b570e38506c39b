//! The S3 channel: the destination as an `S3Target` (key from its template
//! under `prefix`, the metadata SPEC names, credentials), and the file
//! streamed from the file store. The adapter uploads it in parts and aborts
//! on failure. A dataset's zip goes as its files and a manifest (`s3_dataset`).

use super::context::AttemptContext;
use crate::model::destination::S3Destination;
use crate::ports::delivery::{DeliveryError, Sent};
use crate::ports::s3_client::{S3Credentials, S3Target};
use crate::usecases::templates::{is_disguising, render, safe_path_value};

/// The key template when the destination names none.
pub const DEFAULT_S3_KEY: &str = "{{reportSlug}}/{{fileName}}";

pub(super) async fn put_s3(cx: &AttemptContext<'_>, dest: &S3Destination) -> Result<Sent, DeliveryError> {
    let credentials = match (&dest.access_key_id, &dest.secret_access_key) {
        _ if dest.role_arn.is_some() => assumed_role(cx, dest.role_arn.as_deref().unwrap_or_default()).await?,
        (Some(id), Some(secret)) => S3Credentials::AccessKey { id: id.clone(), secret: secret.clone() },
        _ if cx.ports.config.own_buckets.contains(&dest.bucket) => {
            return Err(DeliveryError::Rejected(format!(
                "bucket {} is Ferry's own bucket: give the destination an access key of the bucket's owner",
                dest.bucket
            )))
        }
        // Refused when saved too; a schedule stored before that rule meets it here.
        _ if dest.endpoint_url.is_some() => {
            return Err(DeliveryError::Rejected(
                "an S3 destination with endpointUrl needs its own access key pair: Ferry's own credentials only \
                 go to AWS"
                    .into(),
            ))
        }
        // Checked when saved too; settings may have changed since.
        _ if cx.settings.s3_allowed_buckets.contains(&dest.bucket) => S3Credentials::Runtime,
        _ => {
            return Err(DeliveryError::Rejected(format!(
                "bucket {} is not in the setting s3AllowedBuckets, and the destination has no access key",
                dest.bucket
            )))
        }
    };
    let target = S3Target {
        bucket: dest.bucket.clone(),
        key: object_key(cx, dest)?,
        region: dest.region.clone(),
        endpoint_url: dest.endpoint_url.clone(),
        credentials,
        storage_class: dest.storage_class.clone(),
        server_side_encryption: dest.server_side_encryption,
        kms_key_id: dest.kms_key_id.clone(),
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
    let template = dest.key.as_deref().unwrap_or(DEFAULT_S3_KEY);
    let file_name = cx.file_name();
    let rendered = render(template, |name| {
        let value =
            if name == "fileName" { Some(file_name.clone()) } else { cx.placeholders.get(name).map(str::to_string) };
        value.map(|v| safe_path_value(&v))
    })
    .map_err(|e| DeliveryError::Rejected(format!("key: {e}")))?;
    let key = join_key(&dest.prefix, &rendered);
    match key_problem(&key) {
        Some(why) => Err(DeliveryError::Rejected(format!("key {key:?}: {why}"))),
        None => Ok(key),
    }
}

/// `prefix` and `key` with one `/` between them (none when the prefix is empty).
pub fn join_key(prefix: &str, key: &str) -> String {
    if prefix.is_empty() || prefix.ends_with('/') {
        format!("{prefix}{key}")
    } else {
        format!("{prefix}/{key}")
    }
}

/// Why an object key (or a template or prefix of one) is refused: absolute,
/// climbing (a `.` or `..` segment), empty segments (`a//b`), control
/// characters, direction marks or line separators, or over S3's 1024 bytes.
/// Dots inside a segment (`Q1...Q2`) are a name, not a path.
pub fn key_problem(key: &str) -> Option<&'static str> {
    if key.starts_with('/') {
        Some("must be relative: no leading '/'")
    } else if key.split(['/', '\\']).any(|segment| segment == ".." || segment == ".") {
        Some("must not contain '.' or '..' segments")
    } else if key.split(['/', '\\']).any(str::is_empty) {
        Some("must not contain empty segments ('//' or a trailing '/')")
    } else if key.chars().any(char::is_control) {
        Some("must not contain control characters")
    } else if key.chars().any(is_disguising) {
        Some("must not contain direction marks or line separators")
    } else if key.len() > 1024 {
        Some("must be at most 1024 bytes")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_join_under_the_prefix_and_absolute_or_climbing_keys_are_refused() {
        assert_eq!(join_key("", "a/b.csv"), "a/b.csv");
        assert_eq!(join_key("exports", "a/b.csv"), "exports/a/b.csv");
        assert_eq!(join_key("exports/", "a/b.csv"), "exports/a/b.csv");
        assert_eq!(key_problem("exports/{{reportSlug}}/{{fileName}}"), None);
        for bad in ["/abs/key", "a/../b", "..", "a/./b", "a//b", "a/", "a\nb", "a\u{202E}b"] {
            assert!(key_problem(bad).is_some(), "{bad:?}");
        }
        assert_eq!(key_problem("reports/Q1...Q2/x.csv"), None, "dots inside a segment are a name");
        assert!(key_problem(&"k".repeat(1025)).is_some());
    }
}
