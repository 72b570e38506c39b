//! The enhanced JQL search (`POST /rest/api/3/search/jql`, paged by
//! `nextPageToken` until `isLast`) and its progress total
//! (`POST /rest/api/3/search/approximate-count`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use super::client::JiraClient;
use super::error::JiraError;

/// Issues asked per page. Jira may return fewer (it lowers the page when
/// many fields are asked); the token carries on where it stopped.
pub const PAGE_SIZE: u32 = 100;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SearchRequest<'a> {
    jql: &'a str,
    fields: &'a [String],
    max_results: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_page_token: Option<&'a str>,
}

/// One page of issues. Tolerant: absent parts take defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchPage {
    #[serde(default)]
    pub issues: Vec<Issue>,
    #[serde(default)]
    pub next_page_token: Option<String>,
    #[serde(default)]
    pub is_last: Option<bool>,
}

impl SearchPage {
    /// The token of the next page; None after the last one.
    pub fn next_token(&self) -> Option<&str> {
        if self.is_last == Some(true) {
            return None;
        }
        self.next_page_token.as_deref().filter(|t| !t.is_empty())
    }
}

/// An issue as search (or `GET /issue`) returns it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Issue {
    /// A string in Jira's answers; a number in some examples.
    #[serde(default)]
    pub id: Json,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub fields: Map<String, Json>,
}

impl Issue {
    /// The id as text (`"10627"`).
    pub fn id_text(&self) -> String {
        match &self.id {
            Json::String(s) => s.clone(),
            Json::Null => String::new(),
            other => other.to_string(),
        }
    }

    /// The key, or the id when the answer has no key.
    pub fn key_text(&self) -> String {
        self.key.clone().filter(|k| !k.is_empty()).unwrap_or_else(|| self.id_text())
    }
}

#[derive(Debug, Deserialize)]
struct CountAnswer {
    #[serde(default)]
    count: Option<u64>,
}

/// One page of `jql`, with `fields`, after `token` (None: the first page).
pub async fn search_page(
    client: &JiraClient,
    jql: &str,
    fields: &[String],
    token: Option<&str>,
) -> Result<SearchPage, JiraError> {
    search_page_of(client, jql, fields, token, PAGE_SIZE).await
}

/// One page of at most `max_results` issues. Jira answers with fewer when
/// many fields are asked, and with up to 5000 for a few (its documentation),
/// so a reader that asks few fields can ask for more per request.
pub async fn search_page_of(
    client: &JiraClient,
    jql: &str,
    fields: &[String],
    token: Option<&str>,
    max_results: u32,
) -> Result<SearchPage, JiraError> {
    let request = SearchRequest { jql, fields, max_results, next_page_token: token };
    client
        .post("/rest/api/3/search/jql", &request, "the JQL search (POST /rest/api/3/search/jql)")
        .await
        .map_err(JiraError::in_jql_context)
}

/// How many issues `jql` matches, approximately. None when the site does not
/// offer the count: progress then has no total, the export still runs.
pub async fn approximate_count(client: &JiraClient, jql: &str) -> Result<Option<u64>, JiraError> {
    let body = serde_json::json!({ "jql": jql });
    let answer: Result<CountAnswer, JiraError> = client
        .post(
            "/rest/api/3/search/approximate-count",
            &body,
            "the issue count (POST /rest/api/3/search/approximate-count)",
        )
        .await
        .map_err(JiraError::in_jql_context);
    match answer {
        Ok(a) => Ok(a.count),
        Err(e) if e.is_not_found() => Ok(None),
        Err(JiraError::Status { code: 405 | 501, .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_request_body_is_the_enhanced_search_shape() {
        let fields = vec!["summary".to_string(), "customfield_10016".to_string()];
        let first = serde_json::to_value(SearchRequest {
            jql: "project = A",
            fields: &fields,
            max_results: 100,
            next_page_token: None,
        })
        .unwrap();
        assert_eq!(first, json!({"jql": "project = A", "fields": ["summary", "customfield_10016"], "maxResults": 100}));
        let next =
            serde_json::to_value(SearchRequest { jql: "x", fields: &[], max_results: 5, next_page_token: Some("tok") })
                .unwrap();
        assert_eq!(next["nextPageToken"], "tok");
    }

    #[test]
    fn paging_ends_on_is_last_or_a_missing_token() {
        let page = |v: Json| serde_json::from_value::<SearchPage>(v).unwrap();
        assert_eq!(page(json!({"issues": [], "nextPageToken": "t2", "isLast": false})).next_token(), Some("t2"));
        assert_eq!(page(json!({"issues": [], "nextPageToken": "t2", "isLast": true})).next_token(), None);
        assert_eq!(page(json!({"issues": [], "nextPageToken": "t2"})).next_token(), Some("t2"));
        assert_eq!(page(json!({"issues": []})).next_token(), None);
        assert_eq!(page(json!({"nextPageToken": ""})).next_token(), None);
        let numeric = page(json!({"issues": [{"id": 10002, "fields": {}}], "extra": 1}));
        assert_eq!(numeric.issues[0].id_text(), "10002");
        assert_eq!(numeric.issues[0].key_text(), "10002");
    }
}
