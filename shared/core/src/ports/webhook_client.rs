//! The webhook port: one HTTP POST with the file streamed as the body.

use async_trait::async_trait;

use super::delivery::{DeliveryError, Sent};
use super::file_store::ByteStream;

/// Its `Debug` shows header names only: values may be secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookRequest {
    pub url: String,
    /// Every header to send, in order (the use case builds Ferry's own).
    pub headers: Vec<(String, String)>,
    pub allow_private_networks: bool,
}

impl std::fmt::Debug for WebhookRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("WebhookRequest")
            .field("url", &"***")
            .field("headers", &names)
            .field("allow_private_networks", &self.allow_private_networks)
            .finish()
    }
}

#[async_trait]
pub trait WebhookClient: Send + Sync {
    /// POSTs `body` with `Transfer-Encoding: chunked`, following no redirect.
    /// Any 2xx is Ok with the bytes sent and the status (`HTTP 200 OK`); other statuses are errors (5xx and
    /// 429 `Failed`, others `Rejected`). The host is resolved once, checked
    /// (unless private networks are allowed), and that address is connected to.
    async fn post(&self, request: &WebhookRequest, body: ByteStream) -> Result<Sent, DeliveryError>;
}
