//! SQS SDK errors to `PortError` (`crate::sdk_errors`, named SQS).

use aws_sdk_sqs::error::SdkError;
use ferry_core::PortError;

pub(crate) use crate::sdk_errors::code;

pub(crate) fn backend<E, R>(what: &str, e: SdkError<E, R>) -> PortError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    crate::sdk_errors::service_failure("SQS", what, e)
}
