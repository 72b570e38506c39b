//! The status of each core error: the one map both driving adapters answer
//! by. The API puts a JSON body with the code under it, the pages an HTML
//! page in the person's frame; neither decides a status of its own.

use axum::http::StatusCode;
use ferry_core::{CoreError, PortError};

/// The HTTP status and machine-readable code of a use case's error.
pub fn status_of(error: &CoreError) -> (StatusCode, &'static str) {
    match error {
        CoreError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
        CoreError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
        CoreError::NotFound { .. } => (StatusCode::NOT_FOUND, "not_found"),
        CoreError::Invalid { .. } => (StatusCode::BAD_REQUEST, "invalid_request"),
        CoreError::Conflict { code, .. } => (StatusCode::CONFLICT, code),
        CoreError::ExportRunning { .. } => (StatusCode::CONFLICT, "export_running"),
        CoreError::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
        CoreError::NotReady { .. } => (StatusCode::SERVICE_UNAVAILABLE, "export_not_ready"),
        CoreError::Gone(_) => (StatusCode::GONE, "gone"),
        CoreError::ExportFailed(_) => (StatusCode::INTERNAL_SERVER_ERROR, "export_failed"),
        // A cursor the store did not make is the client's mistake (a stale link).
        CoreError::Port(PortError::BadCursor) => (StatusCode::BAD_REQUEST, "invalid_request"),
        CoreError::Port(PortError::NoSpace(_)) => (StatusCode::INSUFFICIENT_STORAGE, "insufficient_storage"),
        CoreError::Port(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    }
}

/// The sentence for a full disk, the same on both adapters.
pub const NO_SPACE_MESSAGE: &str = "Ferry's storage is full, so nothing was saved; an admin must free some space";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_507_and_a_bad_cursor_400() {
        let full = CoreError::Port(PortError::NoSpace("disk full".into()));
        assert_eq!(status_of(&full), (StatusCode::INSUFFICIENT_STORAGE, "insufficient_storage"));
        assert_eq!(status_of(&CoreError::Port(PortError::BadCursor)).0, StatusCode::BAD_REQUEST);
    }
}
