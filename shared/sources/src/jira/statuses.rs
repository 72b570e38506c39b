//! `GET /rest/api/3/status`: the site's statuses, in the order Jira lists
//! them, for the columns of a wide `timeInStatus` file when the report
//! names none. Team-managed projects have statuses of their own with the
//! same names ("To Do" several times); statuses are told apart by name, as
//! users read them, so each name is one column, at its first place.

use serde::Deserialize;

use super::client::JiraClient;
use super::error::JiraError;

#[derive(Debug, Deserialize)]
struct Status {
    #[serde(default)]
    name: Option<String>,
}

/// The site's status names, each once, in Jira's order.
pub async fn site_statuses(client: &JiraClient) -> Result<Vec<String>, JiraError> {
    let statuses: Vec<Status> =
        client.get("/rest/api/3/status", &[], "the site's statuses (GET /rest/api/3/status)").await?;
    Ok(distinct_names(statuses))
}

fn distinct_names(statuses: Vec<Status>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in statuses.into_iter().filter_map(|s| s.name).filter(|n| !n.trim().is_empty()) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_are_kept_once_in_jiras_order() {
        let statuses: Vec<Status> = serde_json::from_value(json!([
            {"id": "10000", "name": "To Do", "statusCategory": {"key": "new"}},
            {"id": "3", "name": "In Progress"},
            {"id": "10010", "name": "To Do", "scope": {"type": "PROJECT", "project": {"id": "10001"}}},
            {"id": "10011"},
            {"id": "10001", "name": "Done"}
        ]))
        .unwrap();
        assert_eq!(distinct_names(statuses), ["To Do", "In Progress", "Done"]);
    }
}
