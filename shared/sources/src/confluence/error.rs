//! What went wrong talking to Confluence, in the words a user can act on.
//! Requests go through the Jira client (one Atlassian site, one token, one
//! rate ceiling), whose errors name Jira; here each is told again naming
//! Confluence, keeping Confluence's own messages.

use ferry_core::ports::source::SourceError;

use crate::jira::JiraError;

#[derive(Debug, thiserror::Error)]
pub enum ConfluenceError {
    #[error(
        "Confluence at {site} rejected the credentials (401 Unauthorized): check settings.email and settings.apiToken"
    )]
    Unauthorized { site: String },
    #[error("Confluence at {site} answered 404 Not Found for {path}{}: check that settings.baseUrl is the address of an Atlassian Cloud site with Confluence", detail(messages))]
    NotFound { site: String, path: String, messages: Vec<String> },
    #[error("Confluence at {site} answered {status} for {what}{}", detail(messages))]
    Status { site: String, status: String, what: String, messages: Vec<String> },
    #[error("Confluence at {site} still answered {status} for {what} after {attempts} attempts; try again later or lower maxRequestsPerSecond")]
    GaveUp { site: String, status: String, what: String, attempts: u32 },
    #[error("Confluence at {site} answered {what} with a redirect{}; set settings.baseUrl to the address the site answers on", to_location(location))]
    Redirect { site: String, what: String, location: Option<String> },
    #[error("could not reach Confluence at {site} ({what}): {detail}")]
    Unreachable { site: String, what: String, detail: String },
    #[error("Confluence's answer to {what} could not be read: {detail}")]
    Unreadable { what: String, detail: String },
    /// A `_links.next` that leaves the site: never followed (it would carry the token elsewhere).
    #[error(
        "Confluence at {site} gave a next-page link to another address ({link}); Ferry follows only links on the site"
    )]
    ForeignLink { site: String, link: String },
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

impl ConfluenceError {
    /// Whether Confluence answered 404 (a deleted page, an endpoint the site lacks).
    pub fn is_not_found(&self) -> bool {
        matches!(self, ConfluenceError::NotFound { .. })
    }
}

impl From<JiraError> for ConfluenceError {
    fn from(e: JiraError) -> Self {
        match e {
            JiraError::Unauthorized { site } => ConfluenceError::Unauthorized { site },
            JiraError::NotFound { site, path, messages } => ConfluenceError::NotFound { site, path, messages },
            // No JQL is ever sent to Confluence; a 400 is a plain refusal.
            JiraError::BadJql { messages } => ConfluenceError::Status {
                site: String::new(),
                status: "400 Bad Request".into(),
                what: "a request".into(),
                messages,
            },
            JiraError::Status { site, status, what, messages, .. } => {
                ConfluenceError::Status { site, status, what, messages }
            }
            JiraError::GaveUp { site, status, what, attempts } => {
                ConfluenceError::GaveUp { site, status, what, attempts }
            }
            JiraError::Redirect { site, what, location } => ConfluenceError::Redirect { site, what, location },
            JiraError::Unreachable { site, what, detail } => ConfluenceError::Unreachable { site, what, detail },
            JiraError::Unreadable { what, detail } => ConfluenceError::Unreadable { what, detail },
            JiraError::Forbidden(m) => ConfluenceError::Forbidden(m),
            JiraError::Other(m) => ConfluenceError::Other(m.replace("the Jira host", "the Confluence host")),
        }
    }
}

impl From<ConfluenceError> for SourceError {
    fn from(e: ConfluenceError) -> Self {
        match e {
            ConfluenceError::Forbidden(m) => SourceError::Forbidden(m),
            other => SourceError::Failed(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jira_client_errors_are_told_naming_confluence() {
        let e: ConfluenceError = JiraError::Unauthorized { site: "https://a.atlassian.net".into() }.into();
        assert_eq!(
            e.to_string(),
            "Confluence at https://a.atlassian.net rejected the credentials (401 Unauthorized): check settings.email and settings.apiToken"
        );
        let e: ConfluenceError = JiraError::NotFound {
            site: "https://a.example".into(),
            path: "/wiki/api/v2/spaces".into(),
            messages: vec![],
        }
        .into();
        assert!(e.is_not_found());
        assert!(e.to_string().contains("404 Not Found for /wiki/api/v2/spaces"), "{e}");
        let forbidden: SourceError = ConfluenceError::from(JiraError::Forbidden("no".into())).into();
        assert!(matches!(forbidden, SourceError::Forbidden(m) if m == "no"));
    }
}
