//! The exports table (newest first, with live progress from `static/app.js`),
//! downloads through the page route, and cancelling on a confirmation page of
//! its own so it works without JavaScript.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use ferry_core::model::export::ExportStatus;
use ferry_core::model::page::PageRequest;
use ferry_core::usecases::dashboard::{self, ExportRow};
use ferry_core::usecases::exports::{self, ExportView};
use serde::Deserialize;

use crate::error::WebError;
use crate::flash::Flash;
use crate::frame::{render, Frame, Viewer};
use crate::schedules::{encode, PAGE_SIZE};
use crate::sign_in::CsrfOnly;
use crate::times::{size, utc};
use crate::WebState;

#[derive(Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "exports.html")]
struct ExportsPage {
    frame: Frame,
    rows: Vec<Row>,
    next_page: Option<String>,
}

/// One export in words.
pub struct Row {
    pub id: String,
    pub report: String,
    pub created: String,
    pub status: &'static str,
    /// Still moving: the script polls it.
    pub live: bool,
    /// `<progress>`: `max` and `value` when the total is known.
    pub progress: Option<(u64, u64)>,
    pub rows: String,
    pub size: String,
    pub error: Option<String>,
    pub downloadable: bool,
    pub cancellable: bool,
    /// A running dataset export: the table being read and rows per table.
    pub dataset: Option<String>,
}

pub fn row(e: &ExportView, report: Option<String>) -> Row {
    let live = matches!(e.status, ExportStatus::Queued | ExportStatus::Running | ExportStatus::Cancelling);
    Row {
        id: e.id.clone(),
        report: report.unwrap_or_else(|| format!("(deleted report {})", e.report_id)),
        created: utc(e.created_at),
        status: e.status.as_str(),
        live,
        progress: e.progress.total.map(|t| (t.max(1), e.progress.completed.min(t))),
        rows: e.rows.unwrap_or(e.progress.completed).to_string(),
        size: e.bytes.map(size).unwrap_or_default(),
        error: e.error.clone(),
        downloadable: e.status == ExportStatus::Completed && e.download_link.is_some(),
        cancellable: matches!(e.status, ExportStatus::Queued | ExportStatus::Running),
        dataset: e.dataset_progress.as_ref().map(dataset_progress),
    }
}

/// `reading issue_fields (issues 250, issue_fields 1,900)`.
fn dataset_progress(p: &ferry_core::model::dataset::DatasetProgress) -> String {
    let counts: Vec<String> = p.rows.iter().map(|(entity, n)| format!("{entity} {n}")).collect();
    format!("reading {} ({})", p.entity, counts.join(", "))
}

/// `GET /exports?cursor=`.
pub async fn list(
    State(state): State<WebState>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = PageRequest::parse(Some(PAGE_SIZE), query.cursor).map_err(|e| viewer.fail(e))?;
    let found = dashboard::export_rows(&state.ports, &viewer.principal, page).await.map_err(|e| viewer.fail(e))?;
    let next_page = found.next_cursor.map(|c| viewer.link(&format!("/exports?cursor={}", encode(&c))));
    let rows = found.items.into_iter().map(|ExportRow { export, report_name }| row(&export, report_name)).collect();
    render(ExportsPage { frame: viewer.frame("Exports"), rows, next_page })
}

/// `GET /exports/{id}/download`: to the file's short-lived signed URL.
pub async fn download(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let url = exports::download_url(&state.ports, &viewer.principal, &id).await.map_err(|e| viewer.fail(e))?;
    Ok(Redirect::to(&url).into_response())
}

#[derive(Template)]
#[template(path = "export_cancel.html")]
struct CancelPage {
    frame: Frame,
    export: Row,
}

/// `GET /exports/{id}/cancel`: are you sure?
pub async fn confirm_cancel(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let found = dashboard::export_row(&state.ports, &viewer.principal, &id).await.map_err(|e| viewer.fail(e))?;
    render(CancelPage { frame: viewer.frame("Exports"), export: row(&found.export, found.report_name) })
}

/// `POST /exports/{id}/cancel`.
pub async fn cancel(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    viewer.check_csrf(&form.csrf)?;
    exports::cancel_export(&state.ports, &viewer.principal, &id).await.map_err(|e| viewer.fail(e))?;
    Ok(Redirect::to(&Flash::Cancelled.after(&viewer.link("/exports"))).into_response())
}
