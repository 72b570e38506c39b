//! S3 SDK errors to `PortError`: the error codes Ferry acts on become
//! `NotFound`, the rest `Backend` with the SDK's whole context (service
//! messages name keys and upload ids, never credentials).

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use ferry_core::PortError;

pub(crate) use crate::sdk_errors::code;

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
    crate::sdk_errors::service_failure("S3", what, e)
}
