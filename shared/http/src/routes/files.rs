//! `GET /v1/files/{token}`: a link destination's download link. It needs no
//! API key (the token is the credential) and redirects to a fresh
//! short-lived signed URL of the file, for the file's whole retention.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use ferry_core::usecases::deliveries::links;

use crate::error::{ApiError, ErrorResponse};
use crate::params::PathId;
use crate::state::AppState;

/// Redirects a download link to a short-lived signed URL of its file.
#[utoipa::path(get, path = "/v1/files/{token}", tag = "files", security(()),
    params(("token" = String, Path, description = "The link's token")),
    responses(
        (status = 302, description = "Redirect to the file",
            headers(("Location" = String, description = "Signed URL of the file"))),
        (status = 404, description = "No such link", body = ErrorResponse),
        (status = 410, description = "The file is past its retention", body = ErrorResponse)))]
pub async fn open_file_link(State(state): State<AppState>, PathId(token): PathId) -> Result<Response, ApiError> {
    let url = links::open_link(&state.ports, &token).await?;
    // The signed URL expires soon: no cache may keep the redirect.
    Ok((StatusCode::FOUND, [(header::LOCATION, url), (header::CACHE_CONTROL, "no-store".to_string())]).into_response())
}
