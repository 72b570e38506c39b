//! An AWS SDK error as a `PortError`, the same for every service: the
//! service's own error without the raw response (which can be a whole
//! listing), with the SDK's whole context, and the SDK error kept as the
//! source. Messages name queues, keys and upload ids, never credentials.

use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use ferry_core::PortError;

/// The service's error code (`NoSuchUpload`, `QueueDoesNotExist`, …), when it answered.
pub(crate) fn code<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> Option<&str> {
    match e {
        SdkError::ServiceError(service) => service.err().code(),
        _ => None,
    }
}

/// `service` (`S3`, `SQS`) failing at `what`.
pub(crate) fn service_failure<E, R>(service: &str, what: &str, e: SdkError<E, R>) -> PortError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let message = match &e {
        SdkError::ServiceError(failure) => format!("{service} {what}: {}", DisplayErrorContext(failure.err())),
        other => format!("{service} {what}: {}", DisplayErrorContext(other)),
    };
    PortError::caused(message, e)
}
