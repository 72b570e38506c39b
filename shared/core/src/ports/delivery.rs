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

/// What a channel's peer answered to a file it took: shown with the attempt
/// in the history and by `Send test` (`HTTP 200 OK`, the SMTP server's
/// reply, where SFTP or S3 put the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// Bytes of the file sent; 0 when the file itself was not sent (a link).
    pub bytes: u64,
    /// The answer in the peer's own words, never a secret.
    pub answer: String,
}
