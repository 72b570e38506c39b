//! `Settings` (admins): every setting in one plain form, saved like
//! `PUT /v1/settings` (the same use case: merge and validate). A refusal is
//! shown beside the field it names, the form kept as typed; nothing is saved.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use ferry_core::model::settings::SettingsPatch;
use ferry_core::usecases::settings;
use ferry_core::CoreError;
use serde::Deserialize;

use crate::error::WebError;
use crate::frame::{render, Frame, Viewer};
use crate::WebState;

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    frame: Frame,
    form: SettingsForm,
    /// Problems by the API's field name (`maxAttachmentMb`).
    problems: HashMap<String, String>,
    saved: bool,
    /// Read-only: the external id S3 roles must require of Ferry.
    s3_external_id: String,
}

impl SettingsPage {
    fn problem(&self, field: &str) -> Option<&String> {
        self.problems.get(field)
    }
}

/// The form as typed: numbers stay text until the use case sees them.
#[derive(Debug, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    allow_app_permissions: Option<String>,
    #[serde(default)]
    allow_private_networks: Option<String>,
    #[serde(default)]
    max_concurrent_exports_per_user: String,
    #[serde(default)]
    max_attachment_mb: String,
    #[serde(default)]
    default_retention_days: String,
    #[serde(default)]
    email_from: String,
    /// One bucket per line (or separated by commas or spaces).
    #[serde(default)]
    s3_allowed_buckets: String,
    /// Empty: none.
    #[serde(default)]
    alert_email: String,
    #[serde(default)]
    stall_minutes: String,
}

#[derive(Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /settings` (admins).
pub async fn show(
    State(state): State<WebState>,
    viewer: Viewer,
    Query(query): Query<SavedQuery>,
) -> Result<Response, WebError> {
    let s = settings::get_settings(&state.ports, &viewer.principal).await.map_err(|e| viewer.fail(e))?;
    let form = SettingsForm {
        csrf: String::new(),
        allow_app_permissions: s.allow_app_permissions.then(|| "on".into()),
        allow_private_networks: s.allow_private_networks.then(|| "on".into()),
        max_concurrent_exports_per_user: s.max_concurrent_exports_per_user.to_string(),
        max_attachment_mb: s.max_attachment_mb.to_string(),
        default_retention_days: s.default_retention_days.to_string(),
        email_from: s.email_from,
        s3_allowed_buckets: s.s3_allowed_buckets.join("\n"),
        alert_email: s.alert_email.unwrap_or_default(),
        stall_minutes: s.stall_minutes.to_string(),
    };
    render(SettingsPage {
        frame: viewer.frame("Settings"),
        form,
        problems: HashMap::new(),
        saved: query.saved.is_some(),
        s3_external_id: s.s3_external_id,
    })
}

/// A whole number from a field, or the problem named by the API's field name.
fn number(value: &str, field: &str, problems: &mut HashMap<String, String>) -> Option<u32> {
    match value.trim().parse() {
        Ok(n) => Some(n),
        Err(_) => {
            problems.insert(field.into(), "must be a whole number".into());
            None
        }
    }
}

/// `POST /settings` (admins): saves, then shows the settings again.
pub async fn save(
    State(state): State<WebState>,
    viewer: Viewer,
    Form(form): Form<SettingsForm>,
) -> Result<Response, WebError> {
    viewer.check_csrf(&form.csrf)?;
    let mut problems = HashMap::new();
    let buckets: Vec<String> = form
        .s3_allowed_buckets
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|b| !b.is_empty())
        .map(String::from)
        .collect();
    let patch = SettingsPatch {
        allow_app_permissions: Some(form.allow_app_permissions.is_some()),
        allow_private_networks: Some(form.allow_private_networks.is_some()),
        max_concurrent_exports_per_user: number(
            &form.max_concurrent_exports_per_user,
            "maxConcurrentExportsPerUser",
            &mut problems,
        ),
        max_attachment_mb: number(&form.max_attachment_mb, "maxAttachmentMb", &mut problems),
        default_retention_days: number(&form.default_retention_days, "defaultRetentionDays", &mut problems),
        email_from: Some(form.email_from.trim().to_string()),
        s3_allowed_buckets: Some(buckets.clone()),
        alert_email: Some(Some(form.alert_email.trim().to_string()).filter(|e| !e.is_empty())),
        // An older form without the field keeps the setting.
        stall_minutes: match form.stall_minutes.trim() {
            "" => None,
            typed => number(typed, "stallMinutes", &mut problems),
        },
        s3_external_id: None,
        // Set through the API (PUT /v1/settings); this form leaves it as it is.
        data_pipeline_report_id: None,
    };
    if problems.is_empty() {
        match settings::update_settings(&state.ports, &viewer.principal, patch).await {
            Ok(_) => return Ok(Redirect::to(&viewer.link("/settings?saved=1")).into_response()),
            Err(CoreError::Invalid { details, .. }) => {
                // `s3AllowedBuckets[2]` is shown beside the one box that lists
                // them all, naming the bucket as typed.
                problems.extend(details.into_iter().map(|d| match d.field.split_once('[') {
                    Some((list, index)) => {
                        let typed = index.trim_end_matches(']').parse::<usize>().ok().and_then(|i| buckets.get(i));
                        let name = typed.cloned().unwrap_or(d.field.clone());
                        (list.to_string(), format!("{name}: {}", d.message))
                    }
                    None => (d.field, d.message),
                }));
            }
            Err(e) => return Err(viewer.fail(e)),
        }
    }
    let s3_external_id =
        settings::get_settings(&state.ports, &viewer.principal).await.map_err(|e| viewer.fail(e))?.s3_external_id;
    let mut response =
        render(SettingsPage { frame: viewer.frame("Settings"), form, problems, saved: false, s3_external_id })?;
    *response.status_mut() = StatusCode::BAD_REQUEST;
    Ok(response)
}
