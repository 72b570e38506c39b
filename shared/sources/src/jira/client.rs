//! `JiraClient`: Jira Cloud REST v3 over reqwest with basic auth (email + API
//! token), the site's request-rate budget, retries of 429/503/5xx answers and
//! network failures, timeouts, and errors that name Jira's answer.

use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;

use ferry_core::ports::source::SourceActivity;

use super::error::{error_messages, JiraError};
use super::rate_limit::SiteBudget;
use super::retry::{parse_retry_after, RetryPolicy, Verdict};
use super::settings::JiraSettings;
use super::ssrf::check_destination;

/// Longest wait for a TCP (and TLS) connection, whatever the request timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A logged-in view of one Jira site.
pub struct JiraClient {
    http: reqwest::Client,
    base: String,
    email: String,
    api_token: String,
    timeout: Duration,
    budget: SiteBudget,
    retry: RetryPolicy,
    /// Notes each request and answer for an export's stall guard.
    activity: SourceActivity,
}

impl std::fmt::Debug for JiraClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JiraClient").field("base", &self.base).field("email", &self.email).finish_non_exhaustive()
    }
}

impl JiraClient {
    /// A client for the connection's site, after the private-network guard
    /// has checked (and pinned) where `baseUrl` leads.
    pub async fn connect(settings: &JiraSettings, allow_private_networks: bool) -> Result<JiraClient, JiraError> {
        let pinned = check_destination(&settings.base_url, allow_private_networks).await?;
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT.min(settings.timeout))
            .timeout(settings.timeout)
            .user_agent(concat!("Ferry/", env!("CARGO_PKG_VERSION")));
        if let Some(p) = pinned {
            builder = builder.resolve(&p.host, p.addr);
        }
        let http = builder.build().map_err(|e| JiraError::Other(format!("could not set up the HTTP client: {e}")))?;
        Ok(JiraClient {
            http,
            base: settings.base().to_string(),
            email: settings.email.clone(),
            api_token: settings.api_token.clone(),
            timeout: settings.timeout,
            // Jira counts real seconds: the real clock paces, whatever the runtime's clock.
            budget: SiteBudget::for_site(
                &settings.site_key(),
                settings.max_requests_per_second,
                std::sync::Arc::new(ferry_core::ports::clock::SystemClock),
            ),
            retry: RetryPolicy::default(),
            activity: SourceActivity::default(),
        })
    }

    /// Notes requests and answers in `activity` (an export's).
    pub fn with_activity(mut self, activity: SourceActivity) -> Self {
        activity.reading_from(&self.base);
        self.activity = activity;
        self
    }

    /// The site's base URL, as messages name it.
    pub fn site(&self) -> &str {
        &self.base
    }

    /// Replaces the retry policy (tests shorten the waits).
    #[cfg(test)]
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// `GET path?query`, parsed as `T`. `what` names the call in errors.
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        what: &str,
    ) -> Result<T, JiraError> {
        let body = self.send(Method::GET, path, query, None, what).await?;
        parse(&body, what)
    }

    /// `POST path` with a JSON body, parsed as `T`.
    pub async fn post<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        path: &str,
        body: &B,
        what: &str,
    ) -> Result<T, JiraError> {
        let json = serde_json::to_vec(body).map_err(|e| JiraError::Other(format!("could not encode {what}: {e}")))?;
        let body = self.send(Method::POST, path, &[], Some(json), what).await?;
        parse(&body, what)
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<Vec<u8>>,
        what: &str,
    ) -> Result<bytes::Bytes, JiraError> {
        let mut url = Url::parse(&format!("{}{}", self.base, path))
            .map_err(|e| JiraError::Other(format!("could not build the URL of {what}: {e}")))?;
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.budget.acquire().await;
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .basic_auth(&self.email, Some(&self.api_token))
                .header(ACCEPT, "application/json");
            if let Some(b) = &body {
                request = request.header(CONTENT_TYPE, "application/json").body(b.clone());
            }
            self.activity.requested(format!("{method} {}", url.path()));
            let (status, retry_after, outcome) = match request.send().await {
                Err(e) => (None, None, Err(self.unreachable(what, &e))),
                Ok(response) => {
                    let status = response.status();
                    if status.is_redirection() {
                        let location =
                            response.headers().get(LOCATION).and_then(|v| v.to_str().ok()).map(str::to_string);
                        return Err(JiraError::Redirect { site: self.base.clone(), what: what.to_string(), location });
                    }
                    let retry_after = response
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, jiff::Timestamp::now()));
                    match response.bytes().await {
                        Ok(bytes) => (Some(status), retry_after, Ok(bytes)),
                        // The answer broke off: like a network failure, worth another try.
                        Err(e) => (None, None, Err(self.unreachable(what, &e))),
                    }
                }
            };
            self.activity.answered(match (&outcome, status) {
                (Err(e), _) => e.to_string(),
                (Ok(_), Some(s)) => status_text(s),
                (Ok(_), None) => String::new(),
            });
            match (self.retry.verdict(attempt, status.map(|s| s.as_u16()), retry_after), outcome) {
                (Verdict::RetryAfter(wait), outcome) => {
                    let reason = match (&outcome, status) {
                        (Err(e), _) => e.to_string(),
                        (Ok(_), Some(s)) => s.to_string(),
                        (Ok(_), None) => String::new(),
                    };
                    tracing::warn!(site = %self.base, path, attempt, wait_ms = wait.as_millis() as u64, %reason, "Jira asked to wait; retrying");
                    tokio::time::sleep(wait).await;
                }
                (Verdict::GiveUp, Err(e)) => return Err(e),
                (Verdict::GiveUp, Ok(_)) => {
                    return Err(JiraError::GaveUp {
                        site: self.base.clone(),
                        status: status.map(status_text).unwrap_or_default(),
                        what: what.to_string(),
                        attempts: attempt,
                    })
                }
                (Verdict::Done, Err(e)) => return Err(e),
                (Verdict::Done, Ok(bytes)) => {
                    let status = status.unwrap_or(StatusCode::OK);
                    if status.is_success() {
                        return Ok(bytes);
                    }
                    return Err(self.answer_error(status, url.path(), what, &bytes));
                }
            }
        }
    }

    fn answer_error(&self, status: StatusCode, path: &str, what: &str, body: &[u8]) -> JiraError {
        let messages = error_messages(body);
        match status {
            StatusCode::UNAUTHORIZED => JiraError::Unauthorized { site: self.base.clone() },
            StatusCode::NOT_FOUND => JiraError::NotFound { site: self.base.clone(), path: path.to_string(), messages },
            _ => JiraError::Status {
                site: self.base.clone(),
                code: status.as_u16(),
                status: status_text(status),
                what: what.to_string(),
                messages,
            },
        }
    }

    fn unreachable(&self, what: &str, e: &reqwest::Error) -> JiraError {
        let detail = if e.is_timeout() {
            format!("no answer within {} s (settings.timeoutSeconds)", self.timeout.as_secs())
        } else {
            root_cause(e)
        };
        JiraError::Unreachable { site: self.base.clone(), what: what.to_string(), detail }
    }
}

fn parse<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T, JiraError> {
    serde_json::from_slice(body).map_err(|e| JiraError::Unreadable { what: what.to_string(), detail: e.to_string() })
}

/// `429 Too Many Requests`.
fn status_text(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// The innermost error: "Connection refused (os error 111)" rather than the
/// wrapper's "error sending request".
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut current = e;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// A path segment with everything but unreserved characters percent-encoded
/// (issue ids and keys are safe already; this keeps odd ones from changing the path).
pub fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
