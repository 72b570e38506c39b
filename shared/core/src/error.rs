//! Typed errors of the core. The HTTP layer maps each variant to one status in
//! one place; internal text (`PortError`) never reaches a response body.

use crate::model::export::Export;

/// A problem with one input field, named by its JSON path (`recurrence.timezone`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// The cause of a backend failure, kept for the logs at the edges.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Failure of an adapter (database, file system, queue, object store). The
/// variants are what callers branch on; their text is for logs only. Each
/// port method's documentation says which variants it returns besides
/// `Backend` and `NoSpace`, and the conformance suites check it.
#[derive(Debug, thiserror::Error)]
pub enum PortError {
    /// The thing the call names does not exist (any more).
    #[error("not found: {0}")]
    NotFound(String),
    /// A multipart upload the store no longer has (aborted, completed,
    /// expired or never begun): the caller starts its file again.
    #[error("upload {upload_id} of {key} is gone")]
    UploadGone { key: String, upload_id: String },
    /// A page cursor that this list, with these parameters, did not make:
    /// the client's mistake, not the store's.
    #[error("not a cursor of this list")]
    BadCursor,
    /// A write that would break a uniqueness rule, or that kept losing to
    /// concurrent writers; nothing was written.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The storage has no room left (a full disk): trying again will not
    /// help until space is freed, so an export fails at once instead.
    #[error("out of space: {0}")]
    NoSpace(String),
    /// Anything else the backend answered, with its cause.
    #[error("backend failure: {source}")]
    Backend { source: BoxError },
}

impl PortError {
    /// A backend failure caused by `e` (an SDK or driver error, or a message).
    pub fn backend(e: impl Into<BoxError>) -> Self {
        PortError::Backend { source: e.into() }
    }

    /// A backend failure while doing `context` (what Ferry was doing, e.g.
    /// "opening /data/ferry.db"): the text reads "context: cause", and the
    /// cause stays reachable as the error's source.
    pub fn backend_in(context: impl std::fmt::Display, e: impl std::error::Error + Send + Sync + 'static) -> Self {
        PortError::caused(format!("{context}: {e}"), e)
    }

    /// A backend failure told as `message` (for SDK errors whose own text is
    /// terse, the caller renders the whole chain), caused by `e`, kept as the
    /// source.
    pub fn caused(message: impl Into<String>, e: impl std::error::Error + Send + Sync + 'static) -> Self {
        PortError::Backend { source: Box::new(Caused { message: message.into(), source: Box::new(e) }) }
    }

    /// An I/O error, a full disk told apart from the rest.
    pub fn from_io(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => PortError::NoSpace(e.to_string()),
            _ => PortError::backend(e),
        }
    }
}

/// A backend failure's message with the error that caused it.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Caused {
    message: String,
    #[source]
    source: BoxError,
}

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("missing or invalid API key")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{what} {id} was not found")]
    NotFound { what: &'static str, id: String },
    #[error("{message}")]
    Invalid { message: String, details: Vec<FieldError> },
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("report already has an export in progress")]
    ExportRunning { running: Option<Box<Export>> },
    #[error("{message}")]
    TooManyRequests { message: String, retry_after_secs: u64 },
    #[error("the export is not finished yet")]
    NotReady { retry_after_secs: u64 },
    #[error("{0}")]
    Gone(String),
    #[error("{0}")]
    ExportFailed(String),
    #[error("internal error")]
    Port(#[from] PortError),
}

impl CoreError {
    pub fn not_found(what: &'static str, id: impl Into<String>) -> Self {
        CoreError::NotFound { what, id: id.into() }
    }

    /// One invalid field: the message names it.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let message = message.into();
        CoreError::Invalid { message: format!("{field}: {message}"), details: vec![FieldError { field, message }] }
    }

    pub fn invalid_fields(details: Vec<FieldError>) -> Self {
        let message = details.iter().map(|d| format!("{}: {}", d.field, d.message)).collect::<Vec<_>>().join("; ");
        CoreError::Invalid { message, details }
    }
}

impl From<FieldError> for CoreError {
    fn from(e: FieldError) -> Self {
        CoreError::invalid_fields(vec![e])
    }
}

pub type CoreResult<T> = Result<T, CoreError>;

#[cfg(test)]
mod tests {
    use std::error::Error;

    use super::PortError;

    #[test]
    fn a_backend_failure_in_context_keeps_its_cause_as_the_source() {
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        let e = PortError::backend_in("opening /data/ferry.db", io);
        assert_eq!(e.to_string(), "backend failure: opening /data/ferry.db: denied");
        let caused = e.source().expect("the context");
        let cause = caused.source().expect("the cause");
        assert_eq!(
            cause.downcast_ref::<std::io::Error>().map(|e| e.kind()),
            Some(std::io::ErrorKind::PermissionDenied)
        );
    }
}
