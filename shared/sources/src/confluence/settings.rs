//! A `confluence` connection's settings: the same as Jira's (SPEC: the site's
//! `baseUrl`, `email`, `apiToken`, and Ferry's `maxRequestsPerSecond` and
//! `timeoutSeconds`), since both products sit on one Atlassian Cloud site and
//! take the same API token. Only the message for an unknown setting names
//! Confluence; everything else is the Jira parser's.

use ferry_core::FieldError;
use serde_json::{Map, Value};

use crate::jira::{parse_settings as parse_site_settings, JiraSettings};

const KNOWN: [&str; 5] = ["baseUrl", "email", "apiToken", "maxRequestsPerSecond", "timeoutSeconds"];

/// Parses and checks the settings (see `jira::parse_settings` for the rules).
pub fn parse_settings(settings: &Map<String, Value>, allow_private_networks: bool) -> Result<JiraSettings, FieldError> {
    if let Some(unknown) = settings.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(FieldError::new(
            format!("settings.{unknown}"),
            "is not a setting of Confluence connections (they have baseUrl, email, apiToken, maxRequestsPerSecond and timeoutSeconds)",
        ));
    }
    parse_site_settings(settings, allow_private_networks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn confluence_settings_are_jiras_and_an_unknown_one_names_confluence() {
        let ok = json!({"baseUrl": "https://acme.atlassian.net", "email": "a@acme.org", "apiToken": "t"});
        let s = parse_settings(ok.as_object().unwrap(), false).unwrap();
        assert_eq!((s.base(), s.max_requests_per_second), ("https://acme.atlassian.net", 10));
        let bad =
            json!({"baseUrl": "https://acme.atlassian.net", "email": "a@acme.org", "apiToken": "t", "space": "X"});
        let err = parse_settings(bad.as_object().unwrap(), false).unwrap_err();
        assert_eq!(err.field, "settings.space");
        assert!(err.message.contains("Confluence connections"), "{}", err.message);
        let private = json!({"baseUrl": "http://10.1.2.3", "email": "a@acme.org", "apiToken": "t"});
        assert_eq!(parse_settings(private.as_object().unwrap(), false).unwrap_err().field, "settings.baseUrl");
    }
}
