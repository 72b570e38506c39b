//! Status changelogs of a chunk of issues. In bulk first:
//! `POST /rest/api/3/changelog/bulkfetch` with `fieldIds: ["status"]` for up
//! to 1000 issues, paged by `nextPageToken`. Its pages are ordered by change
//! date across the whole request, so one issue's history is complete only
//! when the last page of its request is read: the reader asks for as many
//! issues at once as it can read in a few seconds, and checkpoints between
//! such chunks, never inside one.
//!
//! When the bulk endpoint is refused (404, 403 or 405: an older site, a
//! proxy, a token without its scope), each issue's own
//! `GET /rest/api/3/issue/{id}/changelog` is read instead (`startAt` paging),
//! a few issues at once (`issue_changelog`), each request under the site's rate
//! ceiling and `Retry-After` like every other, and the reader remembers to go
//! there directly for the rest of the export. Both give the same changes in
//! the same order, so the file is the same.

use std::collections::HashMap;

use ferry_core::time_in_status::StatusChange;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::client::JiraClient;
use super::dates::{from_epoch_millis, parse_datetime};
use super::error::JiraError;
use super::issue_changelog::{bulk_refused, histories_of_each};

/// Issues per bulk request, Jira's limit.
pub const BATCH_SIZE: usize = 1000;
const BULK_PATH: &str = "/rest/api/3/changelog/bulkfetch";
/// Histories asked per bulk page (Jira's default, at most 10000).
const BULK_PAGE_SIZE: u32 = 1000;

/// Where changelogs are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangelogRoute {
    Bulk,
    PerIssue,
}

/// Status changes per issue id, each issue's sorted by time.
pub type StatusChanges = HashMap<String, Vec<StatusChange>>;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct BulkRequest<'a> {
    issue_ids_or_keys: &'a [String],
    field_ids: [&'static str; 1],
    max_results: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_page_token: Option<&'a str>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BulkPage {
    #[serde(default)]
    issue_change_logs: Vec<IssueChangeLog>,
    #[serde(default)]
    next_page_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct IssueChangeLog {
    #[serde(default)]
    issue_id: Json,
    #[serde(default)]
    change_histories: Vec<History>,
}

/// One change history: when, and its items (fields changed).
#[derive(Debug, Default, Deserialize)]
struct History {
    #[serde(default)]
    id: Json,
    /// Epoch milliseconds in bulk answers, Jira date-time text per issue.
    #[serde(default)]
    created: Json,
    #[serde(default)]
    items: Vec<Item>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    field_id: Option<String>,
    #[serde(default)]
    from_string: Option<String>,
    #[serde(default)]
    to_string: Option<String>,
}

fn text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

impl History {
    fn at(&self) -> Option<Timestamp> {
        match &self.created {
            Json::String(s) => parse_datetime(s),
            Json::Number(n) => n.as_i64().and_then(from_epoch_millis),
            _ => None,
        }
    }

    /// The status change it records, if any (the last status item, should there be several).
    fn status_change(&self) -> Option<(StatusChange, i64)> {
        let item = self.items.iter().rev().find(|i| {
            i.field_id.as_deref() == Some("status") || (i.field_id.is_none() && i.field.as_deref() == Some("status"))
        })?;
        let change = StatusChange {
            at: self.at()?,
            from: item.from_string.clone().filter(|s| !s.is_empty()),
            to: item.to_string.clone().unwrap_or_default(),
        };
        Some((change, text(&self.id).parse().unwrap_or(i64::MAX)))
    }
}

/// Collects histories into sorted changes per issue.
#[derive(Default)]
struct Collected(HashMap<String, Vec<(StatusChange, i64)>>);

impl Collected {
    fn add(&mut self, issue_id: &str, histories: &[History]) {
        let changes = self.0.entry(issue_id.to_string()).or_default();
        changes.extend(histories.iter().filter_map(History::status_change));
    }

    /// By time, then history id: the order of both routes.
    fn into_changes(self) -> StatusChanges {
        self.0
            .into_iter()
            .map(|(id, mut changes)| {
                changes.sort_by_key(|(c, history)| (c.at, *history));
                (id, changes.into_iter().map(|(c, _)| c).collect())
            })
            .collect()
    }
}

/// The status changes of the issues `ids` in bulk (`BATCH_SIZE` per
/// request); None when the site refuses the bulk endpoint.
pub async fn bulk_status_changes(client: &JiraClient, ids: &[String]) -> Result<Option<StatusChanges>, JiraError> {
    let mut all = StatusChanges::new();
    for chunk in ids.chunks(BATCH_SIZE) {
        match bulk(client, chunk).await {
            Ok(changes) => all.extend(changes),
            Err(e) if bulk_refused(&e) => {
                tracing::info!(site = %client.site(), error = %e, "bulk changelogs refused; reading each issue's changelog");
                return Ok(None);
            }
            Err(e) => return Err(e),
        }
    }
    Ok(Some(all))
}

/// The status changes of the issues `ids`, each from its own changelog.
pub async fn per_issue_status_changes(client: &JiraClient, ids: &[String]) -> Result<StatusChanges, JiraError> {
    let histories: Vec<(String, Vec<History>)> = histories_of_each(client, ids).await?;
    let mut collected = Collected::default();
    for (id, h) in &histories {
        collected.add(id, h);
    }
    Ok(collected.into_changes())
}

async fn bulk(client: &JiraClient, ids: &[String]) -> Result<StatusChanges, JiraError> {
    let what = format!("the changelogs of {} issues (POST {BULK_PATH})", ids.len());
    let mut collected = Collected::default();
    let mut token: Option<String> = None;
    loop {
        let request = BulkRequest {
            issue_ids_or_keys: ids,
            field_ids: ["status"],
            max_results: BULK_PAGE_SIZE,
            next_page_token: token.as_deref(),
        };
        let page: BulkPage = client.post(BULK_PATH, &request, &what).await?;
        for log in &page.issue_change_logs {
            collected.add(&text(&log.issue_id), &log.change_histories);
        }
        match page.next_page_token.filter(|t| !t.is_empty()) {
            Some(next) if Some(&next) != token.as_ref() => token = Some(next),
            _ => return Ok(collected.into_changes()),
        }
    }
}

#[cfg(test)]
#[path = "changelogs_tests.rs"]
mod tests;
