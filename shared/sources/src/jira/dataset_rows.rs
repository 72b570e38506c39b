//! Rows of a Jira dataset's issue tables from search answers, in the columns
//! of `ferry_core::model::dataset::JIRA_TABLES`: `issues` (one row per issue,
//! people as account ids so they join `users`), `issue_fields` (one row per
//! issue and field value: every field the issue has a value in, custom ones
//! included, a multi-value field one row per value, rendered as in an issues
//! report) and `worklogs`.

use ferry_core::model::value::{Row, Value};
use jiff::Timestamp;
use serde_json::Value as Json;

use super::fields::FieldCatalog;
use super::search::Issue;
use super::values::{render, FieldKind};
use super::worklogs::Worklog;

/// Fields asked of the search for the `issues` table.
pub const ISSUE_FIELDS: [&str; 14] = [
    "summary",
    "status",
    "priority",
    "resolution",
    "issuetype",
    "project",
    "assignee",
    "reporter",
    "parent",
    "created",
    "updated",
    "resolutiondate",
    "duedate",
    "description",
];

/// Fields that are not an issue's values: `worklog` has its own table,
/// the others describe the reader (`lastViewed`) or the issue's page.
const NOT_VALUES: [&str; 4] = ["worklog", "issuerestriction", "lastViewed", "thumbnail"];

/// Jira's numeric id as an integer (kept as text if it is not one).
pub fn id_cell(id: &str) -> Value {
    match id.trim() {
        "" => Value::Null,
        s => s.parse::<i64>().map(Value::Int).unwrap_or_else(|_| Value::Text(s.to_string())),
    }
}

fn json_id(v: &Json) -> Value {
    match v {
        Json::String(s) => id_cell(s),
        Json::Number(n) => n.as_i64().map_or(Value::Null, Value::Int),
        _ => Value::Null,
    }
}

/// The text at `path` inside a field value (`["status", "name"]`).
fn text_at(fields: &serde_json::Map<String, Json>, path: &[&str]) -> Value {
    let mut at = fields.get(path[0]);
    for key in &path[1..] {
        at = at.and_then(|v| v.get(*key));
    }
    match at.and_then(Json::as_str).filter(|s| !s.is_empty()) {
        Some(s) => Value::Text(s.to_string()),
        None => Value::Null,
    }
}

fn time_of(fields: &serde_json::Map<String, Json>, id: &str) -> Value {
    fields.get(id).map_or(Value::Null, |v| render(v, FieldKind::DateTime))
}

/// An `issues` row.
pub fn issue_row(issue: &Issue) -> Row {
    let f = &issue.fields;
    vec![
        id_cell(&issue.id_text()),
        Value::Text(issue.key_text()),
        text_at(f, &["project", "key"]),
        text_at(f, &["issuetype", "name"]),
        f.get("summary").map_or(Value::Null, |v| render(v, FieldKind::Any)),
        text_at(f, &["status", "name"]),
        text_at(f, &["status", "statusCategory", "name"]),
        text_at(f, &["priority", "name"]),
        text_at(f, &["resolution", "name"]),
        text_at(f, &["assignee", "accountId"]),
        text_at(f, &["reporter", "accountId"]),
        text_at(f, &["parent", "key"]),
        time_of(f, "created"),
        time_of(f, "updated"),
        time_of(f, "resolutiondate"),
        f.get("duedate").map_or(Value::Null, |v| render(v, FieldKind::Date)),
        f.get("description").map_or(Value::Null, |v| render(v, FieldKind::Any)),
    ]
}

