//! `/v1/connections`: where data comes from. Secrets in settings are
//! write-only; the core masks them in every answer.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use ferry_core::model::report::ReportType;
use ferry_core::model::value::FieldInfo;
use ferry_core::ports::source::SiteUser;
use ferry_core::usecases::connections::{
    self, ConnectionInput, ConnectionTestResult, ConnectionView, UnsavedConnection,
};

use crate::auth::Caller;
use crate::created::created;
use crate::error::{ApiError, ErrorResponse};
use crate::json::ApiJson;
use crate::paging::{page_response, PageBody, Paging};
use crate::params::{variant_param, PathId, QueryParams};
use crate::state::AppState;

/// Creates a connection owned by the caller (`site` scope: admins only).
#[utoipa::path(post, path = "/v1/connections", tag = "connections", request_body = ConnectionInput,
    responses(
        (status = 201, description = "The new connection", body = ConnectionView,
            headers(("Location" = String, description = "URL of the connection"))),
        (status = 400, description = "Invalid input", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 403, description = "A member asked for `site` scope", body = ErrorResponse)))]
pub async fn create_connection(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(input): ApiJson<ConnectionInput>,
) -> Result<Response, ApiError> {
    let view = connections::create_connection(&state.ports, &actor, input).await?;
    Ok(created(&state, &format!("/v1/connections/{}", view.id), view))
}

/// The caller's connections (admins: all).
#[utoipa::path(get, path = "/v1/connections", tag = "connections",
    params(
        ("pageSize" = Option<u32>, Query, description = "Items per page, 1–1000 (default 100)"),
        ("cursor" = Option<String>, Query, description = "`nextCursor` of the previous page")),
    responses(
        (status = 200, description = "One page of connections", body = PageBody<ConnectionView>),
        (status = 400, description = "Invalid paging", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse)))]
pub async fn list_connections(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Paging(page): Paging,
) -> Result<Json<PageBody<ConnectionView>>, ApiError> {
    page_response(connections::list_connections(&state.ports, &actor, page).await)
}

/// One connection, secrets shown as `***`.
#[utoipa::path(get, path = "/v1/connections/{id}", tag = "connections",
    params(("id" = String, Path, description = "Connection id")),
    responses(
        (status = 200, description = "The connection", body = ConnectionView),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 404, description = "No such connection visible to the caller", body = ErrorResponse)))]
pub async fn get_connection(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
) -> Result<Json<ConnectionView>, ApiError> {
    Ok(Json(connections::get_connection(&state.ports, &actor, &id).await?))
}

/// Replaces a connection. A secret left out, or sent as `***`, keeps its stored value.
#[utoipa::path(put, path = "/v1/connections/{id}", tag = "connections", request_body = ConnectionInput,
    params(("id" = String, Path, description = "Connection id")),
    responses(
        (status = 200, description = "The connection after the change", body = ConnectionView),
        (status = 400, description = "Invalid input", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 403, description = "Not the owner or an admin", body = ErrorResponse),
        (status = 404, description = "No such connection visible to the caller", body = ErrorResponse)))]
pub async fn update_connection(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
    ApiJson(input): ApiJson<ConnectionInput>,
) -> Result<Json<ConnectionView>, ApiError> {
    Ok(Json(connections::update_connection(&state.ports, &actor, &id, input).await?))
}

/// Deletes a connection no report uses (409 `connection_in_use` otherwise).
#[utoipa::path(delete, path = "/v1/connections/{id}", tag = "connections",
    params(("id" = String, Path, description = "Connection id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 403, description = "Not the owner or an admin", body = ErrorResponse),
        (status = 404, description = "No such connection visible to the caller", body = ErrorResponse),
        (status = 409, description = "Reports use the connection", body = ErrorResponse)))]
pub async fn delete_connection(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
) -> Result<StatusCode, ApiError> {
    connections::delete_connection(&state.ports, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The fields a report of `reportType` (default `issues`) can use.
#[utoipa::path(get, path = "/v1/connections/{id}/fields", tag = "connections",
    params(
        ("id" = String, Path, description = "Connection id"),
        ("reportType" = Option<ReportType>, Query, description = "Report type (default `issues`)")),
    responses(
        (status = 200, description = "The fields", body = Vec<FieldInfo>),
        (status = 400, description = "Unknown report type, or one the connection's kind does not have", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 404, description = "No such connection visible to the caller", body = ErrorResponse),
        (status = 409, description = "The source could not be asked (`source_error`) or its address is guarded (`destination_forbidden`)",
            body = ErrorResponse)))]
pub async fn connection_fields(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
    query: QueryParams,
) -> Result<Json<Vec<FieldInfo>>, ApiError> {
    let report_type = match query.get("reportType") {
        Some(text) => variant_param("reportType", &text.to_ascii_lowercase())?,
        None => ReportType::Issues,
    };
    Ok(Json(connections::connection_fields(&state.ports, &actor, &id, report_type).await?))
}

/// Logs in with the connection's credentials: `{"ok": true, "user", "site"}`,
/// or `{"ok": false, "error"}` saying what Jira (or the network guard) answered.
#[utoipa::path(post, path = "/v1/connections/{id}/test", tag = "connections",
    params(("id" = String, Path, description = "Connection id")),
    responses(
        (status = 200, description = "Whether the connection works, and as whom", body = ConnectionTestResult),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 403, description = "Not the owner or an admin", body = ErrorResponse),
        (status = 404, description = "No such connection visible to the caller", body = ErrorResponse)))]
pub async fn test_connection(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
) -> Result<Json<ConnectionTestResult>, ApiError> {
    Ok(Json(connections::test_connection(&state.ports, &actor, &id).await?))
}

/// Logs in with an unsaved connection's values (a body as for POST), nothing
/// stored. With `"id"` of a stored connection the caller may change, a
/// write-only secret left out or sent as `***` is taken from it. Answers as
/// `/v1/connections/{id}/test` does; invalid values are a 400 naming the field.
#[utoipa::path(post, path = "/v1/connections/test", tag = "connections", request_body = ConnectionInput,
    responses(
        (status = 200, description = "Whether these values work, and as whom", body = ConnectionTestResult),
        (status = 400, description = "Invalid input", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 403, description = "`id` names a connection the caller may not change, or a member asked for `site` scope",
            body = ErrorResponse),
        (status = 404, description = "`id` names no connection visible to the caller", body = ErrorResponse)))]
pub async fn test_unsaved_connection(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Json<ConnectionTestResult>, ApiError> {
    let unsaved = UnsavedConnection::from_json(&body)?;
    Ok(Json(connections::test_unsaved_connection(&state.ports, &actor, unsaved).await?))
}

/// People of a Jira connection's site whose name or address matches `query`
/// (Jira's user search), for picking an email destination's `toUsers`.
#[utoipa::path(get, path = "/v1/connections/{id}/users", tag = "connections",
    params(("id" = String, Path, description = "Connection id"), ("query" = String, Query, description = "Part of a name or address")),
    responses(
        (status = 200, description = "Matching people (at most 20)", body = Vec<SiteUser>),
        (status = 400, description = "Not a Jira connection, or a query over 100 characters", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 404, description = "No such connection visible to the caller", body = ErrorResponse),
        (status = 409, description = "Jira could not be asked (`source_error`) or its address is guarded (`destination_forbidden`)",
            body = ErrorResponse)))]
pub async fn connection_users(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
    query: QueryParams,
) -> Result<Json<Vec<SiteUser>>, ApiError> {
    let text = query.get("query").unwrap_or_default();
    Ok(Json(connections::search_users(&state.ports, &actor, &id, text).await?))
}
