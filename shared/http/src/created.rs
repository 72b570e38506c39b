//! The answer of a create: 201 with the new resource's absolute `Location`.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::state::AppState;

/// 201 Created with an absolute `Location` of the new resource.
pub(crate) fn created<T: Serialize>(state: &AppState, location_path: &str, body: T) -> Response {
    (StatusCode::CREATED, [(header::LOCATION, state.url(location_path))], Json(body)).into_response()
}
