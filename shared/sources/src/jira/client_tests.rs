//! `JiraClient` against a canned HTTP peer on loopback: retries of 429/503
//! with `Retry-After` and of 5xx, errors naming Jira's answer, no redirects,
//! and basic auth on every request.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;
use crate::jira::myself::Myself;
use crate::jira::search::{approximate_count, search_page};
use crate::jira::settings::parse_settings;

const TOKEN: &str = "tok-123";

fn answer(status: &str, headers: &str, body: &str) -> String {
    format!("HTTP/1.1 {status}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
}

/// Serves `answers` in order, one per connection, and records each request's head.
async fn peer(answers: Vec<String>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        for a in answers {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = vec![0u8; 64 * 1024];
            let mut got = 0;
            // Enough for these small requests: read until the head (and a body) arrived.
            loop {
                let n = socket.read(&mut buf[got..]).await.unwrap();
                got += n;
                let text = String::from_utf8_lossy(&buf[..got]).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text[..end]
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length: ")
                                .map(|v| v.trim().parse::<usize>().unwrap())
                        })
                        .unwrap_or(0);
                    if got >= end + 4 + length || n == 0 {
                        log.lock().unwrap().push(text);
                        break;
                    }
                }
            }
            socket.write_all(a.as_bytes()).await.unwrap();
            let _ = socket.shutdown().await;
        }
    });
    (url, seen)
}

async fn client(url: &str) -> JiraClient {
    let settings = parse_settings(
        serde_json::json!({"baseUrl": url, "email": "ann@acme.org", "apiToken": TOKEN, "maxRequestsPerSecond": 100})
            .as_object()
            .unwrap(),
        true,
    )
    .unwrap();
    JiraClient::connect(&settings, true).await.unwrap().with_retry(RetryPolicy {
        max_attempts: 3,
        max_network_attempts: 2,
        base_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        max_retry_after: Duration::from_secs(2),
    })
}

#[tokio::test]
async fn throttling_answers_are_waited_out_and_every_request_carries_basic_auth() {
    let (url, seen) = peer(vec![
        answer("429 Too Many Requests", "Retry-After: 0\r\n", r#"{"errorMessages":["Rate limit exceeded."]}"#),
        answer("503 Service Unavailable", "Retry-After: 0\r\n", ""),
        answer("200 OK", "", r#"{"accountId":"5b10","displayName":"Ann","timeZone":"Europe/Berlin","extra":{"x":1}}"#),
    ])
    .await;
    let me = Myself::fetch(&client(&url).await).await.unwrap();
    assert_eq!((me.label().as_str(), me.time_zone.as_deref()), ("Ann", Some("Europe/Berlin")));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3);
    for request in seen.iter() {
        assert!(request.starts_with("GET /rest/api/3/myself HTTP/1.1"), "{request}");
        assert!(request.contains("authorization: Basic YW5uQGFjbWUub3JnOnRvay0xMjM="), "{request}");
    }
}

#[tokio::test]
async fn a_401_names_the_credentials_and_never_the_token() {
    let (url, seen) =
        peer(vec![answer("401 Unauthorized", "", r#"{"errorMessages":["Client must be authenticated"]}"#)]).await;
    let err = Myself::fetch(&client(&url).await).await.unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "Jira at {url} rejected the credentials (401 Unauthorized): check settings.email and settings.apiToken"
        )
    );
    assert!(!err.contains(TOKEN));
    assert_eq!(seen.lock().unwrap().len(), 1, "a 401 is not retried");
}

#[tokio::test]
async fn a_400_from_the_search_is_a_jql_error_with_jiras_messages() {
    let body = r#"{"errorMessages":["Error in the JQL Query: Expecting operator but got 'x'. (line 1, character 9)"],"errors":{}}"#;
    let (url, seen) = peer(vec![answer("400 Bad Request", "", body)]).await;
    let c = client(&url).await;
    let err = search_page(&c, "project x", &["summary".to_string()], None).await.unwrap_err().to_string();
    assert_eq!(err, "Jira rejected the JQL query (400 Bad Request): Error in the JQL Query: Expecting operator but got 'x'. (line 1, character 9)");
    let request = seen.lock().unwrap()[0].clone();
    assert!(request.starts_with("POST /rest/api/3/search/jql"), "{request}");
    assert!(request.ends_with(r#"{"jql":"project x","fields":["summary"],"maxResults":100}"#), "{request}");
}

#[tokio::test]
async fn server_errors_are_retried_then_named_with_the_attempts() {
    let (url, seen) = peer(vec![
        answer("500 Internal Server Error", "", "{}"),
        answer("502 Bad Gateway", "", "<html/>"),
        answer("500 Internal Server Error", "", ""),
    ])
    .await;
    let err = Myself::fetch(&client(&url).await).await.unwrap_err().to_string();
    assert_eq!(
        err,
        format!("Jira at {url} still answered 500 Internal Server Error for the current user (GET /rest/api/3/myself) after 3 attempts; try again later or lower maxRequestsPerSecond")
    );
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let (url, seen) = peer(vec![answer("302 Found", "Location: http://169.254.169.254/latest\r\n", "")]).await;
    let err = Myself::fetch(&client(&url).await).await.unwrap_err().to_string();
    assert!(err.contains("with a redirect to http://169.254.169.254/latest"), "{err}");
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn unreadable_answers_and_missing_counts_are_told_apart() {
    let (url, _) = peer(vec![answer("200 OK", "", "<html>login</html>"), answer("404 Not Found", "", "")]).await;
    let c = client(&url).await;
    let err = Myself::fetch(&c).await.unwrap_err().to_string();
    assert!(err.starts_with("Jira's answer to the current user (GET /rest/api/3/myself) could not be read: "), "{err}");
    assert_eq!(approximate_count(&c, "project = A").await.unwrap(), None, "a site without the count still exports");
}

#[tokio::test]
async fn an_unreachable_site_is_named() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let err = Myself::fetch(&client(&url).await).await.unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("could not reach Jira at {url} (the current user (GET /rest/api/3/myself)): ")),
        "{err}"
    );
}
