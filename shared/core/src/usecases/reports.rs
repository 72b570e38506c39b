//! Report use cases: CRUD, copy ("Save as"), and the visibility rules.

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use crate::error::CoreError;
use crate::model::api_key::Principal;
use crate::model::dataset::DatasetOptions;
use crate::model::format_options::{Format, FormatOptionsInput};
use crate::model::ids::IdKind;
use crate::model::page::{Page, PageRequest};
use crate::model::report::{Column, Report, ReportType, Visibility, DEFAULT_FILE_NAME};
use crate::model::report_kind::{ReportKind, ReportKindFields};
use crate::model::time_in_status::TimeInStatusOptions;
use crate::usecases::access::{can_read_report, can_use_connection, ensure_report_owner};
use crate::usecases::templates::{file_name_problem, FILE_NAME_PLACEHOLDERS};
use crate::Ports;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReportInput {
    pub name: String,
    #[serde(default)]
    pub visibility: Visibility,
    pub connection_id: String,
    pub report_type: ReportType,
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default)]
    pub columns: Vec<Column>,
    #[serde(default)]
    pub format: Format,
    #[serde(default)]
    pub format_options: FormatOptionsInput,
    #[serde(default)]
    pub file_name: Option<String>,
    #[serde(default)]
    pub compress: bool,
    /// Options of the `timeInStatus` report type (only there).
    #[serde(default)]
    pub time_in_status: Option<TimeInStatusOptions>,
    /// Options of the `dataset` report type (only there): `entities`, `bodyLength`.
    #[serde(default)]
    pub dataset: Option<DatasetOptions>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub id: Option<IgnoredAny>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub owner: Option<IgnoredAny>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub created_at: Option<IgnoredAny>,
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub updated_at: Option<IgnoredAny>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CopyInput {
    pub name: String,
    #[serde(default)]
    pub connection_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReportView {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub visibility: Visibility,
    pub connection_id: String,
    pub report_type: ReportType,
    pub query: Option<String>,
    pub columns: Vec<Column>,
    pub format: Format,
    pub format_options: FormatOptionsInput,
    pub file_name: String,
    pub compress: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_in_status: Option<TimeInStatusOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset: Option<DatasetOptions>,
    #[schema(value_type = String)]
    pub created_at: jiff::Timestamp,
    #[schema(value_type = String)]
    pub updated_at: jiff::Timestamp,
}

impl From<&Report> for ReportView {
    fn from(r: &Report) -> Self {
        ReportView {
            id: r.id.clone(),
            name: r.name.clone(),
            owner: r.owner.clone(),
            visibility: r.visibility,
            connection_id: r.connection_id.clone(),
            report_type: r.report_type(),
            query: r.query.clone(),
            columns: r.columns.clone(),
            format: r.format,
            format_options: r.format_options.clone(),
            file_name: r.file_name.clone(),
            compress: r.compress,
            time_in_status: r.kind.time_in_status().cloned(),
            dataset: r.kind.dataset().cloned(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

async fn build(
    ports: &Ports,
    actor: &Principal,
    input: ReportInput,
    existing: Option<&Report>,
) -> Result<Report, CoreError> {
    if input.name.trim().is_empty() || input.name.len() > 200 {
        return Err(CoreError::invalid("name", "must be 1–200 characters"));
    }
    let owner = existing.map(|e| e.owner.clone()).unwrap_or_else(|| actor.user.clone());
    let connection = match ports.connections.get_connection(&input.connection_id).await? {
        Some(c) if can_use_connection(actor, &c) || c.owner == owner => c,
        _ => return Err(CoreError::invalid("connectionId", "no connection of yours has this id")),
    };
    for (i, c) in input.columns.iter().enumerate() {
        if c.field.trim().is_empty() {
            return Err(CoreError::invalid(format!("columns[{i}].field"), "must not be empty"));
        }
        if c.header.as_deref().is_some_and(|h| h.is_empty() || h.len() > 255) {
            return Err(CoreError::invalid(format!("columns[{i}].header"), "must be 1–255 characters"));
        }
    }
    ports
        .sources
        .check_report(&connection, input.report_type, &input.columns)
        .map_err(|f| CoreError::invalid(f.field, f.message))?;
    let kind = ReportKind::from_fields(ReportKindFields {
        report_type: input.report_type,
        time_in_status: input.time_in_status,
        dataset: input.dataset,
    })
    .map_err(|f| CoreError::invalid(f.field, f.message))?;
    if let Some(options) = kind.time_in_status() {
        options.check().map_err(|f| CoreError::invalid(f.field, f.message))?;
    }
    let dataset = super::dataset_checks::check_dataset(&connection, &kind, input.format, &input.columns)?;
    let compress = dataset || input.compress;
    input.format_options.resolve().map_err(|f| CoreError::invalid(f.field, f.message))?;
    let file_name = input.file_name.unwrap_or_else(|| DEFAULT_FILE_NAME.to_string());
    if let Some(why) = file_name_problem(&file_name, FILE_NAME_PLACEHOLDERS) {
        return Err(CoreError::invalid("fileName", why));
    }
    if input.query.as_deref().is_some_and(|q| q.len() > 10_000) {
        return Err(CoreError::invalid("query", "must be at most 10,000 characters"));
    }
    let now = ports.clock.now();
    Ok(Report {
        id: existing.map(|e| e.id.clone()).unwrap_or_else(|| ports.ids.new_id(IdKind::Report)),
        name: input.name,
        owner,
        visibility: input.visibility,
        connection_id: input.connection_id,
        kind,
        query: input.query.filter(|q| !q.trim().is_empty()),
        columns: input.columns,
        format: input.format,
        format_options: input.format_options,
        file_name,
        compress,
        created_at: existing.map(|e| e.created_at).unwrap_or(now),
        updated_at: now,
    })
}

/// A report checked as a create would check it, not stored (for previews).
pub async fn draft_report(ports: &Ports, actor: &Principal, input: ReportInput) -> Result<Report, CoreError> {
    build(ports, actor, input, None).await
}

pub async fn create_report(ports: &Ports, actor: &Principal, input: ReportInput) -> Result<ReportView, CoreError> {
    let r = build(ports, actor, input, None).await?;
    ports.reports.insert_report(&r).await?;
    Ok(ReportView::from(&r))
}

/// A report the actor may read; 404 otherwise.
pub async fn load_report(ports: &Ports, actor: &Principal, id: &str) -> Result<Report, CoreError> {
    match ports.reports.get_report(id).await? {
        Some(r) if can_read_report(actor, &r) => Ok(r),
        _ => Err(CoreError::not_found("report", id)),
    }
}

pub async fn get_report(ports: &Ports, actor: &Principal, id: &str) -> Result<ReportView, CoreError> {
    Ok(ReportView::from(&load_report(ports, actor, id).await?))
}

pub async fn list_reports(ports: &Ports, actor: &Principal, page: PageRequest) -> Result<Page<ReportView>, CoreError> {
    let visible_to = (!actor.is_admin()).then_some(actor.user.as_str());
    Ok(ports.reports.list_reports(visible_to, &page).await?.map(|r| ReportView::from(&r)))
}

pub async fn update_report(
    ports: &Ports,
    actor: &Principal,
    id: &str,
    input: ReportInput,
) -> Result<ReportView, CoreError> {
    let existing = load_report(ports, actor, id).await?;
    ensure_report_owner(actor, &existing, "change")?;
    let r = build(ports, actor, input, Some(&existing)).await?;
    ports.reports.update_report(&r).await?;
    Ok(ReportView::from(&r))
}

pub async fn delete_report(ports: &Ports, actor: &Principal, id: &str) -> Result<(), CoreError> {
    let existing = load_report(ports, actor, id).await?;
    ensure_report_owner(actor, &existing, "delete")?;
    let users = ports.schedules.schedules_using_report(id).await?;
    if !users.is_empty() {
        return Err(CoreError::Conflict {
            code: "report_in_use",
            message: format!("the report is used by schedules {}; delete them first", users.join(", ")),
        });
    }
    ports.reports.delete_report(id).await?;
    Ok(())
}

/// "Save as": a new private report owned by the caller. Another user's
/// connection is never carried over, so nobody runs exports with someone
/// else's credentials.
pub async fn copy_report(
    ports: &Ports,
    actor: &Principal,
    id: &str,
    input: CopyInput,
) -> Result<ReportView, CoreError> {
    let original = load_report(ports, actor, id).await?;
    let connection_id = match input.connection_id {
        Some(c) => c,
        None => {
            let own =
                ports.connections.get_connection(&original.connection_id).await?.is_some_and(|c| c.owner == actor.user);
            if !own {
                return Err(CoreError::invalid(
                    "connectionId",
                    "is required: the original report uses another user's connection; name one of yours",
                ));
            }
            original.connection_id.clone()
        }
    };
    let as_input = ReportInput {
        name: input.name,
        visibility: Visibility::Private,
        connection_id,
        report_type: original.report_type(),
        query: original.query.clone(),
        columns: original.columns.clone(),
        format: original.format,
        format_options: original.format_options.clone(),
        file_name: Some(original.file_name.clone()),
        compress: original.compress,
        time_in_status: original.kind.time_in_status().cloned(),
        dataset: original.kind.dataset().cloned(),
        id: None,
        owner: None,
        created_at: None,
        updated_at: None,
    };
    let r = build(ports, actor, as_input, None).await?;
    ports.reports.insert_report(&r).await?;
    Ok(ReportView::from(&r))
}
