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
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    // The service's own error without the raw response.
    let message = match &e {
        SdkError::ServiceError(service) => format!("SQS {what}: {}", DisplayErrorContext(service.err())),
        other => format!("SQS {what}: {}", DisplayErrorContext(other)),
    };
    PortError::caused(message, e)
}
