//! Admin settings: read with defaults, merged on write.

use crate::error::CoreError;
use crate::model::api_key::Principal;
use crate::model::email_address::EmailAddress;
use crate::model::report::ReportType;
use crate::model::s3_destination::bucket_problem;
use crate::model::settings::{Settings, SettingsPatch};
use crate::usecases::access::ensure_admin;
use crate::Ports;

/// Stored settings, or the defaults before the first write. The first read
/// of an install also generates and stores its `s3ExternalId`, so it never
/// changes afterwards.
pub async fn current(ports: &Ports) -> Result<Settings, CoreError> {
    let stored = ports.settings.get_settings().await?;
    let mut s = stored.unwrap_or_else(|| Settings::defaults(&ports.config.default_email_from));
    if s.s3_external_id.is_empty() {
        s.s3_external_id = format!("ferry-{}", hex::encode(rand::random::<[u8; 16]>()));
        ports.settings.put_settings(&s).await?;
    }
    Ok(s)
}

pub async fn get_settings(ports: &Ports, actor: &Principal) -> Result<Settings, CoreError> {
    ensure_admin(actor)?;
    current(ports).await
}

pub async fn update_settings(ports: &Ports, actor: &Principal, patch: SettingsPatch) -> Result<Settings, CoreError> {
    ensure_admin(actor)?;
    let mut s = current(ports).await?;
    if let Some(v) = patch.allow_app_permissions {
        s.allow_app_permissions = v;
    }
    if let Some(v) = patch.allow_private_networks {
        s.allow_private_networks = v;
    }
    if let Some(v) = patch.max_concurrent_exports_per_user {
        if !(1..=1000).contains(&v) {
            return Err(CoreError::invalid("maxConcurrentExportsPerUser", "must be between 1 and 1000"));
        }
        s.max_concurrent_exports_per_user = v;
    }
    if let Some(v) = patch.max_attachment_mb {
        // SES counts 40 MB after base64, so 28 MB of file is the most that fits.
        if !(1..=28).contains(&v) {
            return Err(CoreError::invalid("maxAttachmentMb", "must be between 1 and 28"));
        }
        s.max_attachment_mb = v;
    }
    if let Some(v) = patch.default_retention_days {
        if !(1..=3650).contains(&v) {
            return Err(CoreError::invalid("defaultRetentionDays", "must be between 1 and 3650"));
        }
        s.default_retention_days = v;
    }
    if let Some(buckets) = patch.s3_allowed_buckets {
        for (i, b) in buckets.iter().enumerate() {
            if let Some(why) = bucket_problem(b) {
                return Err(CoreError::invalid(format!("s3AllowedBuckets[{i}]"), why));
            }
            if ports.config.own_buckets.contains(b) {
                return Err(CoreError::invalid(
                    format!("s3AllowedBuckets[{i}]"),
                    "is Ferry's own bucket of export files, which destinations never write to",
                ));
            }
        }
        s.s3_allowed_buckets = buckets;
    }
    if let Some(id) = patch.data_pipeline_report_id {
        s.data_pipeline_report_id = check_report_setting(ports, &id).await?;
    }
    if let Some(v) = patch.email_from {
        EmailAddress::parse_field("emailFrom", &v)?;
        s.email_from = v;
    }
    if let Some(v) = patch.alert_email {
        let v = v.filter(|a| !a.trim().is_empty());
        if let Some(a) = &v {
            EmailAddress::parse_field("alertEmail", a)?;
        }
        s.alert_email = v;
    }
    if let Some(v) = patch.stall_minutes {
        if !(1..=1440).contains(&v) {
            return Err(CoreError::invalid("stallMinutes", "must be between 1 and 1440"));
        }
        s.stall_minutes = v;
    }
    ports.settings.put_settings(&s).await?;
    Ok(s)
}

/// The setting naming the Data Pipeline API's report.
const DATA_PIPELINE_REPORT: &str = "dataPipelineReportId";

/// Checks a value for the setting: `""` clears it, else a `dataset` report.
async fn check_report_setting(ports: &Ports, id: &str) -> Result<Option<String>, CoreError> {
    if id.is_empty() {
        return Ok(None);
    }
    match ports.reports.get_report(id).await? {
        Some(r) if r.report_type() == ReportType::Dataset => Ok(Some(id.to_string())),
        Some(r) => Err(CoreError::invalid(
            DATA_PIPELINE_REPORT,
            format!("names a report of type {}; the Data Pipeline API runs a dataset report", r.report_type().as_str()),
        )),
        None => Err(CoreError::invalid(DATA_PIPELINE_REPORT, "names no report")),
    }
}
