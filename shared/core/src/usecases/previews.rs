//! `POST /v1/reports/{id}/preview`: the first rows of a report, read from its
//! source as an export would, so a user can check columns, query and
//! credentials before scheduling. `POST /v1/reports/preview` does the same
//! for an unsaved report (the dashboard's `Check query` and `Preview`), with
//! the source's approximate count. Nothing is stored.

use serde::Serialize;
use serde_json::Value as Json;

use crate::error::CoreError;
use crate::model::api_key::Principal;
use crate::model::connection::Connection;
use crate::model::report::Report;
use crate::model::value::{Row, Value};
use crate::ports::source::{SourceError, SourceRequest};
use crate::usecases::access::ensure_report_owner;
use crate::usecases::connections::source_error;
use crate::usecases::reports::{draft_report, load_report, ReportInput};
use crate::usecases::settings::current;
use crate::Ports;

/// Rows a preview shows.
pub const PREVIEW_ROWS: usize = 20;

/// Source pages read at most: a filter that matches little (worklogs in a
/// narrow range) must not turn a preview into a full export.
const PREVIEW_MAX_PAGES: usize = 25;

/// The JSON export's shape: headers, then rows of cells.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReportPreview {
    /// Column headers, in order.
    pub columns: Vec<String>,
    /// Up to 20 rows; each cell a string, number, boolean, array or null.
    /// Date-times are RFC 3339 UTC strings, dates `YYYY-MM-DD`.
    #[schema(value_type = Vec<Vec<Object>>)]
    pub rows: Vec<Vec<Json>>,
    /// The same cells as text for people, as a mail's summary table shows
    /// them: a time in status with its unit's decimals (`3.50`, where `rows`
    /// has the number 3.5, as in the files), null as `""`, lists joined with `, `.
    pub text: Vec<Vec<String>>,
}

/// The first rows of a report. Only its owner or an admin may, as a preview
/// runs with the report's connection, like an export.
pub async fn preview_report(ports: &Ports, actor: &Principal, id: &str) -> Result<ReportPreview, CoreError> {
    let report = load_report(ports, actor, id).await?;
    ensure_report_owner(actor, &report, "preview")?;
    let allow_private_networks = current(ports).await?.allow_private_networks;
    let connection = connection_of(ports, &report).await?;
    let (preview, _) =
        first_rows(ports, &report, connection, allow_private_networks, false).await.map_err(source_error)?;
    Ok(preview)
}

/// The answer of `POST /v1/reports/preview`: the preview, and for Jira
/// queries how many issues match, as Jira estimates it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DraftPreview {
    #[serde(flatten)]
    pub preview: ReportPreview,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approximate_count: Option<u64>,
}

/// The first rows of an unsaved report, validated as `POST /v1/reports`
/// would validate it. The source's refusal (Jira's JQL message) is a 400
/// naming `query`, so a form can show it beside the query.
pub async fn preview_draft(ports: &Ports, actor: &Principal, input: ReportInput) -> Result<DraftPreview, CoreError> {
    let report = draft_report(ports, actor, input).await?;
    let allow_private_networks = current(ports).await?.allow_private_networks;
    let connection = connection_of(ports, &report).await?;
    let (preview, approximate_count) =
        first_rows(ports, &report, connection, allow_private_networks, true).await.map_err(|e| match e {
            SourceError::Failed(message) => CoreError::invalid("query", message),
            other => source_error(other),
        })?;
    Ok(DraftPreview { preview, approximate_count })
}

pub(crate) async fn connection_of(ports: &Ports, report: &Report) -> Result<Connection, CoreError> {
    ports.connections.get_connection(&report.connection_id).await?.ok_or_else(|| CoreError::Conflict {
        code: "source_error",
        message: "the report's connection was deleted".into(),
    })
}

async fn first_rows(
    ports: &Ports,
    report: &Report,
    connection: Connection,
    allow_private_networks: bool,
    count: bool,
) -> Result<(ReportPreview, Option<u64>), SourceError> {
    let (columns, rows, total) = read_first_rows(ports, report, connection, allow_private_networks, count).await?;
    let text = rows.iter().map(|r| r.iter().map(Value::summary_text).collect()).collect();
    let rows = rows.iter().map(|r| r.iter().map(cell_json).collect()).collect();
    Ok((ReportPreview { columns, rows, text }, total))
}

/// The headers and up to `PREVIEW_ROWS` rows of a report, and the source's
/// approximate count when `count`.
pub(crate) async fn read_first_rows(
    ports: &Ports,
    report: &Report,
    connection: Connection,
    allow_private_networks: bool,
    count: bool,
) -> Result<(Vec<String>, Vec<Row>, Option<u64>), SourceError> {
    if report.report_type() == crate::model::report::ReportType::Dataset {
        return Err(SourceError::Invalid(crate::FieldError::new(
            "reportType",
            "a dataset is several tables, one file each, so it has no preview of rows: start an export",
        )));
    }
    let columns = if report.columns.is_empty() {
        ports.sources.default_columns(&connection, report.report_type())
    } else {
        report.columns.clone()
    };
    let headers = columns.iter().map(|c| c.header().to_string()).collect();
    let request = SourceRequest {
        connection,
        kind: report.kind.clone(),
        query: report.query.clone(),
        columns,
        from_date: None,
        to_date: None,
        allow_private_networks,
        as_of: ports.clock.now(),
        activity: Default::default(),
    };
    let mut source = ports.sources.open(request).await?;
    let headers = source.headers().unwrap_or(headers);
    let total = if count { source.total().await? } else { None };
    let mut rows: Vec<Row> = Vec::with_capacity(PREVIEW_ROWS);
    let mut cursor = None;
    for _ in 0..PREVIEW_MAX_PAGES {
        let page = source.page(cursor.as_ref()).await?;
        rows.extend(page.rows.iter().take(PREVIEW_ROWS - rows.len()).cloned());
        match page.next {
            Some(next) if rows.len() < PREVIEW_ROWS => cursor = Some(next),
            _ => break,
        }
    }
    Ok((headers, rows, total))
}

/// One cell as JSON, the way the JSON format writes it.
pub fn cell_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Text(s) => Json::String(s.clone()),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) | Value::Decimal(f, _) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::Bool(b) => Json::Bool(*b),
        Value::DateTime(t) => Json::String(t.to_string()),
        Value::Date(d) => Json::String(d.to_string()),
        Value::List(items) => Json::Array(items.iter().cloned().map(Json::String).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cells_become_json_like_the_json_format() {
        let t: jiff::Timestamp = "2026-03-01T10:00:00Z".parse().unwrap();
        let d = jiff::civil::date(2026, 3, 1);
        let row = [
            Value::Null,
            Value::Text("a".into()),
            Value::Int(-3),
            Value::Float(1.5),
            Value::Float(f64::NAN),
            Value::Bool(true),
            Value::DateTime(t),
            Value::Date(d),
            Value::List(vec!["x".into(), "y".into()]),
        ];
        let cells: Vec<Json> = row.iter().map(cell_json).collect();
        assert_eq!(
            Json::Array(cells),
            json!([null, "a", -3, 1.5, null, true, "2026-03-01T10:00:00Z", "2026-03-01", ["x", "y"]])
        );
    }
}
