//! `GET /rest/api/3/user?accountId=`: a Jira user's email address, for an
//! email destination's `toUsers`. Jira leaves `emailAddress` out (or empty)
//! when the user's privacy setting hides it; a 404 is an unknown account.
//! `GET /rest/api/3/user/search?query=`: people by name or address, for
//! picking those recipients by name.

use ferry_core::ports::source::{SiteUser, UserAddress};
use serde::Deserialize;

use super::client::JiraClient;
use super::error::JiraError;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct User {
    #[serde(default)]
    email_address: Option<String>,
    #[serde(default)]
    display_name: String,
}

/// A user as Jira's user search lists it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Found {
    account_id: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email_address: Option<String>,
    /// `atlassian`, `app` (bots) or `customer` (service desk portal users).
    #[serde(default)]
    account_type: Option<String>,
    #[serde(default = "active")]
    active: bool,
}

fn active() -> bool {
    true
}

/// Users to pick from: Atlassian accounts that are active; apps and
/// portal-only customers receive no mail from a report.
const SEARCH_LIMIT: usize = 20;

pub async fn search_users(client: &JiraClient, query: &str) -> Result<Vec<SiteUser>, JiraError> {
    let params = [("query", query.to_string()), ("maxResults", "50".to_string())];
    let what = "people by name (GET /rest/api/3/user/search)";
    let found: Vec<Found> = client.get("/rest/api/3/user/search", &params, what).await?;
    Ok(found
        .into_iter()
        .filter(|u| u.active && u.account_type.as_deref().is_none_or(|t| t == "atlassian"))
        .take(SEARCH_LIMIT)
        .map(|u| SiteUser {
            account_id: u.account_id,
            display_name: u.display_name,
            email_address: u.email_address.map(|a| a.trim().to_string()).filter(|a| !a.is_empty()),
        })
        .collect())
}

pub async fn user_address(client: &JiraClient, account_id: &str) -> Result<UserAddress, JiraError> {
    let query = [("accountId", account_id.to_string())];
    let what = format!("the user {account_id} (GET /rest/api/3/user)");
    match client.get::<User>("/rest/api/3/user", &query, &what).await {
        Ok(user) => Ok(address_of(user)),
        Err(e) if e.is_not_found() => Ok(UserAddress::Unknown),
        Err(e) => Err(e),
    }
}

/// The name the account goes by; None for an account Jira does not know.
pub async fn user_name(client: &JiraClient, account_id: &str) -> Result<Option<String>, JiraError> {
    let query = [("accountId", account_id.to_string())];
    let what = format!("the user {account_id} (GET /rest/api/3/user)");
    match client.get::<User>("/rest/api/3/user", &query, &what).await {
        Ok(user) => Ok(Some(user.display_name).filter(|n| !n.trim().is_empty())),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

fn address_of(user: User) -> UserAddress {
    match user.email_address.map(|a| a.trim().to_string()).filter(|a| !a.is_empty()) {
        Some(address) => UserAddress::Found(address),
        None => UserAddress::Hidden,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jira::fixture_tests::fixture;

    #[test]
    fn a_hidden_address_is_told_apart_from_a_found_one() {
        let user: User =
            serde_json::from_value(fixture("jira-cloud-openapi/examples/getCurrentUser.200.json")).unwrap();
        assert!(matches!(address_of(user), UserAddress::Found(a) if a.contains('@')));
        let hidden: User =
            serde_json::from_value(serde_json::json!({"accountId": "5b10", "displayName": "Sam"})).unwrap();
        assert_eq!(address_of(hidden), UserAddress::Hidden);
        let empty: User = serde_json::from_value(serde_json::json!({"emailAddress": ""})).unwrap();
        assert_eq!(address_of(empty), UserAddress::Hidden);
    }
}
