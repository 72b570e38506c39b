//! Changelogs read issue by issue (`GET /rest/api/3/issue/{id}/changelog`,
//! `startAt` paging), for sites that refuse the bulk endpoint: the route of
//! both time in status (`changelogs`) and the `issue_history` table
//! (`history_items`), which keep their own idea of a history.

use futures::stream::{self, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::client::{path_segment, JiraClient};
use super::error::JiraError;

/// Issues whose changelogs are read at once. Unordered: an issue whose
/// request waits out a 429's `Retry-After` holds back only itself, never the
/// five behind it (in order, one throttled issue stalled the queue: 10.4
/// requests a second against a ceiling of 100).
pub const IN_FLIGHT: usize = 6;
/// Histories asked per page (Jira answers at most 100).
const PAGE_SIZE: u32 = 100;

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
