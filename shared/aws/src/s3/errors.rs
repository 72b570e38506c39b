//! S3 SDK errors to `PortError`: the error codes Ferry acts on become
//! `NotFound`, the rest `Backend` with the SDK's whole context (service
//! messages name keys and upload ids, never credentials).

use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use ferry_core::PortError;

/// The service's error code (`NoSuchUpload`, `NoSuchKey`, …), when it answered.
pub(crate) fn code<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> Option<&str> {
    match e {
        SdkError::ServiceError(service) => service.err().code(),
        _ => None,
    }
}

/// An upload S3 does not know (aborted, completed, expired by the lifecycle
/// rule): the port's `UploadGone`, on which the worker starts over.
pub(crate) fn is_no_such_upload<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    code(e) == Some("NoSuchUpload")
}

pub(crate) fn unknown_upload(key: &str, upload_id: &str) -> PortError {
    PortError::UploadGone { key: key.to_string(), upload_id: upload_id.to_string() }
}

pub(crate) fn backend<E, R>(what: &str, e: SdkError<E, R>) -> PortError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    // The service's own error without the raw response, which can be a whole listing.
    let message = match &e {
        SdkError::ServiceError(service) => format!("S3 {what}: {}", DisplayErrorContext(service.err())),
        other => format!("S3 {what}: {}", DisplayErrorContext(other)),
    };
    PortError::caused(message, e)
}
