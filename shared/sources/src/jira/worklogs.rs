//! Worklogs: their shape, the `worklog.*` columns of a worklogs report, the
//! date range they are kept in, and fetching an issue's worklogs
//! (`GET /rest/api/3/issue/{id}/worklog`, paged by `startAt`) when the page
//! inline in the search answer is incomplete (Jira inlines at most 20).
//!
//! | column | cell |
//! | --- | --- |
//! | `worklog.id` | the worklog's id (text) |
//! | `worklog.author`, `worklog.updateAuthor` | display name |
//! | `worklog.authorAccountId` | account id (legacy servers: user name) |
//! | `worklog.started`, `worklog.created`, `worklog.updated` | date-time |
//! | `worklog.timeSpent` | Jira's text, `3h 20m` |
//! | `worklog.timeSpentSeconds` | whole seconds |
//! | `worklog.timeSpentHours` | `timeSpentSeconds / 3600` |
//! | `worklog.comment` | plain text (ADF flattened) |
//!
//! Legacy Jira Server answers have no `timeSpentSeconds`: the seconds and
//! hours cells are then empty (not guessed from `timeSpent`, whose days and
//! weeks depend on the site's settings), and `worklog.timeSpent` still has
//! Jira's text.

use ferry_core::model::value::Value;
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::Value as Json;

use super::client::{path_segment, JiraClient};
use super::dates::{from_epoch_millis, parse_datetime};
use super::error::JiraError;
use super::search::Issue;
use super::values::{render, FieldKind};

/// Worklogs asked per page of an issue's worklog list.
const WORKLOG_PAGE_SIZE: u32 = 5000;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Worklog {
    #[serde(default)]
    pub id: Json,
    #[serde(default)]
    pub author: Json,
    #[serde(default)]
    pub update_author: Json,
    #[serde(default)]
    pub comment: Json,
    #[serde(default)]
    pub started: Json,
    #[serde(default)]
    pub created: Json,
    #[serde(default)]
    pub updated: Json,
    #[serde(default)]
    pub time_spent: Option<String>,
    #[serde(default)]
    pub time_spent_seconds: Option<Json>,
}

impl Worklog {
    /// When the work started, if Jira said so readably.
    pub fn started_at(&self) -> Option<Timestamp> {
        match &self.started {
            Json::String(s) => parse_datetime(s),
            Json::Number(n) => n.as_i64().and_then(from_epoch_millis),
            _ => None,
        }
    }

    fn seconds(&self) -> Option<i64> {
        self.time_spent_seconds.as_ref().and_then(Json::as_i64)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WorklogPage {
    #[serde(default)]
    total: Option<u64>,
    #[serde(default)]
    worklogs: Vec<Worklog>,
}

/// A `worklog.*` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorklogField {
    Id,
    Author,
    AuthorAccountId,
    UpdateAuthor,
    Started,
    Created,
    Updated,
    TimeSpent,
    TimeSpentSeconds,
    TimeSpentHours,
    Comment,
}

impl WorklogField {
    pub const ALL: [(&'static str, WorklogField, &'static str); 11] = [
        ("worklog.id", WorklogField::Id, "Worklog id"),
        ("worklog.author", WorklogField::Author, "Worklog author"),
        ("worklog.authorAccountId", WorklogField::AuthorAccountId, "Worklog author account id"),
        ("worklog.updateAuthor", WorklogField::UpdateAuthor, "Worklog updated by"),
        ("worklog.started", WorklogField::Started, "Work started"),
        ("worklog.created", WorklogField::Created, "Worklog created"),
        ("worklog.updated", WorklogField::Updated, "Worklog updated"),
        ("worklog.timeSpent", WorklogField::TimeSpent, "Time spent"),
        ("worklog.timeSpentSeconds", WorklogField::TimeSpentSeconds, "Time spent (seconds)"),
        ("worklog.timeSpentHours", WorklogField::TimeSpentHours, "Time spent (hours)"),
        ("worklog.comment", WorklogField::Comment, "Worklog comment"),
    ];

    pub fn parse(id: &str) -> Option<WorklogField> {
        Self::ALL.iter().find(|(name, _, _)| *name == id).map(|(_, f, _)| *f)
    }

    /// The column ids, for messages.
    pub fn ids() -> String {
        Self::ALL.iter().map(|(id, _, _)| *id).collect::<Vec<_>>().join(", ")
    }

    /// The cell of this column for `w`.
    pub fn value(self, w: &Worklog) -> Value {
        match self {
            WorklogField::Id => match &w.id {
                Json::Null => Value::Null,
                Json::String(s) => Value::Text(s.clone()),
                other => Value::Text(other.to_string()),
            },
            WorklogField::Author => render(&w.author, FieldKind::Any),
            WorklogField::AuthorAccountId => ["accountId", "name"]
                .iter()
                .find_map(|k| w.author.get(*k).and_then(Json::as_str).filter(|s| !s.is_empty()))
                .map_or(Value::Null, |s| Value::Text(s.to_string())),
            WorklogField::UpdateAuthor => render(&w.update_author, FieldKind::Any),
            WorklogField::Started => render(&w.started, FieldKind::DateTime),
            WorklogField::Created => render(&w.created, FieldKind::DateTime),
            WorklogField::Updated => render(&w.updated, FieldKind::DateTime),
            WorklogField::TimeSpent => w.time_spent.clone().map_or(Value::Null, Value::Text),
            WorklogField::TimeSpentSeconds => w.seconds().map_or(Value::Null, Value::Int),
            WorklogField::TimeSpentHours => w.seconds().map_or(Value::Null, |s| Value::Float(s as f64 / 3600.0)),
            WorklogField::Comment => render(&w.comment, FieldKind::Any),
        }
    }
}

/// `[from, to)`: the worklogs a report keeps, by `started`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorklogRange {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
}

