//! The names an S3 destination gives: a bucket name S3 accepts and an IAM
//! role ARN, each a type that only holds a valid name.

/// A bucket name S3 accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketName(pub(super) String);

/// `arn:<partition>:iam::<12-digit account>:role/<path and name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleArn(pub(super) String);

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

impl BucketName {
    pub fn parse(bucket: &str) -> Result<Self, &'static str> {
        match bucket_problem(bucket) {
            Some(why) => Err(why),
            None => Ok(BucketName(bucket.to_string())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl RoleArn {
    pub fn parse(arn: &str) -> Result<Self, &'static str> {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let name_ok = |n: &str| {
            !n.is_empty() && n.len() <= 512 && n.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
        };
        let ok = matches!(parts.as_slice(), ["arn", partition, "iam", "", account, resource]
            if partition.starts_with("aws")
                && account.len() == 12
                && account.chars().all(|c| c.is_ascii_digit())
                && resource.strip_prefix("role/").is_some_and(name_ok));
        if ok {
            Ok(RoleArn(arn.to_string()))
        } else {
            Err("must be an IAM role ARN such as arn:aws:iam::123456789012:role/ferry-writer")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
