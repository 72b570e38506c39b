//! What Ferry knows about `jira` connections before the Jira client exists:
//! their settings are checked when saved, but they cannot be read yet.

use ferry_core::model::report::{Column, ReportType};
use ferry_core::FieldError;
use serde_json::{Map, Value};

/// Why a Jira connection cannot be read (shown to the user).
pub const NOT_SUPPORTED: &str = "Jira connections are not supported yet";

const SETTINGS: [&str; 3] = ["baseUrl", "email", "apiToken"];

/// Checks `baseUrl`, `email` and `apiToken`: present, non-empty strings, and a
/// `baseUrl` that is an http(s) URL. Whether its host is a private address is
/// the network guard's call, when the connection is saved and used.
pub fn check_settings(settings: &Map<String, Value>) -> Result<(), FieldError> {
    if let Some(unknown) = settings.keys().find(|k| !SETTINGS.contains(&k.as_str())) {
        return Err(FieldError::new(
            format!("settings.{unknown}"),
            "is not a setting of Jira connections (they have baseUrl, email and apiToken)",
        ));
    }
    for name in SETTINGS {
        match settings.get(name) {
            Some(Value::String(s)) if !s.trim().is_empty() => {}
            Some(_) => return Err(FieldError::new(format!("settings.{name}"), "must be a non-empty string")),
            None => return Err(FieldError::new(format!("settings.{name}"), "is required")),
        }
    }
    let base_url = settings["baseUrl"].as_str().unwrap_or_default();
    let host = base_url.strip_prefix("https://").or_else(|| base_url.strip_prefix("http://"));
    if host.is_none_or(|h| h.is_empty() || h.starts_with('/')) {
        return Err(FieldError::new(
            "settings.baseUrl",
            "must be an http or https URL, like https://example.atlassian.net",
        ));
    }
    if !settings["email"].as_str().unwrap_or_default().contains('@') {
        return Err(FieldError::new("settings.email", "must be an email address"));
    }
    Ok(())
}

/// Columns of a Jira report that lists none (the Jira client may refine them).
pub fn default_columns(report_type: ReportType) -> Vec<Column> {
    let fields: &[&str] = match report_type {
        ReportType::Issues => &["key", "summary", "status", "assignee", "priority", "created", "updated"],
        ReportType::Worklogs => &["key", "summary", "author", "started", "timeSpentSeconds", "comment"],
    };
    fields.iter().map(|f| Column::new(f)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(v: Value) -> Result<(), FieldError> {
        check_settings(v.as_object().unwrap())
    }

    #[test]
    fn complete_settings_pass() {
        check(json!({"baseUrl": "https://acme.atlassian.net", "email": "a@acme.org", "apiToken": "t"})).unwrap();
    }

    #[test]
    fn each_missing_or_bad_setting_is_named() {
        let field = |v| check(v).unwrap_err().field;
        assert_eq!(field(json!({"email": "a@acme.org", "apiToken": "t"})), "settings.baseUrl");
        assert_eq!(field(json!({"baseUrl": "ftp://x", "email": "a@acme.org", "apiToken": "t"})), "settings.baseUrl");
        assert_eq!(field(json!({"baseUrl": "https://x", "apiToken": "t"})), "settings.email");
        assert_eq!(field(json!({"baseUrl": "https://x", "email": "nobody", "apiToken": "t"})), "settings.email");
        assert_eq!(field(json!({"baseUrl": "https://x", "email": "a@acme.org"})), "settings.apiToken");
        assert_eq!(field(json!({"baseUrl": "https://x", "email": "a@acme.org", "apiToken": 5})), "settings.apiToken");
        assert_eq!(field(json!({"baseUrl": "https://x", "email": "a@x", "apiToken": "t", "pw": 1})), "settings.pw");
    }
}
