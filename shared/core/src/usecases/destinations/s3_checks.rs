//! Field checks of an S3 destination when its schedule is saved: a bucket
//! name S3 accepts, a key template that stays relative (no leading `/`, no
//! `..`), an `endpointUrl` under the private-network rule, and credentials
//! that can work: an access key pair, or a bucket the admin allows the
//! runtime's own credentials for (on AWS's endpoint only, never with an
//! `endpointUrl`).

use crate::model::destination::{S3Destination, ServerSideEncryption};
use crate::model::outbound_url::OutboundUrl;
use crate::model::settings::Settings;
use crate::usecases::deliveries::s3::{join_key, key_problem, DEFAULT_S3_KEY};

use super::checks::{template, Report};

/// Why S3 would refuse a bucket name, if it would (3–63 characters of
/// lowercase letters, digits, `.` and `-`, starting and ending alphanumeric).
pub fn bucket_problem(bucket: &str) -> Option<&'static str> {
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let ok = (3..=63).contains(&bucket.len())
        && bucket.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && edge_ok(bucket.chars().next())
        && edge_ok(bucket.chars().last())
        && !bucket.contains("..");
    (!ok).then_some("must be an S3 bucket name: 3–63 lowercase letters, digits, '.' and '-'")
}

/// `arn:<partition>:iam::<12-digit account>:role/<path and name>`.
fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let name_ok = |n: &str| {
        !n.is_empty() && n.len() <= 512 && n.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
    };
    matches!(parts.as_slice(), ["arn", partition, "iam", "", account, resource]
        if partition.starts_with("aws")
            && account.len() == 12
            && account.chars().all(|c| c.is_ascii_digit())
            && resource.strip_prefix("role/").is_some_and(name_ok))
}

pub(super) fn check_s3(field: &str, s: &S3Destination, settings: &Settings, err: &mut Report) {
    if let Some(why) = bucket_problem(&s.bucket) {
        err(format!("{field}.bucket"), why);
    }
    if s.region.is_empty() || !s.region.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        err(format!("{field}.region"), "must be a region name such as eu-central-1");
    }
    // A prefix may end in '/' (it is a folder); "" is no prefix.
    let prefix = s.prefix.strip_suffix('/').unwrap_or(&s.prefix);
    let prefix_problem = if prefix.is_empty() { None } else { key_problem(prefix) };
    if let Some(why) = prefix_problem {
        err(format!("{field}.prefix"), why);
    }
    let key_field = format!("{field}.key");
    let key = s.key.as_deref().unwrap_or(DEFAULT_S3_KEY);
    if key.is_empty() {
        err(key_field, "must not be empty");
    } else if template(&key_field, key, err) {
        // The prefix is judged on its own above; joined, the two must still fit S3.
        let joined = if prefix_problem.is_some() { key.to_string() } else { join_key(&s.prefix, key) };
        if let Some(why) = key_problem(&joined) {
            err(key_field, why);
        }
    }
    if let Some(url) = &s.endpoint_url {
        if let Err(why) = OutboundUrl::parse(url, settings.allow_private_networks) {
            err(format!("{field}.endpointUrl"), &why.to_string());
        }
    }
    match (&s.access_key_id, &s.secret_access_key, &s.role_arn) {
        (Some(_), Some(_), None) => {}
        (None, None, Some(arn)) if !is_role_arn(arn) => err(
            format!("{field}.roleArn"),
            "must be an IAM role ARN such as arn:aws:iam::123456789012:role/ferry-writer",
        ),
        (None, None, Some(_)) => {}
        (_, _, Some(_)) => err(format!("{field}.roleArn"), "give either roleArn or an access key pair, not both"),
        (Some(_), None, None) => err(format!("{field}.secretAccessKey"), "is required with accessKeyId"),
        (None, Some(_), None) => err(format!("{field}.accessKeyId"), "is required with secretAccessKey"),
        (None, None, None) if !settings.s3_allowed_buckets.contains(&s.bucket) => err(
            format!("{field}.accessKeyId"),
            "give an access key pair: the bucket is not in the setting s3AllowedBuckets, which alone may be written \
             with Ferry's own credentials",
        ),
        // Ferry's own credentials only ever go to AWS's endpoints.
        (None, None, None) if s.endpoint_url.is_some() => err(
            format!("{field}.endpointUrl"),
            "cannot be used with Ferry's own credentials: give the store's access key pair, or leave endpointUrl out",
        ),
        (None, None, None) => {}
    }
    if let Some(class) = &s.storage_class {
        if class.is_empty() || !class.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            err(format!("{field}.storageClass"), "must be an S3 storage class such as STANDARD_IA");
        }
    }
    if s.kms_key_id.is_some() && s.server_side_encryption != Some(ServerSideEncryption::AwsKms) {
        err(format!("{field}.kmsKeyId"), "needs serverSideEncryption \"aws:kms\"");
    }
}

#[cfg(test)]
mod tests {
    use super::is_role_arn;

    #[test]
    fn role_arns_are_iam_roles_of_a_12_digit_account() {
        for ok in
            ["arn:aws:iam::123456789012:role/ferry-writer", "arn:aws-cn:iam::123456789012:role/team/x+y=z,a.b@c_d-e"]
        {
            assert!(is_role_arn(ok), "{ok}");
        }
        for bad in [
            "",
            "arn:aws:iam::123456789012:user/ferry",
            "arn:aws:iam::12345678901:role/x",
            "arn:aws:s3:::bucket",
            "arn:aws:iam:eu-west-1:123456789012:role/x",
            "arn:aws:iam::123456789012:role/",
            "arn:aws:iam::123456789012:role/a b",
        ] {
            assert!(!is_role_arn(bad), "{bad}");
        }
    }
}
