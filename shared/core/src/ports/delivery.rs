//! Errors shared by the delivery channel ports (mail, SFTP, webhook).

/// Why one delivery attempt failed. The message is shown to the schedule's
/// owner in the run history, so it never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// The destination resolves to a private, loopback, link-local or
    /// metadata address and `allowPrivateNetworks` is off (`destination_forbidden`).
    #[error("destination_forbidden: {0}")]
    Forbidden(String),
    /// Worth another attempt (connection refused, timeout, 5xx).
    #[error("{0}")]
    Failed(String),
    /// Will fail the same way again (host key mismatch, 4xx, bad credentials).
    #[error("{0}")]
    Rejected(String),
}

impl DeliveryError {
    pub fn retryable(&self) -> bool {
        matches!(self, DeliveryError::Failed(_))
    }
}
