//! `GET /wiki/rest/api/user/current`: who the credentials belong to, for
//! `Test connection`. REST v2 has no "current user" resource, so this one
//! call uses v1, which Cloud keeps for it.

use serde::Deserialize;

use super::client::ConfluenceClient;
use super::error::ConfluenceError;

pub const CURRENT_USER_PATH: &str = "/wiki/rest/api/user/current";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurrentUser {
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// `known`, `anonymous`, `app`: Confluence answers 200 as `anonymous`
    /// to a request it could not tie to an account.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

impl CurrentUser {
    pub async fn fetch(client: &ConfluenceClient) -> Result<CurrentUser, ConfluenceError> {
        client.get(CURRENT_USER_PATH, &[], "the current user (GET /wiki/rest/api/user/current)").await
    }

    /// The best name to show: display name, else email, else account id.
    pub fn label(&self) -> String {
        [&self.display_name, &self.email, &self.account_id]
            .into_iter()
            .flatten()
            .find(|s| !s.trim().is_empty())
            .cloned()
            .unwrap_or_else(|| "unknown user".to_string())
    }

    pub fn is_anonymous(&self) -> bool {
        self.kind.as_deref() == Some("anonymous")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_label_prefers_the_display_name_and_anonymous_is_told() {
        let u: CurrentUser = serde_json::from_value(json!({"type": "known", "accountId": "5b10",
            "accountType": "atlassian", "email": "mia@example.com", "publicName": "Mia", "displayName": "Mia Krystof"}))
        .unwrap();
        assert_eq!((u.label(), u.is_anonymous()), ("Mia Krystof".to_string(), false));
        let a: CurrentUser = serde_json::from_value(json!({"type": "anonymous", "displayName": ""})).unwrap();
        assert_eq!((a.label(), a.is_anonymous()), ("unknown user".to_string(), true));
    }
}
