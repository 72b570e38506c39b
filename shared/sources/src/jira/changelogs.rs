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
//! a few issues at once (`changelog_reads`), each request under the site's rate
//! ceiling and `Retry-After` like every other, and the reader remembers to go
//! there directly for the rest of the export. Both give the same changes in
//! the same order, so the file is the same.

use std::collections::HashMap;

use ferry_core::time_in_status::StatusChange;
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::Value as Json;

use super::changelog_reads::{bulk_histories, bulk_refused, histories_of_each, json_text as text};
use super::client::JiraClient;
use super::dates::{from_epoch_millis, parse_datetime};
use super::error::JiraError;

/// Issues per bulk request, Jira's limit.
pub const BATCH_SIZE: usize = 1000;

/// Where changelogs are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangelogRoute {
    Bulk,
    PerIssue,
}

/// Status changes per issue id, each issue's sorted by time.
pub type StatusChanges = HashMap<String, Vec<StatusChange>>;

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
    let mut collected = Collected::default();
    bulk_histories(client, ids, &["status"], |id, histories: Vec<History>| collected.add(&id, &histories)).await?;
    Ok(collected.into_changes())
}

#[cfg(test)]
#[path = "changelogs_tests.rs"]
mod tests;
