//! A `jira` connection's settings, parsed into `JiraSettings` with errors
//! that name the setting (`settings.baseUrl`), as the API reports them.
//!
//! | setting | meaning |
//! | --- | --- |
//! | `baseUrl` | the site, `https://acme.atlassian.net` (http is accepted for tests and proxies) |
//! | `email` | the Atlassian account the API token belongs to |
//! | `apiToken` | the API token (write-only; never logged nor put in a message) |
//! | `maxRequestsPerSecond` | ceiling of requests per second to the site, 1–100, default 10 |
//! | `timeoutSeconds` | time limit of one request, 1–300, default 60 |

use std::time::Duration;

use ferry_core::model::email_address::EmailAddress;
use ferry_core::model::outbound_url::{OutboundUrl, OutboundUrlError};
use ferry_core::FieldError;
use reqwest::Url;
use serde_json::{Map, Value};

/// Requests per second to one site unless the connection says otherwise:
/// well under what Jira Cloud tolerates from one user, so an export never
/// crowds out the people working on the site.
pub const DEFAULT_MAX_REQUESTS_PER_SECOND: u32 = 10;
const MAX_REQUESTS_PER_SECOND: u32 = 100;
const DEFAULT_TIMEOUT_SECONDS: u64 = 60;
const MAX_TIMEOUT_SECONDS: u64 = 300;

const KNOWN: [&str; 5] = ["baseUrl", "email", "apiToken", "maxRequestsPerSecond", "timeoutSeconds"];

/// A valid Jira connection's settings.
#[derive(Clone)]
pub struct JiraSettings {
    /// The site with no trailing slash; API paths are appended to it.
    pub base_url: Url,
    pub email: String,
    pub api_token: String,
    pub max_requests_per_second: u32,
    pub timeout: Duration,
}

impl std::fmt::Debug for JiraSettings {
    // The token stays out of every log line and panic message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JiraSettings")
            .field("base_url", &self.base_url.as_str())
            .field("email", &self.email)
            .field("api_token", &"***")
            .field("max_requests_per_second", &self.max_requests_per_second)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl JiraSettings {
    /// The base URL as text, without a trailing slash.
    pub fn base(&self) -> &str {
        self.base_url.as_str().trim_end_matches('/')
    }

    /// `scheme://host:port`: the unit the request-rate ceiling is counted in.
    pub fn site_key(&self) -> String {
        self.base_url.origin().ascii_serialization()
    }
}

/// Parses and checks the settings. A `baseUrl` whose host is a literal
/// loopback/private/link-local/metadata address is refused unless
/// `allow_private_networks`; host names are checked when connecting.
pub fn parse_settings(settings: &Map<String, Value>, allow_private_networks: bool) -> Result<JiraSettings, FieldError> {
    if let Some(unknown) = settings.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(FieldError::new(
            format!("settings.{unknown}"),
            "is not a setting of Jira connections (they have baseUrl, email, apiToken, maxRequestsPerSecond and timeoutSeconds)",
        ));
    }
    let text = |name: &str| match settings.get(name) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        Some(_) => Err(FieldError::new(format!("settings.{name}"), "must be a non-empty string")),
        None => Err(FieldError::new(format!("settings.{name}"), "is required")),
    };
    let base_url = parse_base_url(&text("baseUrl")?, allow_private_networks)?;
    let email = text("email")?;
    EmailAddress::parse_field("settings.email", &email)?;
    // Tokens are used as sent (no trim): a space may be part of a password-style token.
    let api_token = match settings.get("apiToken") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(_) => return Err(FieldError::new("settings.apiToken", "must be a non-empty string")),
        None => return Err(FieldError::new("settings.apiToken", "is required")),
    };
    let max_requests_per_second = match settings.get("maxRequestsPerSecond") {
        None | Some(Value::Null) => DEFAULT_MAX_REQUESTS_PER_SECOND,
        Some(v) => {
            v.as_u64().filter(|n| (1..=MAX_REQUESTS_PER_SECOND as u64).contains(n)).map(|n| n as u32).ok_or_else(
                || FieldError::new("settings.maxRequestsPerSecond", "must be a whole number from 1 to 100"),
            )?
        }
    };
    let timeout_seconds = match settings.get("timeoutSeconds") {
        None | Some(Value::Null) => DEFAULT_TIMEOUT_SECONDS,
        Some(v) => v
            .as_u64()
            .filter(|n| (1..=MAX_TIMEOUT_SECONDS).contains(n))
            .ok_or_else(|| FieldError::new("settings.timeoutSeconds", "must be a whole number from 1 to 300"))?,
    };
    Ok(JiraSettings {
        base_url,
        email,
        api_token,
        max_requests_per_second,
        timeout: Duration::from_secs(timeout_seconds),
    })
}

