//! What went wrong talking to Jira, as sentences a user can act on that name
//! Jira's answer (status, and Jira's own `errorMessages`). The API token is
//! never part of a message: it only ever travels in a request header.

use ferry_core::ports::source::SourceError;
use serde::Deserialize;
use serde_json::{Map, Value as Json};

#[derive(Debug, thiserror::Error)]
pub enum JiraError {
    #[error("Jira at {site} rejected the credentials (401 Unauthorized): check settings.email and settings.apiToken")]
    Unauthorized { site: String },
    #[error("Jira rejected the JQL query (400 Bad Request){}", detail(messages))]
    BadJql { messages: Vec<String> },
    #[error("Jira at {site} answered 404 Not Found for {path}{}: check that settings.baseUrl is the address of a Jira Cloud site", detail(messages))]
    NotFound { site: String, path: String, messages: Vec<String> },
    #[error("Jira at {site} answered {status} for {what}{}", detail(messages))]
    Status { site: String, code: u16, status: String, what: String, messages: Vec<String> },
    #[error("Jira at {site} still answered {status} for {what} after {attempts} attempts; try again later or lower maxRequestsPerSecond")]
    GaveUp { site: String, status: String, what: String, attempts: u32 },
    #[error(
        "Jira at {site} answered {what} with a redirect{}; set settings.baseUrl to the address the site answers on",
        to_location(location)
    )]
    Redirect { site: String, what: String, location: Option<String> },
    #[error("could not reach Jira at {site} ({what}): {detail}")]
    Unreachable { site: String, what: String, detail: String },
    #[error("Jira's answer to {what} could not be read: {detail}")]
    Unreadable { what: String, detail: String },
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Other(String),
}

fn detail(messages: &[String]) -> String {
    if messages.is_empty() {
        String::new()
    } else {
        format!(": {}", messages.join("; "))
    }
}

fn to_location(location: &Option<String>) -> String {
    location.as_deref().map(|l| format!(" to {l}")).unwrap_or_default()
}

impl JiraError {
    /// Whether Jira answered 404 (a deleted issue, an endpoint the site lacks).
    pub fn is_not_found(&self) -> bool {
        matches!(self, JiraError::NotFound { .. })
    }

    /// For calls that carry JQL: a 400 is Jira refusing the query.
    pub fn in_jql_context(self) -> Self {
        match self {
            JiraError::Status { code: 400, messages, .. } => JiraError::BadJql { messages },
            other => other,
        }
    }
}

impl From<JiraError> for SourceError {
    fn from(e: JiraError) -> Self {
        match e {
            JiraError::Forbidden(m) => SourceError::Forbidden(m),
            other => SourceError::Failed(other.to_string()),
        }
    }
}

/// Jira's error body: `{"errorMessages": [...], "errors": {"field": "message"}}`
/// (some gateways answer `{"message": "..."}` instead).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    #[serde(default)]
    error_messages: Vec<Json>,
    #[serde(default)]
    errors: Map<String, Json>,
    #[serde(default)]
    message: Option<Json>,
}

/// The messages of an error body, or none when it is not Jira's JSON (an HTML
/// page from a proxy is not repeated to the user).
pub fn error_messages(body: &[u8]) -> Vec<String> {
    let Ok(parsed) = serde_json::from_slice::<ErrorBody>(body) else {
        return Vec::new();
    };
    let text = |v: &Json| match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut out: Vec<String> = parsed.error_messages.iter().map(text).collect();
    out.extend(parsed.errors.iter().map(|(field, message)| format!("{field}: {}", text(message))));
    out.extend(parsed.message.as_ref().map(text));
    out.retain(|m| !m.trim().is_empty());
    // A runaway body should not make a runaway export error.
    for m in &mut out {
        if m.chars().count() > 500 {
            *m = m.chars().take(500).collect::<String>() + "…";
        }
    }
    out.truncate(10);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jira_error_bodies_become_messages() {
        let body = br#"{"errorMessages":["Error in the JQL Query: Expecting operator but got 'x'."],"errors":{},"warningMessages":[]}"#;
        assert_eq!(error_messages(body), ["Error in the JQL Query: Expecting operator but got 'x'."]);
        let body =
            br#"{"errorMessages":[],"errors":{"jql":"The value 'NOPE' does not exist for the field 'project'."}}"#;
        assert_eq!(error_messages(body), ["jql: The value 'NOPE' does not exist for the field 'project'."]);
        assert_eq!(error_messages(br#"{"message":"Client must be authenticated"}"#), ["Client must be authenticated"]);
        assert!(error_messages(b"<html>Bad gateway</html>").is_empty());
        assert!(error_messages(b"").is_empty());
    }

    #[test]
    fn messages_name_the_answer() {
        let e = JiraError::BadJql { messages: vec!["Error in the JQL Query: x".into()] };
        assert_eq!(e.to_string(), "Jira rejected the JQL query (400 Bad Request): Error in the JQL Query: x");
        let e = JiraError::Unauthorized { site: "https://a.atlassian.net".into() };
        assert!(e.to_string().contains("401 Unauthorized") && e.to_string().contains("settings.apiToken"));
        let e = JiraError::NotFound {
            site: "https://a.example".into(),
            path: "/rest/api/3/myself".into(),
            messages: vec![],
        };
        assert_eq!(
            e.to_string(),
            "Jira at https://a.example answered 404 Not Found for /rest/api/3/myself: check that settings.baseUrl is the address of a Jira Cloud site"
        );
        let forbidden: SourceError = JiraError::Forbidden("no".into()).into();
        assert!(matches!(forbidden, SourceError::Forbidden(m) if m == "no"));
    }
}