impl WorklogRange {
    pub fn is_unbounded(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// Whether `w` is kept. Without a readable `started` it is kept only when
    /// there is no range to judge it by.
    pub fn contains(&self, w: &Worklog) -> bool {
        match w.started_at() {
            Some(t) => self.from.is_none_or(|f| t >= f) && self.to.is_none_or(|e| t < e),
            None => self.is_unbounded(),
        }
    }
}

/// The worklogs inline in a search answer's `worklog` field, and whether
/// they are all of the issue's worklogs. The field is a page object in
/// Jira's answers and a plain array in some documentation examples.
pub fn inline_worklogs(issue: &Issue) -> (Vec<Worklog>, bool) {
    match issue.fields.get("worklog") {
        Some(Json::Array(items)) => {
            (items.iter().filter_map(|w| serde_json::from_value(w.clone()).ok()).collect(), true)
        }
        Some(page @ Json::Object(_)) => match serde_json::from_value::<WorklogPage>(page.clone()) {
            Ok(p) => {
                let complete = p.total.is_none_or(|t| t as usize <= p.worklogs.len());
                (p.worklogs, complete)
            }
            Err(_) => (Vec::new(), false),
        },
        _ => (Vec::new(), false),
    }
}

/// All worklogs of one issue within `range` (Jira filters by start time,
/// Ferry checks again exactly). A 404 (the issue was deleted or moved since
/// the search) gives none rather than failing the export.
pub async fn fetch_worklogs(
    client: &JiraClient,
    issue: &Issue,
    range: WorklogRange,
) -> Result<Vec<Worklog>, JiraError> {
    let id = issue.id_text();
    let path = format!("/rest/api/3/issue/{}/worklog", path_segment(&id));
    let what = format!("the worklogs of issue {} (GET {path})", issue.key_text());
    let mut all = Vec::new();
    loop {
        let mut query = vec![("startAt", all.len().to_string()), ("maxResults", WORKLOG_PAGE_SIZE.to_string())];
        // Jira's bounds may be exclusive or inclusive: ask a millisecond wider.
        if let Some(from) = range.from {
            query.push(("startedAfter", (from.as_millisecond() - 1).to_string()));
        }
        if let Some(to) = range.to {
            query.push(("startedBefore", to.as_millisecond().to_string()));
        }
        let page: WorklogPage = match client.get(&path, &query, &what).await {
            Ok(p) => p,
            Err(e) if e.is_not_found() => {
                tracing::warn!(issue = %issue.key_text(), "issue gone while reading its worklogs; skipped");
                return Ok(all);
            }
            Err(e) => return Err(e),
        };
        let got = page.worklogs.len();
        all.extend(page.worklogs);
        if got == 0 || page.total.is_none_or(|t| all.len() as u64 >= t) {
            return Ok(all);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn worklog(v: Json) -> Worklog {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn worklog_columns_render_cloud_worklogs() {
        let w = worklog(json!({
            "author": {"accountId": "5b10", "displayName": "Mia Krystof"},
            "comment": {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "I did some work here."}]}]},
            "id": "100028", "started": "2021-01-17T12:34:00.000+0000", "timeSpent": "3h 20m", "timeSpentSeconds": 12000,
            "updated": "2021-01-18T23:45:00.000+0000", "visibility": {"type": "group"}
        }));
        let cells: Vec<Value> = WorklogField::ALL.iter().map(|(_, f, _)| f.value(&w)).collect();
        assert_eq!(
            cells,
            vec![
                Value::Text("100028".into()),
                Value::Text("Mia Krystof".into()),
                Value::Text("5b10".into()),
                Value::Null,
                Value::DateTime("2021-01-17T12:34:00Z".parse().unwrap()),
                Value::Null,
                Value::DateTime("2021-01-18T23:45:00Z".parse().unwrap()),
                Value::Text("3h 20m".into()),
                Value::Int(12000),
                Value::Float(12000.0 / 3600.0),
                Value::Text("I did some work here.".into()),
            ]
        );
    }

    #[test]
    fn the_range_is_half_open_on_started() {
        let r = WorklogRange {
            from: Some("2021-01-01T00:00:00Z".parse().unwrap()),
            to: Some("2021-02-01T00:00:00Z".parse().unwrap()),
        };
        let at = |s: &str| worklog(json!({"started": s}));
        assert!(r.contains(&at("2021-01-01T00:00:00.000+0000")));
        assert!(r.contains(&at("2021-01-31T23:59:59.999+0000")));
        assert!(!r.contains(&at("2021-02-01T00:00:00.000+0000")));
        assert!(!r.contains(&at("2021-01-01T00:59:59.000+0100")), "offsets count");
        assert!(!r.contains(&worklog(json!({}))), "no start, no place in a range");
        assert!(WorklogRange::default().contains(&worklog(json!({}))));
    }

    #[test]
    fn inline_pages_say_whether_they_are_complete() {
        let issue =
            |w: Json| Issue { fields: json!({"worklog": w}).as_object().unwrap().clone(), ..Default::default() };
        let (ws, complete) =
            inline_worklogs(&issue(json!({"startAt": 0, "maxResults": 20, "total": 0, "worklogs": []})));
        assert!(ws.is_empty() && complete);
        let (ws, complete) = inline_worklogs(&issue(json!({"maxResults": 1, "total": 3, "worklogs": [{"id": "1"}]})));
        assert_eq!((ws.len(), complete), (1, false));
        let (ws, complete) = inline_worklogs(&issue(json!([{"id": "1"}, {"id": "2"}])));
        assert_eq!((ws.len(), complete), (2, true));
        assert!(!inline_worklogs(&Issue::default()).1, "no inline page: ask the issue");
    }
}
