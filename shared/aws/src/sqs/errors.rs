//! SQS SDK errors to `PortError`, with the SDK's whole context (messages
//! name queues and receipts, never credentials).

use aws_sdk_sqs::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use ferry_core::PortError;

/// The service's error code, when it answered.
pub(crate) fn code<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> Option<&str> {
    match e {
        SdkError::ServiceError(service) => service.err().code(),
        _ => None,
    }
}

pub(crate) fn backend<E, R>(what: &str, e: SdkError<E, R>) -> PortError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    // The service's own error without the raw response.
    match e {
        SdkError::ServiceError(service) => {
            PortError::backend(format!("SQS {what}: {}", DisplayErrorContext(service.err())))
        }
        other => PortError::backend(format!("SQS {what}: {}", DisplayErrorContext(&other))),
    }
}
