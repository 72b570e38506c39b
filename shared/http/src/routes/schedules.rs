//! `/v1/schedules`: recurring runs of a report, their history, pause/resume,
//! "run now", and a preview of upcoming runs.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ferry_core::usecases::deliveries::redeliver::{self, RedeliverInput};
use ferry_core::usecases::deliveries::send_test::{self, DestinationTestInput, DestinationTestResult};
use ferry_core::usecases::exports::ExportView;
use ferry_core::usecases::schedule_preview::{self, PreviewInput, PreviewView};
use ferry_core::usecases::schedule_runs::{self, RunView};
use ferry_core::usecases::schedules::{self, ScheduleInput, ScheduleView};

use crate::auth::Caller;
use crate::created::created;
use crate::error::{ApiError, ErrorResponse};
use crate::json::ApiJson;
use crate::paging::{page_response, PageBody, Paging};
use crate::params::{PathId, PathIds};
use crate::state::AppState;

/// The next runs of a recurrence, without saving anything.
#[utoipa::path(post, path = "/v1/schedules/preview", tag = "schedules", request_body = PreviewInput,
    responses(
        (status = 200, description = "Upcoming instants (UTC)", body = PreviewView),
        (status = 400, description = "Invalid recurrence", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse)))]
pub async fn preview_schedule(
    State(state): State<AppState>,
    Caller(_actor): Caller,
    ApiJson(input): ApiJson<PreviewInput>,
) -> Result<Json<PreviewView>, ApiError> {
    Ok(Json(schedule_preview::preview(&state.ports, input).await?))
}

/// Schedules a report (its owner or an admin).
#[utoipa::path(post, path = "/v1/schedules", tag = "schedules", request_body = ScheduleInput,
    responses(
        (status = 201, description = "The new schedule", body = ScheduleView,
            headers(("Location" = String, description = "URL of the schedule"))),
        (status = 400, description = "Invalid input", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 403, description = "Not the report's owner: copy it first", body = ErrorResponse)))]
pub async fn create_schedule(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(input): ApiJson<ScheduleInput>,
) -> Result<Response, ApiError> {
    let view = schedules::create_schedule(&state.ports, &actor, input).await?;
    Ok(created(&state, &format!("/v1/schedules/{}", view.id), view))
}

/// The caller's schedules (admins: all): the dashboard list.
#[utoipa::path(get, path = "/v1/schedules", tag = "schedules",
    params(
        ("pageSize" = Option<u32>, Query, description = "Items per page, 1–1000 (default 100)"),
        ("cursor" = Option<String>, Query, description = "`nextCursor` of the previous page")),
    responses(
        (status = 200, description = "One page of schedules", body = PageBody<ScheduleView>),
        (status = 400, description = "Invalid paging", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse)))]
pub async fn list_schedules(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Paging(page): Paging,
) -> Result<Json<PageBody<ScheduleView>>, ApiError> {
    page_response(schedules::list_schedules(&state.ports, &actor, page).await)
}

/// One schedule with its next runs.
#[utoipa::path(get, path = "/v1/schedules/{id}", tag = "schedules",
    params(("id" = String, Path, description = "Schedule id")),
    responses(
        (status = 200, description = "The schedule", body = ScheduleView),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 404, description = "No such schedule of the caller", body = ErrorResponse)))]
pub async fn get_schedule(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
) -> Result<Json<ScheduleView>, ApiError> {
    Ok(Json(schedules::get_schedule(&state.ports, &actor, &id).await?))
}

/// Replaces a schedule; occurrences already past are not run.
#[utoipa::path(put, path = "/v1/schedules/{id}", tag = "schedules", request_body = ScheduleInput,
    params(("id" = String, Path, description = "Schedule id")),
    responses(
        (status = 200, description = "The schedule after the change", body = ScheduleView),
        (status = 400, description = "Invalid input", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 403, description = "Not the report's owner", body = ErrorResponse),
        (status = 404, description = "No such schedule of the caller", body = ErrorResponse)))]
pub async fn update_schedule(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
    ApiJson(input): ApiJson<ScheduleInput>,
) -> Result<Json<ScheduleView>, ApiError> {
    Ok(Json(schedules::update_schedule(&state.ports, &actor, &id, input).await?))
}

