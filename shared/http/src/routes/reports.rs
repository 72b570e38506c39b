//! `/v1/reports`: saved export configurations, and "Save as" (`copy`).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ferry_core::usecases::pdf_preview;
use ferry_core::usecases::previews::{self, DraftPreview, ReportPreview};
use ferry_core::usecases::reports::{self, CopyInput, ReportInput, ReportView};

use crate::auth::Caller;
use crate::created::created;
use crate::error::{ApiError, ErrorResponse};
use crate::json::ApiJson;
use crate::paging::{page_response, PageBody, Paging};
use crate::params::PathId;
use crate::state::AppState;

/// Creates a report owned by the caller.
#[utoipa::path(post, path = "/v1/reports", tag = "reports", request_body = ReportInput,
    responses(
        (status = 201, description = "The new report", body = ReportView,
            headers(("Location" = String, description = "URL of the report"))),
        (status = 400, description = "Invalid input", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse)))]
pub async fn create_report(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(input): ApiJson<ReportInput>,
) -> Result<Response, ApiError> {
    let view = reports::create_report(&state.ports, &actor, input).await?;
    Ok(created(&state, &format!("/v1/reports/{}", view.id), view))
}

/// The caller's reports and everyone's public ones (admins: all).
#[utoipa::path(get, path = "/v1/reports", tag = "reports",
    params(
        ("pageSize" = Option<u32>, Query, description = "Items per page, 1–1000 (default 100)"),
        ("cursor" = Option<String>, Query, description = "`nextCursor` of the previous page")),
    responses(
        (status = 200, description = "One page of reports", body = PageBody<ReportView>),
        (status = 400, description = "Invalid paging", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse)))]
pub async fn list_reports(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Paging(page): Paging,
) -> Result<Json<PageBody<ReportView>>, ApiError> {
    page_response(reports::list_reports(&state.ports, &actor, page).await)
}

/// One report; another user's private report is a 404.
#[utoipa::path(get, path = "/v1/reports/{id}", tag = "reports",
    params(("id" = String, Path, description = "Report id")),
    responses(
        (status = 200, description = "The report", body = ReportView),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 404, description = "No such report visible to the caller", body = ErrorResponse)))]
pub async fn get_report(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
) -> Result<Json<ReportView>, ApiError> {
    Ok(Json(reports::get_report(&state.ports, &actor, &id).await?))
}

/// Replaces a report (owner or admin).
#[utoipa::path(put, path = "/v1/reports/{id}", tag = "reports", request_body = ReportInput,
    params(("id" = String, Path, description = "Report id")),
    responses(
        (status = 200, description = "The report after the change", body = ReportView),
        (status = 400, description = "Invalid input", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 403, description = "Not the owner or an admin", body = ErrorResponse),
        (status = 404, description = "No such report visible to the caller", body = ErrorResponse)))]
pub async fn update_report(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
    ApiJson(input): ApiJson<ReportInput>,
) -> Result<Json<ReportView>, ApiError> {
    Ok(Json(reports::update_report(&state.ports, &actor, &id, input).await?))
}

/// Deletes a report (owner or admin).
#[utoipa::path(delete, path = "/v1/reports/{id}", tag = "reports",
    params(("id" = String, Path, description = "Report id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 403, description = "Not the owner or an admin", body = ErrorResponse),
        (status = 404, description = "No such report visible to the caller", body = ErrorResponse),
        (status = 409, description = "Schedules use the report", body = ErrorResponse)))]
pub async fn delete_report(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
) -> Result<StatusCode, ApiError> {
    reports::delete_report(&state.ports, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// "Save as": a new private report owned by the caller. `connectionId` is
/// required when the original uses another user's connection.
#[utoipa::path(post, path = "/v1/reports/{id}/copy", tag = "reports", request_body = CopyInput,
    params(("id" = String, Path, description = "Id of the report to copy")),
    responses(
        (status = 201, description = "The copy", body = ReportView,
            headers(("Location" = String, description = "URL of the copy"))),
        (status = 400, description = "Invalid input", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 404, description = "No such report visible to the caller", body = ErrorResponse)))]
pub async fn copy_report(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
    ApiJson(input): ApiJson<CopyInput>,
) -> Result<Response, ApiError> {
    let view = reports::copy_report(&state.ports, &actor, &id, input).await?;
    Ok(created(&state, &format!("/v1/reports/{}", view.id), view))
}

/// The report's first 20 rows, read from its source now (nothing is stored):
/// `{"columns": [headers], "rows": [[cells]]}`.
#[utoipa::path(post, path = "/v1/reports/{id}/preview", tag = "reports",
    params(("id" = String, Path, description = "Report id")),
    responses(
        (status = 200, description = "Headers and up to 20 rows", body = ReportPreview),
        (status = 400, description = "A column or setting the source does not accept", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 403, description = "Not the owner or an admin", body = ErrorResponse),
        (status = 404, description = "No such report visible to the caller", body = ErrorResponse),
        (status = 409, description = "The source refused (`source_error`) or its address is guarded (`destination_forbidden`)",
            body = ErrorResponse)))]
pub async fn preview_report(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
) -> Result<Json<ReportPreview>, ApiError> {
    Ok(Json(previews::preview_report(&state.ports, &actor, &id).await?))
}

/// The first 20 rows of an unsaved report (a body as for `POST /v1/reports`),
/// with `approximateCount` for Jira queries; the source's refusal (Jira's JQL
/// message) is a 400 naming `query`. Nothing is stored.
#[utoipa::path(post, path = "/v1/reports/preview", tag = "reports", request_body = ReportInput,
    responses(
        (status = 200, description = "Headers, up to 20 rows and the approximate count", body = DraftPreview),
        (status = 400, description = "Invalid report, or the source refused the query", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 409, description = "The source's address is guarded (`destination_forbidden`)", body = ErrorResponse)))]
pub async fn preview_draft(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(input): ApiJson<ReportInput>,
) -> Result<Json<DraftPreview>, ApiError> {
    Ok(Json(previews::preview_draft(&state.ports, &actor, input).await?))
}

/// The first rows of an unsaved PDF report (a body as for `POST
/// /v1/reports`, `format: "pdf"`) written by the PDF writer: the first
/// page as the export will lay it out. Nothing is stored.
#[utoipa::path(post, path = "/v1/reports/preview/pdf", tag = "reports", request_body = ReportInput,
    responses(
        (status = 200, description = "A PDF of the title block and up to 20 rows", content_type = "application/pdf",
            body = Vec<u8>),
        (status = 400, description = "Invalid report, not a PDF report, or the source refused the query",
            body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 409, description = "The source's address is guarded (`destination_forbidden`)", body = ErrorResponse)))]
pub async fn preview_draft_pdf(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(input): ApiJson<ReportInput>,
) -> Result<impl IntoResponse, ApiError> {
    let pdf = pdf_preview::preview_draft_pdf(&state.ports, &actor, input).await?;
    Ok(([(header::CONTENT_TYPE, "application/pdf"), (header::CACHE_CONTROL, "no-store")], pdf))
}
