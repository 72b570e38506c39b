//! The names of Ferry's AWS resources, read from the environment the SAM
//! template gives each function.

use std::env;

#[derive(Debug, thiserror::Error)]
#[error("environment variable {name} is not set: {why}")]
pub struct MissingSetting {
    pub name: &'static str,
    pub why: &'static str,
}

/// Names and addresses of the resources. Every field is optional at this
/// level; `require` names the variable a function needs but lacks.
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    /// `FERRY_TABLE`: the DynamoDB table.
    pub table: Option<String>,
    /// `FERRY_BUCKET`: the S3 bucket of export files.
    pub bucket: Option<String>,
    /// `FERRY_EXPORT_QUEUE_URL`.
    pub export_queue_url: Option<String>,
    /// `FERRY_DELIVERY_QUEUE_URL`.
    pub delivery_queue_url: Option<String>,
    /// `FERRY_SCHEDULE_GROUP`: the EventBridge Scheduler group.
    pub schedule_group: Option<String>,
    /// `FERRY_SCHEDULER_ROLE_ARN`: the role Scheduler assumes to invoke the trigger.
    pub scheduler_role_arn: Option<String>,
    /// `FERRY_TRIGGER_FUNCTION_ARN`: the trigger Lambda, Scheduler's target.
    pub trigger_function_arn: Option<String>,
    /// `FERRY_SCHEDULER_DLQ_ARN`: where Scheduler puts firings it could not deliver.
    pub scheduler_dlq_arn: Option<String>,
    /// `FERRY_EMAIL_FROM`: the default sender (a verified SES identity).
    pub email_from: Option<String>,
    /// `FERRY_PUBLIC_URL`: the API's base URL, for `Location` and links in mail.
    pub public_url: Option<String>,
    /// `FERRY_KMS_KEY_ID`: the KMS key that wraps the data key of stored secrets.
    pub kms_key_id: Option<String>,
}

impl AwsSettings {
    pub fn from_env() -> Self {
        Self::from_vars(|name| env::var(name).ok())
    }

    /// The settings from `var`, a function's environment (the process's on
    /// Lambda; the one a deployed stack gives a function, in the e2e test).
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        AwsSettings {
            table: var("FERRY_TABLE"),
            bucket: var("FERRY_BUCKET"),
            export_queue_url: var("FERRY_EXPORT_QUEUE_URL"),
            delivery_queue_url: var("FERRY_DELIVERY_QUEUE_URL"),
            schedule_group: var("FERRY_SCHEDULE_GROUP"),
            scheduler_role_arn: var("FERRY_SCHEDULER_ROLE_ARN"),
            trigger_function_arn: var("FERRY_TRIGGER_FUNCTION_ARN"),
            scheduler_dlq_arn: var("FERRY_SCHEDULER_DLQ_ARN"),
            email_from: var("FERRY_EMAIL_FROM"),
            public_url: var("FERRY_PUBLIC_URL"),
            kms_key_id: var("FERRY_KMS_KEY_ID"),
        }
    }
}

/// The value of a setting a function cannot run without.
pub fn require<'a>(
    value: &'a Option<String>,
    name: &'static str,
    why: &'static str,
) -> Result<&'a str, MissingSetting> {
    value.as_deref().ok_or(MissingSetting { name, why })
}