fn parse_base_url(raw: &str, allow_private_networks: bool) -> Result<Url, FieldError> {
    let bad = |why: &str| FieldError::new("settings.baseUrl", why.to_string());
    let mut url = match OutboundUrl::parse(raw, allow_private_networks) {
        Ok(u) => u.into_url(),
        Err(e @ (OutboundUrlError::Private { .. } | OutboundUrlError::Credentials)) => return Err(bad(&e.to_string())),
        Err(_) => return Err(bad("must be an http or https URL, like https://example.atlassian.net")),
    };
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not have a query or fragment"));
    }
    let path = url.path().trim_end_matches('/').to_string();
    url.set_path(&path);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value, allow: bool) -> Result<JiraSettings, FieldError> {
        parse_settings(v.as_object().unwrap(), allow)
    }

    #[test]
    fn complete_settings_parse_with_defaults() {
        let s = parse(json!({"baseUrl": "https://acme.atlassian.net/", "email": "a@acme.org", "apiToken": "t"}), false)
            .unwrap();
        assert_eq!(s.base(), "https://acme.atlassian.net");
        assert_eq!(s.site_key(), "https://acme.atlassian.net");
        assert_eq!(s.max_requests_per_second, 10);
        assert_eq!(s.timeout, Duration::from_secs(60));
        assert!(!format!("{s:?}").contains("\"t\""), "the token is not in Debug output");
        let s = parse(
            json!({"baseUrl": "http://jira.local:8080/jira/", "email": "a@b.c", "apiToken": "t",
                   "maxRequestsPerSecond": 3, "timeoutSeconds": 5}),
            false,
        )
        .unwrap();
        assert_eq!(s.base(), "http://jira.local:8080/jira");
        assert_eq!(s.site_key(), "http://jira.local:8080");
        assert_eq!((s.max_requests_per_second, s.timeout), (3, Duration::from_secs(5)));
    }

    #[test]
    fn each_missing_or_bad_setting_is_named() {
        let field = |v| parse(v, false).unwrap_err().field;
        assert_eq!(field(json!({"email": "a@acme.org", "apiToken": "t"})), "settings.baseUrl");
        assert_eq!(field(json!({"baseUrl": "ftp://x", "email": "a@acme.org", "apiToken": "t"})), "settings.baseUrl");
        assert_eq!(
            field(json!({"baseUrl": "https://u:p@x", "email": "a@acme.org", "apiToken": "t"})),
            "settings.baseUrl"
        );
        assert_eq!(field(json!({"baseUrl": "https://x", "apiToken": "t"})), "settings.email");
        assert_eq!(field(json!({"baseUrl": "https://x", "email": "nobody", "apiToken": "t"})), "settings.email");
        assert_eq!(field(json!({"baseUrl": "https://x", "email": "a@acme.org"})), "settings.apiToken");
        assert_eq!(field(json!({"baseUrl": "https://x", "email": "a@acme.org", "apiToken": 5})), "settings.apiToken");
        assert_eq!(field(json!({"baseUrl": "https://x", "email": "a@x", "apiToken": "t", "pw": 1})), "settings.pw");
        let rate = json!({"baseUrl": "https://x", "email": "a@x", "apiToken": "t", "maxRequestsPerSecond": 0});
        assert_eq!(field(rate), "settings.maxRequestsPerSecond");
        let rate = json!({"baseUrl": "https://x", "email": "a@x", "apiToken": "t", "maxRequestsPerSecond": 101});
        assert_eq!(field(rate), "settings.maxRequestsPerSecond");
        let timeout = json!({"baseUrl": "https://x", "email": "a@x", "apiToken": "t", "timeoutSeconds": "9"});
        assert_eq!(field(timeout), "settings.timeoutSeconds");
    }

    #[test]
    fn literal_private_addresses_are_refused_unless_allowed() {
        for base in ["http://127.0.0.1:8080", "http://[::1]/", "http://169.254.169.254", "https://10.0.0.7/jira"] {
            let v = json!({"baseUrl": base, "email": "a@b.c", "apiToken": "t"});
            let err = parse(v.clone(), false).unwrap_err();
            assert_eq!(err.field, "settings.baseUrl", "{base}");
            assert!(err.message.contains("allowPrivateNetworks"), "{}", err.message);
            parse(v, true).unwrap();
        }
        // Host names are judged when connecting, after resolving them.
        parse(json!({"baseUrl": "http://localhost:1", "email": "a@b.c", "apiToken": "t"}), false).unwrap();
        parse(json!({"baseUrl": "http://8.8.8.8", "email": "a@b.c", "apiToken": "t"}), false).unwrap();
    }
}
