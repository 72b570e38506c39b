//! Contract of the `WebhookClient` port, run against its adapter with a real
//! HTTP receiver as the peer: a 2xx takes the whole body, streamed (chunked)
//! and byte-identical, with every header given; 5xx and 429 are worth
//! another attempt, every other status (a redirect too: none is followed)
//! is refused; a loopback address is forbidden unless private networks are
//! allowed, and then nothing is sent.

use async_trait::async_trait;
use bytes::Bytes;

use crate::ports::delivery::DeliveryError;
use crate::ports::file_store::ByteStream;
use crate::ports::webhook_client::{WebhookClient, WebhookRequest};

/// One POST the receiver got.
#[derive(Debug, Clone)]
pub struct ReceivedPost {
    /// The path the POST went to.
    pub path: String,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl ReceivedPost {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// An HTTP receiver on 127.0.0.1.
#[async_trait]
pub trait WebhookPeer: Send + Sync {
    /// The URL of a path that answers `status` (a 3xx with a `Location` to
    /// another path of the receiver).
    fn url_answering(&self, status: u16) -> String;
    /// Every POST received so far, oldest first.
    async fn received(&self) -> Vec<ReceivedPost>;
}

fn body() -> Vec<u8> {
    (0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect()
}

/// The body in uneven chunks, as an export's file arrives.
fn stream(data: &[u8]) -> ByteStream {
    let chunks: Vec<Result<Bytes, crate::PortError>> =
        data.chunks(65_537).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
    Box::pin(futures::stream::iter(chunks))
}

fn request(url: String, allow_private_networks: bool) -> WebhookRequest {
    let headers = vec![
        ("Content-Type".to_string(), "text/csv; charset=utf-8".to_string()),
        ("X-Ferry-Event".to_string(), "export.completed".to_string()),
        ("Authorization".to_string(), "Bearer contract-token".to_string()),
    ];
    WebhookRequest { url, headers, allow_private_networks }
}

/// Checks every `WebhookClient` promise against a receiver on 127.0.0.1.
pub async fn webhook_client_conformance(client: &dyn WebhookClient, peer: &dyn WebhookPeer) {
    let data = body();
    let sent = client.post(&request(peer.url_answering(204), true), stream(&data)).await.expect("a 204 takes the file");
    assert_eq!(sent.bytes, data.len() as u64, "the bytes sent are the body's");
    assert!(sent.answer.contains("204"), "the answer names the status: {}", sent.answer);
    let got = peer.received().await;
    assert_eq!(got.len(), 1, "one POST for one call");
    assert_eq!(got[0].body, data, "the body arrives byte for byte");
    assert_eq!(got[0].header("content-length"), None, "streamed, not sized");
    assert_eq!(got[0].header("transfer-encoding"), Some("chunked"), "streamed in chunks");
    assert_eq!(got[0].header("x-ferry-event"), Some("export.completed"), "every header given arrives");
    assert_eq!(got[0].header("authorization"), Some("Bearer contract-token"));
    assert_eq!(got[0].header("content-type"), Some("text/csv; charset=utf-8"));

    for status in [500, 503, 429] {
        let err = client.post(&request(peer.url_answering(status), true), stream(b"x")).await.expect_err("an error");
        assert!(err.retryable(), "{status} is worth another attempt: {err:?}");
    }
    for status in [400, 401, 404, 410, 302] {
        let err = client.post(&request(peer.url_answering(status), true), stream(b"x")).await.expect_err("an error");
        assert!(matches!(err, DeliveryError::Rejected(_)), "{status} is refused for good: {err:?}");
    }
    let posts = peer.received().await.len();
    assert_eq!(posts, 9, "one POST per call, and a redirect is not followed");

    let err = client.post(&request(peer.url_answering(204), false), stream(b"x")).await.expect_err("forbidden");
    assert!(matches!(err, DeliveryError::Forbidden(_)), "a loopback address while private networks are off: {err:?}");
    assert_eq!(peer.received().await.len(), posts, "nothing is sent to a forbidden address");
}
