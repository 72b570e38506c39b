//! The webhook channel: one POST whose body is the file, streamed from the
//! file store with `Transfer-Encoding: chunked` (never held in memory).
//!
//! The SSRF guard decides where the request goes: the host is resolved once,
//! checked, and the client is pinned to exactly those addresses
//! (`resolve_to_addrs`), with proxies off (a proxy would resolve the name
//! again) and redirects off (a redirect could point anywhere). A client is
//! built per request for that pinning; next to streaming an export, its cost
//! does not show.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use ferry_core::model::network::literal_ip;
use ferry_core::ports::delivery::{DeliveryError, Sent};
use ferry_core::ports::file_store::ByteStream;
use ferry_core::ports::webhook_client::{WebhookClient, WebhookRequest};
use futures::StreamExt;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_LENGTH, TRANSFER_ENCODING};
use reqwest::{redirect, StatusCode, Url};

use crate::network_guard::resolve_checked;
use crate::timeouts::{describe, Timeouts};

#[derive(Debug, Clone, Default)]
pub struct ReqwestWebhookClient {
    timeouts: Timeouts,
}

impl ReqwestWebhookClient {
    /// With the default timeouts (10 s to resolve and connect, 10 min in all).
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_timeouts(timeouts: Timeouts) -> Self {
        ReqwestWebhookClient { timeouts }
    }
}

#[async_trait]
impl WebhookClient for ReqwestWebhookClient {
    async fn post(&self, request: &WebhookRequest, body: ByteStream) -> Result<Sent, DeliveryError> {
        // The URL's path and query may carry a token: messages name the host only.
        let url = Url::parse(&request.url)
            .map_err(|_| DeliveryError::Rejected("the webhook URL is not a valid URL".into()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(DeliveryError::Rejected("the webhook URL must be http or https".into()));
        }
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
            return Err(DeliveryError::Rejected("the webhook URL has no host".into()));
        };
        let host = host.to_owned();
        let headers = header_map(&request.headers)?;

        let addrs = resolve_checked(&host, port, request.allow_private_networks, self.timeouts.connect).await?;
        let mut builder = reqwest::Client::builder()
            .redirect(redirect::Policy::none())
            .no_proxy()
            .connect_timeout(self.timeouts.connect)
            .timeout(self.timeouts.total);
        // An IP literal is connected to as written; a name is pinned to the
        // addresses just checked.
        if literal_ip(&host).is_none() {
            builder = builder.resolve_to_addrs(&host, &addrs);
        }
        let client = builder
            .build()
            .map_err(|e| DeliveryError::Failed(format!("could not set up the HTTP client: {}", e.without_url())))?;

        let (body, sent, source_failed) = counted(body);
        let response = client.post(url).headers(headers).body(body).send().await;
        let sent = sent.load(Ordering::Relaxed);
        match response {
            Ok(response) => outcome(&host, response.status(), sent),
            Err(_) if source_failed.load(Ordering::Relaxed) => {
                Err(DeliveryError::Failed("reading the file to deliver failed".into()))
            }
            Err(e) => Err(transport_error(&host, &e, self.timeouts)),
        }
    }
}

/// The caller's headers in order. Framing headers are refused: the body is
/// chunked, and a `Content-Length` beside it would be a request smuggling
/// vector. Values are secrets (tokens): errors name the header only.
fn header_map(headers: &[(String, String)]) -> Result<HeaderMap, DeliveryError> {
    let mut map = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| DeliveryError::Rejected(format!("invalid header name {name:?}")))?;
        if name == CONTENT_LENGTH || name == TRANSFER_ENCODING {
            return Err(DeliveryError::Rejected(format!("the header {name} cannot be set")));
        }
        let mut value = HeaderValue::from_str(value)
            .map_err(|_| DeliveryError::Rejected(format!("the value of header {name} is not a valid header value")))?;
        value.set_sensitive(true);
        map.append(name, value);
    }
    Ok(map)
}

