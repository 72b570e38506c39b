//! `/v1/exports`: asynchronous export jobs. Starting one answers 202 at once;
//! the file is fetched through a redirect to a short-lived signed URL.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ferry_core::model::export::ExportStatus;
use ferry_core::ports::export_store::ExportFilter;
use ferry_core::usecases::exports::{self, ExportView, StartExport};

use crate::auth::Caller;
use crate::error::{ApiError, ErrorResponse};
use crate::json::ApiJson;
use crate::paging::{page_request, page_response, PageBody};
use crate::params::{variant_param, PathId, QueryParams};
use crate::state::AppState;

/// Queues an export of a report. One export per report runs at a time.
#[utoipa::path(post, path = "/v1/exports", tag = "exports", request_body = StartExport,
    responses(
        (status = 202, description = "Queued; poll `statusLink`", body = ExportView,
            headers(("Location" = String, description = "URL of the export"))),
        (status = 400, description = "Invalid input", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 403, description = "Not the report's owner or an admin", body = ErrorResponse),
        (status = 404, description = "No such report visible to the caller", body = ErrorResponse),
        (status = 409, description = "The report already has an export in progress (`export_running`, with `export`)",
            body = ErrorResponse),
        (status = 429, description = "The owner's concurrent-export limit is reached", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait")))))]
pub async fn start_export(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(input): ApiJson<StartExport>,
) -> Result<Response, ApiError> {
    let view =
        exports::start_export(&state.ports, &actor, input).await.map_err(|e| ApiError::from_core(&state.ports, e))?;
    let location = state.url(&format!("/v1/exports/{}", view.id));
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], Json(view)).into_response())
}

/// The caller's exports, newest first (admins: all).
#[utoipa::path(get, path = "/v1/exports", tag = "exports",
    params(
        ("status" = Option<ExportStatus>, Query, description = "Only exports in this status (any case)"),
        ("reportId" = Option<String>, Query, description = "Only exports of this report"),
        ("pageSize" = Option<u32>, Query, description = "Items per page, 1–1000 (default 100)"),
        ("cursor" = Option<String>, Query, description = "`nextCursor` of the previous page")),
    responses(
        (status = 200, description = "One page of exports", body = PageBody<ExportView>),
        (status = 400, description = "Invalid filter or paging", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse)))]
pub async fn list_exports(
    State(state): State<AppState>,
    Caller(actor): Caller,
    query: QueryParams,
) -> Result<Json<PageBody<ExportView>>, ApiError> {
    let filter = ExportFilter {
        status: query.get("status").map(|s| variant_param("status", &s.to_ascii_uppercase())).transpose()?,
        report_id: query.get("reportId").map(str::to_string),
        ..ExportFilter::default()
    };
    let page = page_request(&query)?;
    page_response(exports::list_exports(&state.ports, &actor, filter, page).await)
}

/// One export: status, progress and, once completed, its download link.
#[utoipa::path(get, path = "/v1/exports/{id}", tag = "exports",
    params(("id" = String, Path, description = "Export id")),
    responses(
        (status = 200, description = "The export", body = ExportView),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 404, description = "No such export visible to the caller", body = ErrorResponse)))]
pub async fn get_export(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
) -> Result<Json<ExportView>, ApiError> {
    Ok(Json(exports::get_export(&state.ports, &actor, &id).await?))
}

/// Redirects to a short-lived signed URL of the file, which needs no key.
#[utoipa::path(get, path = "/v1/exports/{id}/download", tag = "exports",
    params(("id" = String, Path, description = "Export id")),
    responses(
        (status = 302, description = "Redirect to the file",
            headers(("Location" = String, description = "Signed URL of the file"))),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 404, description = "No such export visible to the caller", body = ErrorResponse),
        (status = 410, description = "Cancelled, or the file was deleted or expired", body = ErrorResponse),
        (status = 500, description = "The export failed (`export_failed`, its error as message)", body = ErrorResponse),
        (status = 503, description = "Not finished yet", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait")))))]
pub async fn download_export(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
) -> Result<Response, ApiError> {
    let url = exports::download_url(&state.ports, &actor, &id).await?;
    // The signed URL expires soon: no cache may keep the redirect.
    Ok((StatusCode::FOUND, [(header::LOCATION, url), (header::CACHE_CONTROL, "no-store".to_string())]).into_response())
}

/// Cancels an export: QUEUED becomes CANCELLED, RUNNING becomes CANCELLING.
#[utoipa::path(delete, path = "/v1/exports/{id}", tag = "exports",
    params(("id" = String, Path, description = "Export id")),
    responses(
        (status = 200, description = "The export after the cancel", body = ExportView),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 404, description = "No such export visible to the caller", body = ErrorResponse),
        (status = 409, description = "Already finished (`export_finished`)", body = ErrorResponse)))]
pub async fn cancel_export(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
) -> Result<Json<ExportView>, ApiError> {
    Ok(Json(exports::cancel_export(&state.ports, &actor, &id).await?))
}

/// Deletes a finished export's file before its retention ends; the record stays.
#[utoipa::path(delete, path = "/v1/exports/{id}/file", tag = "exports",
    params(("id" = String, Path, description = "Export id")),
    responses(
        (status = 204, description = "The file is gone"),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 404, description = "No such export visible to the caller", body = ErrorResponse),
        (status = 409, description = "The export is not completed (`export_not_finished`)", body = ErrorResponse)))]
pub async fn delete_export_file(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
) -> Result<StatusCode, ApiError> {
    exports::delete_export_file(&state.ports, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
