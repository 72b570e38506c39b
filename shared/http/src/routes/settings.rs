//! `/v1/settings`: the admin settings. `PUT` merges the fields given.

use axum::extract::State;
use axum::Json;
use ferry_core::model::settings::{Settings, SettingsPatch};
use ferry_core::usecases::settings;

use crate::auth::Caller;
use crate::error::{ApiError, ErrorResponse};
use crate::json::ApiJson;
use crate::state::AppState;

/// The current settings (defaults before the first change).
#[utoipa::path(get, path = "/v1/settings", tag = "settings",
    responses(
        (status = 200, description = "The settings", body = Settings),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 403, description = "Not an admin", body = ErrorResponse)))]
pub async fn get_settings(State(state): State<AppState>, Caller(actor): Caller) -> Result<Json<Settings>, ApiError> {
    Ok(Json(settings::get_settings(&state.ports, &actor).await?))
}

/// Changes the fields given and keeps the others.
#[utoipa::path(put, path = "/v1/settings", tag = "settings", request_body = SettingsPatch,
    responses(
        (status = 200, description = "The settings after the change", body = Settings),
        (status = 400, description = "Invalid value", body = ErrorResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorResponse),
        (status = 403, description = "Not an admin", body = ErrorResponse)))]
pub async fn update_settings(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(patch): ApiJson<SettingsPatch>,
) -> Result<Json<Settings>, ApiError> {
    Ok(Json(settings::update_settings(&state.ports, &actor, patch).await?))
}
