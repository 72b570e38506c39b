//! `/rest/datapipeline/latest/export`: the Data Pipeline seed's REST surface
//! (POST start, GET status, DELETE cancel) over the `dataset` report named by
//! the setting `dataPipelineReportId`, with the seed's bodies and codes, so
//! scripts written for Data Center keep working. Any key form of `/v1` works.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ferry_core::usecases::data_pipeline::{self, StartAnswer};
use serde_json::json;

use crate::auth::Caller;
use crate::error::{ApiError, ErrorResponse};
use crate::params::QueryParams;
use crate::state::AppState;

/// Starts an export of the Data Pipeline report (the seed's `POST /export`).
#[utoipa::path(post, path = "/rest/datapipeline/latest/export", tag = "data pipeline",
    params(
        ("fromDate" = Option<String>, Query, description = "ISO 8601, e.g. `2020-12-30T23:01Z` (default: 365 days back)"),
        ("forceExport" = Option<bool>, Query, description = "Accepted for compatibility (Ferry has no index to check)")),
    responses(
        (status = 202, description = "Started: `{startTime, nodeId, jobId, status: STARTED, config}`"),
        (status = 400, description = "No report set, or a bad `fromDate`", body = ErrorResponse),
        (status = 409, description = "Another export of the report runs: its job")))]
pub async fn start_pipeline_export(
    State(state): State<AppState>,
    Caller(actor): Caller,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let forced = query.get("forceExport").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let answer = data_pipeline::start(&state.ports, &actor, query.get("fromDate"), forced)
        .await
        .map_err(|e| ApiError::from_core(&state.ports, e))?;
    Ok(match answer {
        StartAnswer::Started(job) => (StatusCode::ACCEPTED, Json(job)).into_response(),
        StartAnswer::Running(Some(job)) => (StatusCode::CONFLICT, Json(job)).into_response(),
        StartAnswer::Running(None) => (StatusCode::CONFLICT, Json(json!({"status": "STARTED"}))).into_response(),
    })
}

/// The latest job of the Data Pipeline report, `{}` before the first.
#[utoipa::path(get, path = "/rest/datapipeline/latest/export", tag = "data pipeline",
    responses((status = 200, description = "The latest job, with `statistics` once it ended; `{}` before the first"),
        (status = 400, description = "No report set", body = ErrorResponse)))]
pub async fn get_pipeline_export(State(state): State<AppState>, Caller(actor): Caller) -> Result<Response, ApiError> {
    let job = data_pipeline::latest(&state.ports, &actor).await.map_err(|e| ApiError::from_core(&state.ports, e))?;
    Ok(match job {
        Some(job) => Json(job).into_response(),
        None => Json(json!({})).into_response(),
    })
}

/// Cancels the running job: 200 `{"status": "OK"}`, or 409 `{"status": "WARNING"}` when none runs.
#[utoipa::path(delete, path = "/rest/datapipeline/latest/export", tag = "data pipeline",
    responses((status = 200, description = "Cancellation accepted"),
        (status = 409, description = "No export job runs")))]
pub async fn cancel_pipeline_export(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> Result<Response, ApiError> {
    let answer = data_pipeline::cancel(&state.ports, &actor).await.map_err(|e| ApiError::from_core(&state.ports, e))?;
    let status = if answer.accepted { StatusCode::OK } else { StatusCode::CONFLICT };
    Ok((status, Json(answer)).into_response())
}