/// The body as reqwest wants it, plus the count of bytes handed to the
/// connection and whether reading the file (not the network) failed.
fn counted(body: ByteStream) -> (reqwest::Body, Arc<AtomicU64>, Arc<AtomicBool>) {
    let sent = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicBool::new(false));
    let (count, flag) = (sent.clone(), failed.clone());
    let stream = body.map(move |chunk| match chunk {
        Ok(bytes) => {
            count.fetch_add(bytes.len() as u64, Ordering::Relaxed);
            Ok(bytes)
        }
        Err(e) => {
            // PortError text is for logs only.
            tracing::warn!(error = %e, "reading the file to post failed");
            flag.store(true, Ordering::Relaxed);
            Err(std::io::Error::other("reading the file to deliver failed"))
        }
    });
    (reqwest::Body::wrap_stream(stream), sent, failed)
}

/// 2xx delivered; 429 and 5xx say "later"; any other answer, a redirect
/// included, will be the same next time.
fn outcome(host: &str, status: StatusCode, sent: u64) -> Result<Sent, DeliveryError> {
    if status.is_success() {
        return Ok(Sent { bytes: sent, answer: format!("HTTP {status}") });
    }
    let text = format!("the webhook at {host} answered HTTP {status}");
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        Err(DeliveryError::Failed(text))
    } else if status.is_redirection() {
        Err(DeliveryError::Rejected(format!("{text} (redirects are not followed)")))
    } else {
        Err(DeliveryError::Rejected(text))
    }
}

fn transport_error(host: &str, e: &reqwest::Error, timeouts: Timeouts) -> DeliveryError {
    if e.is_timeout() {
        let limit = if e.is_connect() { timeouts.connect } else { timeouts.total };
        return DeliveryError::Failed(format!("the webhook at {host} timed out after {}", describe(limit)));
    }
    // The innermost cause ("Connection refused") says most; reqwest's own
    // text would repeat the URL.
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    if e.is_connect() {
        DeliveryError::Failed(format!("could not connect to the webhook at {host}: {cause}"))
    } else {
        DeliveryError::Failed(format!("the webhook request to {host} failed: {cause}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_delivered_retry_or_give_up() {
        assert_eq!(
            outcome("h", StatusCode::NO_CONTENT, 7),
            Ok(Sent { bytes: 7, answer: "HTTP 204 No Content".into() })
        );
        for status in [500, 502, 503, 429] {
            let err = outcome("h", StatusCode::from_u16(status).unwrap(), 0).unwrap_err();
            assert!(err.retryable(), "{status}");
        }
        for status in [400, 401, 403, 404, 410, 302, 307] {
            let err = outcome("h", StatusCode::from_u16(status).unwrap(), 0).unwrap_err();
            assert!(!err.retryable(), "{status}");
        }
        let err = outcome("hooks.example.org", StatusCode::FOUND, 0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the webhook at hooks.example.org answered HTTP 302 Found (redirects are not followed)"
        );
    }

    #[test]
    fn bad_headers_are_refused_without_echoing_the_value() {
        let err = header_map(&[("X-Token".into(), "secret\nvalue".into())]).unwrap_err();
        assert_eq!(err, DeliveryError::Rejected("the value of header x-token is not a valid header value".into()));
        let err = header_map(&[("Content-Length".into(), "3".into())]).unwrap_err();
        assert!(matches!(err, DeliveryError::Rejected(_)));
        let err = header_map(&[("Bad Name".into(), "v".into())]).unwrap_err();
        assert_eq!(err, DeliveryError::Rejected("invalid header name \"Bad Name\"".into()));
        let map = header_map(&[("X-A".into(), "1".into()), ("x-a".into(), "2".into())]).unwrap();
        assert_eq!(map.get_all("x-a").iter().collect::<Vec<_>>(), ["1", "2"]);
    }
}
