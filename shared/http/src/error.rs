//! `ApiError` and the one place where an error becomes a status, a code and
//! the standard body `{"error": {"code", "message", "details"}}`.
//!
//! `details` is always present (an empty list when there is nothing to say
//! per field), so clients can iterate it without a presence check.
//! Internal text (`PortError`) is logged here and never put in a body.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
pub use ferry_core::model::error_body::{ErrorDetail, ErrorInfo};
use ferry_core::usecases::exports::{export_view, ExportView};
use ferry_core::{CoreError, PortError, Ports};
use ferry_inbound::status::{status_of, NO_SPACE_MESSAGE};
use serde::Serialize;

/// The challenges of a 401: every scheme a key is accepted in (the query
/// parameter has no challenge syntax; the OpenAPI document names it).
pub const WWW_AUTHENTICATE: &str = r#"Bearer realm="ferry", Apikey, Basic realm="ferry""#;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A use case's error; its variant decides the status.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// 409 `export_running`, with the running export when the caller may see it.
    #[error("the report already has an export in progress")]
    ExportRunning(Option<Box<ExportView>>),
    /// 413: the body is over the limit.
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// 415: a body that is not declared as JSON.
    #[error("the request body must be JSON, sent with Content-Type: application/json")]
    UnsupportedMediaType,
    /// 401 for a dashboard session presented to `/v1` without its CSRF
    /// token, or one that expired or lost its key. No `WWW-Authenticate`.
    #[error(
        "the dashboard session is not accepted here: the request needs the page's X-Ferry-Csrf token, or sign in again"
    )]
    SessionRefused,
    /// 404 for a path no route matches.
    #[error("there is no endpoint at {path}")]
    RouteNotFound {
        /// The request path.
        path: String,
    },
    /// 405 for a known path with a method it does not serve.
    #[error("{method} is not allowed on {path}")]
    MethodNotAllowed {
        /// The request method.
        method: String,
        /// The request path.
        path: String,
    },
}

impl ApiError {
    /// Converts a use case's error, building the running export's view for a
    /// 409 `export_running` (that needs the ports: links are absolute).
    pub fn from_core(ports: &Ports, err: CoreError) -> Self {
        match err {
            CoreError::ExportRunning { running } => {
                ApiError::ExportRunning(running.map(|e| Box::new(export_view(ports, &e))))
            }
            other => ApiError::Core(other),
        }
    }

    /// A 400 `invalid_request` naming one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Core(CoreError::invalid(field, message))
    }

    /// Status and machine-readable code; a use case's error takes both from
    /// the map the pages use too.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::Core(e) => status_of(e),
            ApiError::ExportRunning(_) => (StatusCode::CONFLICT, "export_running"),
            ApiError::SessionRefused => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::PayloadTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::UnsupportedMediaType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            ApiError::RouteNotFound { .. } => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::MethodNotAllowed { .. } => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        }
    }

    /// The human sentence of the body. Never internal text.
    fn public_message(&self) -> String {
        match self {
            ApiError::Core(CoreError::Unauthorized) => {
                "a valid API key is required: send it as `Authorization: Bearer KEY`, \
                 `Authorization: Apikey KEY`, HTTP Basic with user `apikey`, or the query parameter `apikey`"
                    .into()
            }
            ApiError::Core(CoreError::NotReady { retry_after_secs }) => {
                format!("the export is not finished yet; try again in {retry_after_secs} seconds")
            }
            ApiError::Core(CoreError::Port(PortError::NoSpace(_))) => NO_SPACE_MESSAGE.into(),
            ApiError::Core(CoreError::Port(_)) => "an internal error occurred; please try again later".into(),
            other => other.to_string(),
        }
    }

    fn details(&self) -> Vec<ErrorDetail> {
        match self {
            ApiError::Core(CoreError::Invalid { details, .. }) => details.iter().map(ErrorDetail::from).collect(),
            _ => Vec::new(),
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::Core(CoreError::TooManyRequests { retry_after_secs, .. })
            | ApiError::Core(CoreError::NotReady { retry_after_secs }) => Some(*retry_after_secs),
            _ => None,
        }
    }
}

/// The body of every 4xx/5xx answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorResponse {
    /// What went wrong.
    pub error: ErrorInfo,
    /// Only on 409 `export_running`: the export already in progress (left
    /// out when the caller may not see it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export: Option<ExportView>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let self_is_session = matches!(self, ApiError::SessionRefused);
        if let ApiError::Core(CoreError::Port(source)) = &self {
            // The only trace of the real cause: the client gets a generic sentence.
            tracing::error!(error = %source, "request failed in an adapter");
        }
        let error = ErrorInfo { code: code.to_string(), message: self.public_message(), details: self.details() };
        let retry_after = self.retry_after();
        let export = match self {
            ApiError::ExportRunning(view) => view.map(|v| *v),
            _ => None,
        };
        let mut response = (status, Json(ErrorResponse { error, export })).into_response();
        let headers = response.headers_mut();
        if status == StatusCode::UNAUTHORIZED && !self_is_session {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(WWW_AUTHENTICATE));
        }
        if let Some(secs) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;
