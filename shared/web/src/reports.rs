//! Reports: the list, a report's page, its `Preview` (the first 20 rows as a
//! table, every cell escaped by the template) and `Start export`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use ferry_core::model::page::PageRequest;
use ferry_core::model::report::Column;
use ferry_core::usecases::connections;
use ferry_core::usecases::exports::{self, StartExport};
use ferry_core::usecases::previews::{self, ReportPreview};
use ferry_core::usecases::reports::{self, ReportView};
use serde::Deserialize;
use serde_json::Value;

use crate::error::WebError;
use crate::flash::Flash;
use crate::frame::{render, Frame, Viewer};
use crate::report_details::{option_groups, OptionGroup};
use crate::schedules::{encode, PAGE_SIZE};
use crate::sign_in::CsrfOnly;
use crate::times::utc;
use crate::WebState;

#[derive(Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    frame: Frame,
    reports: Vec<ReportView>,
    next_page: Option<String>,
}

/// `GET /reports`.
pub async fn list(
    State(state): State<WebState>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = PageRequest::parse(Some(PAGE_SIZE), query.cursor).map_err(|e| viewer.fail(e))?;
    let found = reports::list_reports(&state.ports, &viewer.principal, page).await.map_err(|e| viewer.fail(e))?;
    let next_page = found.next_cursor.map(|c| viewer.link(&format!("/reports?cursor={}", encode(&c))));
    render(ReportsPage { frame: viewer.frame("Reports"), reports: found.items, next_page })
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    frame: Frame,
    report: ReportView,
    format: String,
    report_type: String,
    visibility: String,
    columns: Vec<String>,
    updated: String,
    preview: Option<PreviewTable>,
    /// The connection's name, when this person may open it.
    connection: Option<String>,
    options: Vec<OptionGroup>,
    /// The owner or an admin: `Edit`, `Delete` and `Schedule` are theirs
    /// (others may read and `Copy` a public report).
    may_change: bool,
}

/// The preview as text cells (the report form's `Preview` too).
pub(crate) struct PreviewTable {
    pub(crate) columns: Vec<String>,
    pub(crate) rows: Vec<Vec<String>>,
}

/// The preview's text cells: numbers as the files write them (a time in
/// status with its unit's decimals), the same as the API's preview shows.
impl From<ReportPreview> for PreviewTable {
    fn from(p: ReportPreview) -> Self {
        PreviewTable { columns: p.columns, rows: p.text }
    }
}

async fn report_page(
    state: &WebState,
    viewer: &Viewer,
    id: &str,
    preview: Option<ReportPreview>,
) -> Result<Response, WebError> {
    let report = reports::get_report(&state.ports, &viewer.principal, id).await.map_err(|e| viewer.fail(e))?;
    let word = |v: serde_json::Result<Value>| v.ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
    let may_change = viewer.principal.is_admin() || report.owner == viewer.principal.user;
    // Someone else's private connection behind a public report: its id only.
    let connection =
        connections::get_connection(&state.ports, &viewer.principal, &report.connection_id).await.ok().map(|c| c.name);
    render(ReportPage {
        connection,
        options: option_groups(&report),
        may_change,
        frame: viewer.frame("Reports"),
        format: word(serde_json::to_value(report.format)),
        report_type: word(serde_json::to_value(report.report_type)),
        visibility: word(serde_json::to_value(report.visibility)),
        columns: report.columns.iter().map(column_text).collect(),
        updated: utc(report.updated_at),
        preview: preview.map(PreviewTable::from),
        report,
    })
}

/// A column as `field` or `field as Header`.
fn column_text(c: &Column) -> String {
    match &c.header {
        Some(h) if *h != c.field => format!("{} as {h}", c.field),
        _ => c.field.clone(),
    }
}

/// `GET /reports/{id}`.
pub async fn show(State(state): State<WebState>, viewer: Viewer, Path(id): Path<String>) -> Result<Response, WebError> {
    report_page(&state, &viewer, &id, None).await
}

/// `GET /reports/{id}/preview`: the report's page with its first rows.
pub async fn preview(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let rows = previews::preview_report(&state.ports, &viewer.principal, &id).await.map_err(|e| viewer.fail(e))?;
    report_page(&state, &viewer, &id, Some(rows)).await
}

/// `POST /reports/{id}/export`: starts an export, then shows Exports.
pub async fn start_export(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    viewer.check_csrf(&form.csrf)?;
    let input = StartExport { report_id: id, from_date: None, to_date: None, format: None };
    exports::start_export(&state.ports, &viewer.principal, input).await.map_err(|e| viewer.fail(e))?;
    Ok(Redirect::to(&Flash::ExportStarted.after(&viewer.link("/exports"))).into_response())
}
