//! Changelogs as Jira answers them, for both time in status (`changelogs`)
//! and the `issue_history` table (`history_items`), which keep their own
//! idea of a history: in bulk (`POST /rest/api/3/changelog/bulkfetch`, paged
//! by `nextPageToken`), or issue by issue (`GET /rest/api/3/issue/{id}/changelog`,
//! `startAt` paging) for sites that refuse the bulk endpoint.

use futures::stream::{self, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::client::{path_segment, JiraClient};
use super::error::JiraError;

/// Issues whose changelogs are read at once. Unordered: an issue whose
/// request waits out a 429's `Retry-After` holds back only itself, never the
/// five behind it (in order, one throttled issue stalled the queue: 10.4
/// requests a second against a ceiling of 100).
pub const IN_FLIGHT: usize = 6;
/// Histories asked per page of one issue's changelog (Jira answers at most 100).
const PAGE_SIZE: u32 = 100;
const BULK_PATH: &str = "/rest/api/3/changelog/bulkfetch";
/// Histories asked per bulk page (Jira's default, at most 10000).
const BULK_PAGE_SIZE: u32 = 1000;

/// A bulk request; no `fieldIds` asks for every field's changes.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkRequest<'a> {
    pub issue_ids_or_keys: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub field_ids: &'a [&'a str],
    pub max_results: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<&'a str>,
}

/// One page of a bulk answer: histories of several issues.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", bound = "H: DeserializeOwned")]
pub struct BulkPage<H> {
    #[serde(default = "Vec::new")]
    pub issue_change_logs: Vec<IssueChangeLog<H>>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", bound = "H: DeserializeOwned")]
pub struct IssueChangeLog<H> {
    #[serde(default)]
    pub issue_id: Json,
    #[serde(default = "Vec::new")]
    pub change_histories: Vec<H>,
}

/// One page of an issue's changelog.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", bound = "H: DeserializeOwned")]
pub struct Page<H> {
    #[serde(default = "Vec::new")]
    pub values: Vec<H>,
    #[serde(default)]
    pub total: Option<u64>,
    #[serde(default)]
    pub is_last: Option<bool>,
}

/// Answers that mean "not this way": the bulk endpoint is missing or not
/// allowed (an older site, a proxy, a token without its scope).
pub fn bulk_refused(e: &JiraError) -> bool {
    e.is_not_found() || matches!(e, JiraError::Status { code: 403 | 405, .. })
}

/// A JSON id (text or number) as text.
pub fn json_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

/// The histories of the issues `ids` (at most `BATCH_SIZE`) in bulk, of the
/// fields `field_ids` (none: every field), handed to `each` page by page with
/// their issue's id. Jira orders the pages by change date across the whole
/// request, so an issue's histories are complete only after the last page.
pub async fn bulk_histories<H: DeserializeOwned>(
    client: &JiraClient,
    ids: &[String],
    field_ids: &[&str],
    mut each: impl FnMut(String, Vec<H>),
) -> Result<(), JiraError> {
    let what = format!("the changelogs of {} issues (POST {BULK_PATH})", ids.len());
    let mut token: Option<String> = None;
    loop {
        let request = BulkRequest {
            issue_ids_or_keys: ids,
            field_ids,
            max_results: BULK_PAGE_SIZE,
            next_page_token: token.as_deref(),
        };
        let page: BulkPage<H> = client.post(BULK_PATH, &request, &what).await?;
        for log in page.issue_change_logs {
            each(json_text(&log.issue_id), log.change_histories);
        }
        match page.next_page_token.filter(|t| !t.is_empty()) {
            Some(next) if Some(&next) != token.as_ref() => token = Some(next),
            _ => return Ok(()),
        }
    }
}

/// Every history of one issue. A 404 (deleted since the search) gives none.
pub async fn histories_of<H: DeserializeOwned>(client: &JiraClient, id: &str) -> Result<Vec<H>, JiraError> {
    let path = format!("/rest/api/3/issue/{}/changelog", path_segment(id));
    let what = format!("the changelog of issue {id} (GET {path})");
    let mut all = Vec::new();
    loop {
        let query = [("startAt", all.len().to_string()), ("maxResults", PAGE_SIZE.to_string())];
        let page: Page<H> = match client.get(&path, &query, &what).await {
            Ok(p) => p,
            Err(e) if e.is_not_found() => return Ok(all),
            Err(e) => return Err(e),
        };
        let got = page.values.len();
        all.extend(page.values);
        let done = page.is_last.unwrap_or(false) || page.total.is_some_and(|t| all.len() as u64 >= t);
        if got == 0 || done || (page.is_last.is_none() && page.total.is_none()) {
            return Ok(all);
        }
    }
}

/// The histories of each of `ids`, `IN_FLIGHT` issues at a time, in the
/// order they finish: callers key them by issue id.
pub async fn histories_of_each<H: DeserializeOwned + Send>(
    client: &JiraClient,
    ids: &[String],
) -> Result<Vec<(String, Vec<H>)>, JiraError> {
    let reads = ids.iter().cloned().map(|id| async move {
        let histories = histories_of(client, &id).await?;
        Ok::<_, JiraError>((id, histories))
    });
    stream::iter(reads).buffer_unordered(IN_FLIGHT).try_collect().await
}
