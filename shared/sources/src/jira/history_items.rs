//! The `issue_history` table: every changelog item (field changed, from,
//! to) of a batch of issues, read in bulk by
//! `POST /rest/api/3/changelog/bulkfetch` without a field filter (up to 1000
//! issues per request, paged by `nextPageToken`; Jira orders the pages by
//! change date across the batch, so a batch is read to its last page before
//! its rows are handed on). A site that refuses the bulk endpoint (404, 403,
//! 405) is read issue by issue (`GET /issue/{id}/changelog`), as for time in
//! status; both give the same rows in the same order.

use std::collections::HashMap;

use ferry_core::model::value::{Row, Value};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::Value as Json;

use super::changelog_reads::{bulk_histories, bulk_refused, histories_of_each, json_text as text};
use super::changelogs::BATCH_SIZE;
use super::client::JiraClient;
use super::dataset_rows::id_cell;
use super::dates::{from_epoch_millis, parse_datetime};
use super::error::JiraError;

#[derive(Debug, Default, Deserialize)]
struct History {
    #[serde(default)]
    id: Json,
    #[serde(default)]
    author: Json,
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
    from: Option<String>,
    #[serde(default)]
    from_string: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    to_string: Option<String>,
}

fn opt(v: &Option<String>) -> Value {
    v.clone().map_or(Value::Null, Value::Text)
}

impl History {
    fn at(&self) -> Option<Timestamp> {
        match &self.created {
            Json::String(s) => parse_datetime(s),
            Json::Number(n) => n.as_i64().and_then(from_epoch_millis),
            _ => None,
        }
    }
}

/// One issue of a batch: its id and key, as the search gave them.
#[derive(Debug, Clone)]
pub struct IssueRef {
    pub id: String,
    pub key: String,
}

/// The `issue_history` rows of `issues`, in their order, each issue's
/// histories by time then id, kept when made at or after `from`.
pub async fn history_rows(
    client: &JiraClient,
    issues: &[IssueRef],
    from: Option<Timestamp>,
) -> Result<Vec<Row>, JiraError> {
    let ids: Vec<String> = issues.iter().map(|i| i.id.clone()).collect();
    let mut by_issue: HashMap<String, Vec<History>> = HashMap::new();
    for chunk in ids.chunks(BATCH_SIZE) {
        match bulk(client, chunk, &mut by_issue).await {
            Ok(()) => {}
            Err(e) if bulk_refused(&e) => {
                tracing::info!(site = %client.site(), error = %e, "bulk changelogs refused; reading each issue's changelog");
                by_issue = histories_of_each(client, &ids).await?.into_iter().collect();
                break;
            }
            Err(e) => return Err(e),
        }
    }
    let mut rows = Vec::new();
    for issue in issues {
        let mut histories = by_issue.remove(&issue.id).unwrap_or_default();
        histories.retain(|h| match (from, h.at()) {
            (Some(from), Some(at)) => at >= from,
            _ => true,
        });
        histories.sort_by_key(|h| (h.at(), text(&h.id).parse::<i64>().unwrap_or(i64::MAX)));
        for h in &histories {
            let at = h.at().map_or(Value::Null, Value::DateTime);
            let author =
                h.author.get("accountId").and_then(Json::as_str).map_or(Value::Null, |a| Value::Text(a.into()));
            for (index, item) in h.items.iter().enumerate() {
                rows.push(vec![
                    id_cell(&issue.id),
                    Value::Text(issue.key.clone()),
                    id_cell(&text(&h.id)),
                    Value::Int(index as i64),
                    author.clone(),
                    at.clone(),
                    opt(&item.field),
                    opt(&item.field_id),
                    opt(&item.from),
                    opt(&item.from_string),
                    opt(&item.to),
                    opt(&item.to_string),
                ]);
            }
        }
    }
    Ok(rows)
}

async fn bulk(client: &JiraClient, ids: &[String], into: &mut HashMap<String, Vec<History>>) -> Result<(), JiraError> {
    bulk_histories(client, ids, &[], |id, histories: Vec<History>| into.entry(id).or_default().extend(histories)).await
}
