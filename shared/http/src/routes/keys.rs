//! `/v1/keys`: API keys (admins only). The key value is shown once, in the
//! answer to its creation.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use ferry_core::usecases::keys::{self, CreatedKey, KeyInput, KeyPatch, KeyView};

use crate::auth::Caller;
use crate::created::created;
use crate::error::{ApiError, ErrorResponse};
use crate::json::ApiJson;
use crate::paging::{page_response, PageBody, Paging};
use crate::params::PathId;
use crate::state::AppState;

/// Creates a key for a user; the answer is the only place its value appears.
#[utoipa::path(post, path = "/v1/keys", tag = "keys", request_body = KeyInput,
    responses(
        (status = 201, description = "The new key, with its value", body = CreatedKey,
            headers(("Location" = String, description = "URL of the key"))),
        (status = 400, description = "Invalid input", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 403, description = "Not an admin", body = ErrorResponse)))]
pub async fn create_key(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(input): ApiJson<KeyInput>,
) -> Result<Response, ApiError> {
    let key = keys::create_key(&state.ports, &actor, input).await?;
    Ok(created(&state, &format!("/v1/keys/{}", key.view.id), key))
}

/// Lists keys, without their values.
#[utoipa::path(get, path = "/v1/keys", tag = "keys",
    params(
        ("pageSize" = Option<u32>, Query, description = "Items per page, 1–1000 (default 100)"),
        ("cursor" = Option<String>, Query, description = "`nextCursor` of the previous page")),
    responses(
        (status = 200, description = "One page of keys", body = PageBody<KeyView>),
        (status = 400, description = "Invalid paging", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 403, description = "Not an admin", body = ErrorResponse)))]
pub async fn list_keys(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Paging(page): Paging,
) -> Result<Json<PageBody<KeyView>>, ApiError> {
    page_response(keys::list_keys(&state.ports, &actor, page).await)
}

/// Sets (or with null removes) a key's email: where its user's notices go.
#[utoipa::path(patch, path = "/v1/keys/{id}", tag = "keys", request_body = KeyPatch,
    params(("id" = String, Path, description = "Key id")),
    responses(
        (status = 200, description = "The key, without its value", body = KeyView),
        (status = 400, description = "Invalid email", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 403, description = "Not an admin", body = ErrorResponse),
        (status = 404, description = "No such key", body = ErrorResponse)))]
pub async fn patch_key(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
    ApiJson(patch): ApiJson<KeyPatch>,
) -> Result<Json<KeyView>, ApiError> {
    Ok(Json(keys::patch_key(&state.ports, &actor, &id, patch).await?))
}

/// Deletes a key. The last admin key cannot be deleted (409 `last_admin_key`).
#[utoipa::path(delete, path = "/v1/keys/{id}", tag = "keys",
    params(("id" = String, Path, description = "Key id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 403, description = "Not an admin", body = ErrorResponse),
        (status = 404, description = "No such key", body = ErrorResponse),
        (status = 409, description = "The last admin key", body = ErrorResponse)))]
pub async fn delete_key(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId,
) -> Result<StatusCode, ApiError> {
    keys::delete_key(&state.ports, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
