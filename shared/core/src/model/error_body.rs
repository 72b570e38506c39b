//! The one shape of every error answer, `{"error": {"code", "message",
//! "details": [{"field", "message"}]}}`, for every adapter that answers HTTP
//! (the API router, the local runtime's signed file URLs), so none can drift.
//! `details` is always present (an empty list when there is nothing to say
//! per field), so clients can iterate it without a presence check.

use serde::Serialize;

use crate::error::FieldError;

/// The body of an error answer that carries nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorInfo,
}

/// Code, sentence and per-field details of an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ErrorInfo {
    /// Stable snake_case code, e.g. `invalid_request`, `export_running`.
    pub code: String,
    /// A sentence for a person.
    pub message: String,
    /// One entry per invalid field; always present, possibly empty.
    pub details: Vec<ErrorDetail>,
}

/// A problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// JSON path of the field as sent, e.g. `formatOptions.delimiter`, `columns[0].header`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl ErrorInfo {
    /// An error about no field in particular.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorInfo { code: code.into(), message: message.into(), details: Vec::new() }
    }
}

impl ErrorBody {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorBody { error: ErrorInfo::new(code, message) }
    }
}

impl From<&FieldError> for ErrorDetail {
    fn from(f: &FieldError) -> Self {
        ErrorDetail { field: f.field.clone(), message: f.message.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_without_fields_still_has_an_empty_details_list() {
        let body = serde_json::to_value(ErrorBody::new("file_gone", "gone")).unwrap();
        assert_eq!(body, serde_json::json!({"error": {"code": "file_gone", "message": "gone", "details": []}}));
    }
}
