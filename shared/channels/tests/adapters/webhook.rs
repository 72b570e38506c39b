//! ReqwestWebhookClient against an axum receiver that records what arrived.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use ferry_channels::{ReqwestWebhookClient, Timeouts};
use ferry_core::conformance::webhook_client::{webhook_client_conformance, ReceivedPost, WebhookPeer};
use ferry_core::ports::delivery::DeliveryError;
use ferry_core::ports::webhook_client::{WebhookClient, WebhookRequest};

use crate::peers::{data, failing_stream, sha256, stream};

#[derive(Debug, Clone)]
struct Received {
    method: Method,
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// Streamed, not sized: no Content-Length, chunked transfer encoding.
    fn was_chunked(&self) -> bool {
        self.header("content-length").is_none() && self.header("transfer-encoding") == Some("chunked")
    }
}

type Log = Arc<Mutex<Vec<Received>>>;

struct Receiver {
    port: u16,
    log: Log,
}

impl Receiver {
    /// `/ok` 204, `/status/{code}` answers that code (302 with a Location to
    /// `/ok`), `/hang` never answers.
    async fn start() -> Receiver {
        let log: Log = Arc::default();
        let app = Router::new()
            .route(
                "/ok",
                post(|State(log): State<Log>, method: Method, headers: HeaderMap, body: Bytes| async move {
                    record(&log, method, "/ok".into(), headers, body);
                    StatusCode::NO_CONTENT
                }),
            )
            .route("/status/{code}", post(status))
            .route("/hang", post(futures::future::pending::<StatusCode>))
            // Exports are larger than axum's 2 MB default.
            .layer(DefaultBodyLimit::disable())
            .with_state(log.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { port, log }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn received(&self) -> Vec<Received> {
        self.log.lock().unwrap().clone()
    }
}

fn record(log: &Log, method: Method, path: String, headers: HeaderMap, body: Bytes) {
    log.lock().unwrap().push(Received { method, path, headers, body });
}

async fn status(
    State(log): State<Log>,
    Path(code): Path<u16>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&log, method, format!("/status/{code}"), headers, body);
    let status = StatusCode::from_u16(code).unwrap();
    if status.is_redirection() {
        return (status, [("location", "/ok")]).into_response();
    }
    status.into_response()
}

fn request(url: String, allow_private_networks: bool) -> WebhookRequest {
    WebhookRequest {
        url,
        headers: vec![
            ("User-Agent".into(), "Ferry/0.1.0".into()),
            ("Content-Type".into(), "text/csv; charset=utf-8".into()),
            ("Content-Disposition".into(), "attachment; filename=\"weekly.csv\"".into()),
            ("X-Ferry-Schedule-Id".into(), "sch_1".into()),
            ("X-Custom".into(), "one".into()),
            ("X-Custom".into(), "two".into()),
            ("Authorization".into(), "Bearer tok-123".into()),
        ],
        allow_private_networks,
    }
}

#[tokio::test]
async fn the_file_arrives_chunked_with_every_header_given() {
    let receiver = Receiver::start().await;
    let body = data(3 * 1024 * 1024 + 5, 10);

    let sent = ReqwestWebhookClient::new().post(&request(receiver.url("/ok"), true), stream(&body)).await.unwrap();

    assert_eq!(sent.bytes, body.len() as u64);
    assert_eq!(sent.answer, "HTTP 204 No Content", "the receiver's own status, for the history");
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let got = &received[0];
    assert_eq!(got.method, Method::POST);
    assert!(got.was_chunked(), "{:?}", got.headers);
    assert_eq!(sha256(&got.body), sha256(&body));
    assert_eq!(got.header("user-agent"), Some("Ferry/0.1.0"));
    assert_eq!(got.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(got.header("content-disposition"), Some("attachment; filename=\"weekly.csv\""));
    assert_eq!(got.header("x-ferry-schedule-id"), Some("sch_1"));
    assert_eq!(got.header("authorization"), Some("Bearer tok-123"));
    let custom: Vec<_> = got.headers.get_all("x-custom").iter().map(|v| v.to_str().unwrap()).collect();
    assert_eq!(custom, ["one", "two"]);
}

#[tokio::test]
async fn an_empty_file_is_still_a_chunked_post() {
    let receiver = Receiver::start().await;
    let sent = ReqwestWebhookClient::new().post(&request(receiver.url("/ok"), true), stream(b"")).await.unwrap();
    assert_eq!(sent.bytes, 0);
    let got = &receiver.received()[0];
    assert!(got.body.is_empty());
    assert!(got.header("content-length").is_none_or(|v| v == "0"), "{:?}", got.headers);
}

#[tokio::test]
async fn a_500_or_429_is_a_retryable_failure_naming_the_status() {
    let receiver = Receiver::start().await;
    for (code, text) in
        [(500, "500 Internal Server Error"), (503, "503 Service Unavailable"), (429, "429 Too Many Requests")]
    {
        let req = request(receiver.url(&format!("/status/{code}")), true);
        let err = ReqwestWebhookClient::new().post(&req, stream(&data(1000, 11))).await.unwrap_err();
        assert_eq!(err, DeliveryError::Failed(format!("the webhook at 127.0.0.1 answered HTTP {text}")));
    }
    assert_eq!(receiver.received().len(), 3);
}

#[tokio::test]
async fn a_302_is_not_followed_and_rejected() {
    let receiver = Receiver::start().await;

    let err = ReqwestWebhookClient::new()
        .post(&request(receiver.url("/status/302"), true), stream(b"a,b\n"))
        .await
        .unwrap_err();

    assert_eq!(
        err,
        DeliveryError::Rejected("the webhook at 127.0.0.1 answered HTTP 302 Found (redirects are not followed)".into())
    );
    let paths: Vec<_> = receiver.received().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/status/302"], "the redirect target /ok was never called");
}

#[tokio::test]
async fn a_404_is_rejected() {
    let receiver = Receiver::start().await;
    let err =
        ReqwestWebhookClient::new().post(&request(receiver.url("/status/404"), true), stream(b"x")).await.unwrap_err();
    assert_eq!(err, DeliveryError::Rejected("the webhook at 127.0.0.1 answered HTTP 404 Not Found".into()));
}

#[tokio::test]
async fn private_loopback_and_metadata_destinations_are_refused_while_private_networks_are_off() {
    let receiver = Receiver::start().await;
    let port = receiver.port;
    for (url, why) in [
        (format!("http://127.0.0.1:{port}/ok"), "127.0.0.1 is a loopback address".to_owned()),
        ("http://10.0.0.1/hook".into(), "10.0.0.1 is a private network address".into()),
        ("http://169.254.169.254/latest/meta-data/".into(), "169.254.169.254 is a cloud metadata address".into()),
        (format!("https://[::1]:{port}/ok"), "::1 is a loopback address".into()),
    ] {
        let err = ReqwestWebhookClient::new().post(&request(url.clone(), false), stream(b"x")).await.unwrap_err();
        assert_eq!(err, DeliveryError::Forbidden(why), "{url}");
    }
    // A name is checked on what it resolves to.
    let url = format!("http://localhost:{port}/ok");
    let err = ReqwestWebhookClient::new().post(&request(url, false), stream(b"x")).await.unwrap_err();
    let DeliveryError::Forbidden(why) = &err else { panic!("{err:?}") };
    assert_eq!(why, "localhost resolves to a loopback address", "the address itself is not told");
    assert_eq!(err.to_string(), format!("destination_forbidden: {why}"));
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn with_private_networks_allowed_a_name_reaches_its_checked_address() {
    let receiver = Receiver::start().await;
    let url = format!("http://localhost:{}/ok", receiver.port);

    ReqwestWebhookClient::new().post(&request(url, true), stream(b"x")).await.unwrap();

    let got = &receiver.received()[0];
    assert_eq!(got.header("host"), Some(format!("localhost:{}", receiver.port).as_str()));
}

#[tokio::test]
async fn a_closed_port_is_a_retryable_failure() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/hook?token=abc");

    let err = ReqwestWebhookClient::new().post(&request(url, true), stream(b"x")).await.unwrap_err();

    let DeliveryError::Failed(why) = &err else { panic!("{err:?}") };
    assert!(why.starts_with("could not connect to the webhook at 127.0.0.1: "), "{why}");
    assert!(!why.contains("token"), "the URL's query stays out of messages: {why}");
}

#[tokio::test]
async fn a_receiver_that_never_answers_times_out_as_a_failure() {
    let receiver = Receiver::start().await;
    let timeouts = Timeouts { connect: Duration::from_secs(5), total: Duration::from_millis(300) };

    let err = ReqwestWebhookClient::with_timeouts(timeouts)
        .post(&request(receiver.url("/hang"), true), stream(b"x"))
        .await
        .unwrap_err();

    assert_eq!(err, DeliveryError::Failed("the webhook at 127.0.0.1 timed out after 300 ms".into()));
}

#[tokio::test]
async fn a_file_that_cannot_be_read_fails_the_attempt() {
    let receiver = Receiver::start().await;
    let err = ReqwestWebhookClient::new()
        .post(&request(receiver.url("/ok"), true), failing_stream(&data(5000, 12)))
        .await
        .unwrap_err();
    assert_eq!(err, DeliveryError::Failed("reading the file to deliver failed".into()));
}

#[tokio::test]
async fn urls_that_are_not_http_and_framing_headers_are_rejected() {
    for url in ["ftp://example.org/x", "file:///etc/passwd", "not a url"] {
        let err = ReqwestWebhookClient::new().post(&request(url.into(), true), stream(b"x")).await.unwrap_err();
        assert!(matches!(err, DeliveryError::Rejected(_)), "{url}: {err:?}");
    }
    let mut req = request("http://127.0.0.1:9/x".into(), true);
    req.headers.push(("Content-Length".into(), "1".into()));
    let err = ReqwestWebhookClient::new().post(&req, stream(b"x")).await.unwrap_err();
    assert_eq!(err, DeliveryError::Rejected("the header content-length cannot be set".into()));
}

#[async_trait::async_trait]
impl WebhookPeer for Receiver {
    fn url_answering(&self, status: u16) -> String {
        self.url(&format!("/status/{status}"))
    }

    async fn received(&self) -> Vec<ReceivedPost> {
        Receiver::received(self)
            .into_iter()
            .map(|r| ReceivedPost {
                path: r.path,
                headers: r
                    .headers
                    .iter()
                    .map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or_default().to_string()))
                    .collect(),
                body: r.body.to_vec(),
            })
            .collect()
    }
}

#[tokio::test]
async fn the_reqwest_client_keeps_the_webhook_contract() {
    let receiver = Receiver::start().await;
    webhook_client_conformance(&ReqwestWebhookClient::new(), &receiver).await;
}
