//! `GET /rest/api/3/myself`: who the credentials belong to, for
//! `POST /v1/connections/{id}/test`, and the user's time zone, in which Jira
//! reads the dates written in JQL.

use serde::Deserialize;

use super::client::JiraClient;
use super::error::JiraError;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Myself {
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub email_address: Option<String>,
    #[serde(default)]
    pub time_zone: Option<String>,
}

impl Myself {
    pub async fn fetch(client: &JiraClient) -> Result<Myself, JiraError> {
        client.get("/rest/api/3/myself", &[], "the current user (GET /rest/api/3/myself)").await
    }

    /// The best name to show: display name, else email, else account id.
    pub fn label(&self) -> String {
        [&self.display_name, &self.email_address, &self.account_id]
            .into_iter()
            .flatten()
            .find(|s| !s.trim().is_empty())
            .cloned()
            .unwrap_or_else(|| "unknown user".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_label_prefers_the_display_name() {
        let m: Myself = serde_json::from_value(json!({"accountId": "5b10", "displayName": "Mia Krystof",
            "emailAddress": "mia@example.com", "timeZone": "Australia/Sydney", "groups": {"size": 3}}))
        .unwrap();
        assert_eq!((m.label(), m.time_zone.as_deref()), ("Mia Krystof".to_string(), Some("Australia/Sydney")));
        let m: Myself = serde_json::from_value(json!({"accountId": "5b10", "displayName": ""})).unwrap();
        assert_eq!(m.label(), "5b10");
    }
}