/// The `issue_fields` rows of one issue, by field id; fields without a
/// value (null, empty text or list, an SLA error) have none.
pub fn field_rows(issue: &Issue, catalog: &FieldCatalog) -> Vec<Row> {
    let mut ids: Vec<&String> = issue.fields.keys().filter(|k| !NOT_VALUES.contains(&k.as_str())).collect();
    ids.sort();
    let (issue_id, key) = (id_cell(&issue.id_text()), Value::Text(issue.key_text()));
    let mut rows = Vec::new();
    for id in ids {
        let (name, kind) = catalog.describe(id);
        let values = match render(&issue.fields[id], kind) {
            Value::Null => Vec::new(),
            Value::Text(t) if t.is_empty() => Vec::new(),
            Value::List(items) => items.into_iter().filter(|i| !i.is_empty()).map(Value::Text).collect(),
            one => vec![one],
        };
        for value in values {
            rows.push(vec![issue_id.clone(), key.clone(), Value::Text(id.clone()), Value::Text(name.clone()), value]);
        }
    }
    rows
}

fn account(v: &Json) -> Value {
    match v.get("accountId").and_then(Json::as_str).filter(|s| !s.is_empty()) {
        Some(s) => Value::Text(s.to_string()),
        None => Value::Null,
    }
}

/// When a worklog last changed: `updated`, else `created`, else `started`.
pub fn worklog_changed(w: &Worklog) -> Option<Timestamp> {
    [&w.updated, &w.created, &w.started].into_iter().find_map(|v| match render(v, FieldKind::DateTime) {
        Value::DateTime(t) => Some(t),
        _ => None,
    })
}

/// A `worklogs` row.
pub fn worklog_row(issue: &Issue, w: &Worklog) -> Row {
    let time = |v: &Json| match render(v, FieldKind::DateTime) {
        t @ Value::DateTime(_) => t,
        _ => Value::Null,
    };
    vec![
        json_id(&w.id),
        id_cell(&issue.id_text()),
        Value::Text(issue.key_text()),
        account(&w.author),
        account(&w.update_author),
        time(&w.started),
        time(&w.created),
        time(&w.updated),
        w.time_spent_seconds.as_ref().and_then(Json::as_i64).map_or(Value::Null, Value::Int),
        render(&w.comment, FieldKind::Any),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn issue(fields: Json) -> Issue {
        Issue { id: json!("10001"), key: Some("A-1".into()), fields: fields.as_object().unwrap().clone() }
    }

    #[test]
    fn field_rows_are_one_per_value_by_field_id_without_empty_ones() {
        let catalog = FieldCatalog::from_json(vec![
            json!({"id": "customfield_10040", "name": "Platforms", "custom": true, "schema": {"type": "array"}}),
            json!({"id": "duedate", "name": "Due date", "schema": {"type": "date"}}),
        ]);
        let i = issue(json!({
            "customfield_10040": [{"value": "iOS"}, {"value": "Web"}],
            "duedate": "2026-02-01", "summary": "", "assignee": null, "labels": [],
            "worklog": {"worklogs": []}, "customfield_10060": {"errorMessage": "x"}
        }));
        let rows = field_rows(&i, &catalog);
        let text = |s: &str| Value::Text(s.into());
        assert_eq!(
            rows,
            vec![
                vec![Value::Int(10001), text("A-1"), text("customfield_10040"), text("Platforms"), text("iOS")],
                vec![Value::Int(10001), text("A-1"), text("customfield_10040"), text("Platforms"), text("Web")],
                vec![
                    Value::Int(10001),
                    text("A-1"),
                    text("duedate"),
                    text("Due date"),
                    Value::Date(jiff::civil::date(2026, 2, 1))
                ],
            ]
        );
    }

    #[test]
    fn issue_rows_name_people_by_account_id() {
        let i = issue(json!({"assignee": {"accountId": "5b10", "displayName": "Mia"}, "project": {"key": "A"},
            "status": {"name": "Done", "statusCategory": {"name": "Done"}}, "created": "2026-01-02T03:04:05.000-0700"}));
        let row = issue_row(&i);
        assert_eq!(row.len(), 17);
        assert_eq!(
            (&row[2], &row[5], &row[6], &row[9]),
            (
                &Value::Text("A".into()),
                &Value::Text("Done".into()),
                &Value::Text("Done".into()),
                &Value::Text("5b10".into())
            )
        );
        assert_eq!(row[12], Value::DateTime("2026-01-02T10:04:05Z".parse().unwrap()));
        assert_eq!(row[14], Value::Null);
    }
}
