//! Admin settings, stored with the rest of the state.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    pub allow_app_permissions: bool,
    pub allow_private_networks: bool,
    pub max_concurrent_exports_per_user: u32,
    pub max_attachment_mb: u32,
    pub default_retention_days: u32,
    pub email_from: String,
    /// Buckets an S3 destination may write to with the runtime's own
    /// credentials (no access key, no role).
    #[serde(default)]
    pub s3_allowed_buckets: Vec<String>,
    /// The external id Ferry passes when it assumes a user's role:
    /// generated once per install, never chosen by a user (read-only).
    #[serde(default)]
    pub s3_external_id: String,
    /// An operations address that gets every pause notice.
    #[serde(default)]
    pub alert_email: Option<String>,
    /// Minutes without progress after which an export or a delivery is
    /// ended `stalled` (1–1440).
    #[serde(default = "default_stall_minutes")]
    pub stall_minutes: u32,
    /// The `dataset` report `/rest/datapipeline/latest/export` runs (the
    /// Data Pipeline seed's REST surface); None: that surface answers 400.
    #[serde(default)]
    pub data_pipeline_report_id: Option<String>,
}

pub const DEFAULT_STALL_MINUTES: u32 = 30;

fn default_stall_minutes() -> u32 {
    DEFAULT_STALL_MINUTES
}

impl Settings {
    /// Defaults of SPEC; `email_from` comes from the deployment.
    pub fn defaults(email_from: &str) -> Self {
        Settings {
            allow_app_permissions: false,
            allow_private_networks: false,
            max_concurrent_exports_per_user: 5,
            max_attachment_mb: 25,
            default_retention_days: 7,
            email_from: email_from.to_string(),
            s3_allowed_buckets: Vec::new(),
            s3_external_id: String::new(),
            alert_email: None,
            stall_minutes: DEFAULT_STALL_MINUTES,
            data_pipeline_report_id: None,
        }
    }
}

/// `PUT /v1/settings` merges only the fields given.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SettingsPatch {
    pub allow_app_permissions: Option<bool>,
    pub allow_private_networks: Option<bool>,
    pub max_concurrent_exports_per_user: Option<u32>,
    pub max_attachment_mb: Option<u32>,
    pub default_retention_days: Option<u32>,
    pub email_from: Option<String>,
    pub s3_allowed_buckets: Option<Vec<String>>,
    /// An address, or null to clear it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub alert_email: Option<Option<String>>,
    pub stall_minutes: Option<u32>,
    /// A `dataset` report's id; `""` clears it.
    pub data_pipeline_report_id: Option<String>,
    /// Read-only: accepted (a GET sent back as a PUT) and ignored.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub s3_external_id: Option<serde::de::IgnoredAny>,
}

/// A field that is present (even as null) is `Some`: `"alertEmail": null` clears it.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}