/// Deletes a schedule; its exports and history stay.
#[utoipa::path(delete, path = "/v1/schedules/{id}", tag = "schedules",
    params(("id" = String, Path, description = "Schedule id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 404, description = "No such schedule of the caller", body = ErrorResponse)))]
pub async fn delete_schedule(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
) -> Result<StatusCode, ApiError> {
    schedules::delete_schedule(&state.ports, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Pauses a schedule (`pausedReason: "manual"`).
#[utoipa::path(post, path = "/v1/schedules/{id}/pause", tag = "schedules",
    params(("id" = String, Path, description = "Schedule id")),
    responses(
        (status = 200, description = "The paused schedule", body = ScheduleView),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 404, description = "No such schedule of the caller", body = ErrorResponse)))]
pub async fn pause_schedule(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
) -> Result<Json<ScheduleView>, ApiError> {
    Ok(Json(schedules::pause_schedule(&state.ports, &actor, &id).await?))
}

/// Resumes a schedule and sets its failure count to 0.
#[utoipa::path(post, path = "/v1/schedules/{id}/resume", tag = "schedules",
    params(("id" = String, Path, description = "Schedule id")),
    responses(
        (status = 200, description = "The running schedule", body = ScheduleView),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 404, description = "No such schedule of the caller", body = ErrorResponse)))]
pub async fn resume_schedule(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
) -> Result<Json<ScheduleView>, ApiError> {
    Ok(Json(schedules::resume_schedule(&state.ports, &actor, &id).await?))
}

/// Runs the report now (also while paused); answers with the export.
#[utoipa::path(post, path = "/v1/schedules/{id}/run", tag = "schedules",
    params(("id" = String, Path, description = "Schedule id")),
    responses(
        (status = 202, description = "Queued", body = ExportView,
            headers(("Location" = String, description = "URL of the export"))),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 404, description = "No such schedule of the caller", body = ErrorResponse)))]
pub async fn run_schedule_now(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
) -> Result<Response, ApiError> {
    let view = schedule_runs::run_now(&state.ports, &actor, &id).await?;
    let location = state.url(&format!("/v1/exports/{}", view.id));
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], Json(view)).into_response())
}

/// The schedule's runs, newest first.
#[utoipa::path(get, path = "/v1/schedules/{id}/runs", tag = "schedules",
    params(
        ("id" = String, Path, description = "Schedule id"),
        ("pageSize" = Option<u32>, Query, description = "Items per page, 1–1000 (default 100)"),
        ("cursor" = Option<String>, Query, description = "`nextCursor` of the previous page")),
    responses(
        (status = 200, description = "One page of runs", body = PageBody<RunView>),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 404, description = "No such schedule of the caller", body = ErrorResponse)))]
pub async fn list_schedule_runs(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
    Paging(page): Paging,
) -> Result<Json<PageBody<RunView>>, ApiError> {
    page_response(schedule_runs::list_runs(&state.ports, &actor, &id, page).await)
}

/// Sends a run's kept file again to the chosen destinations (by `dst_…` id
/// or by index), without running the query again; the attempts join the run's history.
#[utoipa::path(post, path = "/v1/schedules/{id}/runs/{exportId}/redeliver", tag = "schedules",
    request_body = RedeliverInput,
    params(
        ("id" = String, Path, description = "Schedule id"),
        ("exportId" = String, Path, description = "The run's export id")),
    responses(
        (status = 202, description = "Queued; the run with its deliveries", body = RunView),
        (status = 400, description = "No such destination id or index", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 404, description = "No such schedule of the caller, or no such run", body = ErrorResponse),
        (status = 409, description = "The run has no file (`run_has_no_file`), or a destination is still being delivered (`delivery_in_progress`)", body = ErrorResponse),
        (status = 410, description = "The file is past its retention", body = ErrorResponse)))]
pub async fn redeliver_run(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathIds(id, export_id): PathIds,
    ApiJson(input): ApiJson<RedeliverInput>,
) -> Result<Response, ApiError> {
    let view = redeliver::redeliver(&state.ports, &actor, &id, &export_id, input).await?;
    Ok((StatusCode::ACCEPTED, Json(view)).into_response())
}

/// Sends a small file of the report's first 20 rows through one destination
/// now (nothing recorded as a run): `{"ok", "outcome", "error"?, "details"}`.
#[utoipa::path(post, path = "/v1/destinations/test", tag = "schedules", request_body = DestinationTestInput,
    responses(
        (status = 200, description = "What the destination answered", body = DestinationTestResult),
        (status = 400, description = "Invalid destination, named `destination.<field>`", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 403, description = "Not the report's owner or an admin", body = ErrorResponse),
        (status = 404, description = "No such report or schedule visible to the caller", body = ErrorResponse),
        (status = 429, description = "A test of this user within the last 10 seconds", body = ErrorResponse)))]
pub async fn test_destination(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(input): ApiJson<DestinationTestInput>,
) -> Result<Json<DestinationTestResult>, ApiError> {
    Ok(Json(send_test::send_test(&state.ports, &actor, input).await?))
}
