//! Jira field values → typed cells. The JSON shape decides (user → display
//! name, option → value, version/component/sprint/status → name, issue →
//! key, ADF → plain text, arrays → lists), the field's schema only says
//! whether a string is a date or date-time. Nothing here fails: an
//! unexpected shape becomes its most readable text, never a lost row.
//!
//! Documented choices: an SLA field holding an error object
//! (`{errorMessage, i18nErrorMessage}`) is an empty cell; `{}` is empty;
//! `watches`/`votes` are counts; `progress` is the seconds logged; a
//! cascading option is `Parent - Child`; an issue link is `blocks KEY-1`;
//! a field that only holds a `nonEditableReason` is empty; comments and
//! worklogs in an issues report read `Author: text` / `Author: 3h`; an object
//! of no known shape is its compact JSON.

use ferry_core::model::value::Value;
use serde_json::{Map, Value as Json};

use super::adf;
use super::dates::{from_epoch_millis, parse_date, parse_datetime};

/// What a field's schema says about its strings and numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    DateTime,
    Date,
    Number,
    /// Anything else: rendered by shape.
    Any,
}

impl FieldKind {
    /// From the schema's `type` (`datetime`, `date`, `number`, …).
    pub fn from_schema_type(t: &str) -> FieldKind {
        match t {
            "datetime" => FieldKind::DateTime,
            "date" => FieldKind::Date,
            "number" => FieldKind::Number,
            _ => FieldKind::Any,
        }
    }

    /// For fields without a schema (a `names` map, a test): the system date fields.
    pub fn of_system_field(id: &str) -> FieldKind {
        match id {
            "created" | "updated" | "resolutiondate" | "lastViewed" | "statuscategorychangedate" => FieldKind::DateTime,
            "duedate" => FieldKind::Date,
            "timespent"
            | "timeestimate"
            | "timeoriginalestimate"
            | "aggregatetimespent"
            | "aggregatetimeestimate"
            | "aggregatetimeoriginalestimate"
            | "workratio" => FieldKind::Number,
            _ => FieldKind::Any,
        }
    }
}

/// The cell for one field value.
pub fn render(value: &Json, kind: FieldKind) -> Value {
    match value {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => {
            if kind == FieldKind::DateTime {
                if let Some(t) = n.as_i64().and_then(from_epoch_millis) {
                    return Value::DateTime(t);
                }
            }
            match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => Value::Int(i),
                (None, Some(f)) => Value::Float(f),
                (None, None) => Value::Text(n.to_string()),
            }
        }
        Json::String(s) => match kind {
            FieldKind::DateTime => parse_datetime(s).map_or_else(|| Value::Text(s.clone()), Value::DateTime),
            FieldKind::Date => parse_date(s).map_or_else(|| Value::Text(s.clone()), Value::Date),
            _ => Value::Text(s.clone()),
        },
        Json::Array(items) => Value::List(items.iter().filter_map(item_text).collect()),
        Json::Object(o) => object_value(o),
    }
}

fn object_value(o: &Map<String, Json>) -> Value {
    let count = |key: &str| o.get(key).and_then(Json::as_i64).map(Value::Int);
    if let Some(n) = count("watchCount").or_else(|| count("votes")) {
        return n;
    }
    if o.contains_key("progress") && o.contains_key("total") {
        return count("progress").unwrap_or(Value::Null);
    }
    if let Some(Json::Array(comments)) = o.get("comments") {
        return Value::List(comments.iter().filter_map(item_text).collect());
    }
    if let Some(Json::Array(worklogs)) = o.get("worklogs") {
        return Value::List(worklogs.iter().filter_map(item_text).collect());
    }
    match object_text(o) {
        Some(text) => Value::Text(text),
        None => Value::Null,
    }
}

/// The text of one array item (None: nothing to show).
fn item_text(item: &Json) -> Option<String> {
    match item {
        Json::Null => None,
        Json::String(s) => Some(sprint_name(s).unwrap_or(s).to_string()),
        Json::Bool(b) => Some(b.to_string()),
        Json::Number(n) => Some(n.to_string()),
        Json::Array(inner) => Some(inner.iter().filter_map(item_text).collect::<Vec<_>>().join(", ")),
        Json::Object(o) => object_text(o),
    }
}

fn text<'a>(o: &'a Map<String, Json>, key: &str) -> Option<&'a str> {
    o.get(key).and_then(Json::as_str).filter(|s| !s.is_empty())
}

/// The readable text of a Jira object, by shape.
fn object_text(o: &Map<String, Json>) -> Option<String> {
    let as_json = Json::Object(o.clone());
    if adf::is_adf(&as_json) {
        return Some(adf::to_plain_text(&as_json));
    }
    if o.contains_key("errorMessage") || o.is_empty() {
        return None;
    }
    // A comment or worklog: "Author: body" / "Author: 3h".
    if let Some(body) = o.get("body").or_else(|| o.get("timeSpent").filter(|_| o.contains_key("started"))) {
        let body = match body {
            Json::String(s) => s.clone(),
            other => item_text(other).unwrap_or_default(),
        };
        return Some(match o.get("author").and_then(item_text) {
            Some(author) => format!("{author}: {body}"),
            None => body,
        });
    }
    if let Some(name) = text(o, "displayName") {
        return Some(name.to_string());
    }
    if o.contains_key("outwardIssue") || o.contains_key("inwardIssue") {
        return issue_link(o);
    }
    if let Some(value) = text(o, "value") {
        return Some(match o.get("child").and_then(|c| c.get("value")).and_then(Json::as_str) {
            Some(child) => format!("{value} - {child}"),
            None => value.to_string(),
        });
    }
    for key in ["name", "key", "filename", "title", "emailAddress", "accountId"] {
        if let Some(t) = text(o, key) {
            return Some(t.to_string());
        }
    }
    // A field that only says why it has no value ("Parent Link" without Premium).
    if o.contains_key("nonEditableReason") {
        return None;
    }
    // timetracking: its texts, "originalEstimate: 1d, remainingEstimate: 2h".
    let estimates: Vec<String> = ["originalEstimate", "remainingEstimate", "timeSpent"]
        .iter()
        .filter_map(|k| text(o, k).map(|v| format!("{k}: {v}")))
        .collect();
    if !estimates.is_empty() {
        return Some(estimates.join(", "));
    }
    Some(as_json.to_string())
}

/// `blocks TEST-2` / `is blocked by TEST-3`.
fn issue_link(o: &Map<String, Json>) -> Option<String> {
    let link_type = o.get("type").and_then(Json::as_object);
    let (direction, issue) = match (o.get("outwardIssue"), o.get("inwardIssue")) {
        (Some(issue), _) => ("outward", issue),
        (None, Some(issue)) => ("inward", issue),
        _ => return None,
    };
    let key = issue.get("key").and_then(Json::as_str).filter(|k| !k.is_empty())?;
    match link_type.and_then(|t| t.get(direction)).and_then(Json::as_str).filter(|s| !s.is_empty()) {
        Some(verb) => Some(format!("{verb} {key}")),
        None => Some(key.to_string()),
    }
}

/// The name inside a legacy sprint string:
/// `com.atlassian.greenhopper.service.sprint.Sprint@1a2b[id=1,rapidViewId=2,state=CLOSED,name=Sprint 1,startDate=…]`.
fn sprint_name(s: &str) -> Option<&str> {
    if !s.contains("service.sprint.Sprint@") {
        return None;
    }
    let start = s.find(",name=")? + ",name=".len();
    let rest = &s[start..];
    // The name ends at the next `,field=` (a name may itself contain commas).
    let end = rest
        .match_indices(',')
        .find(|(i, _)| {
            let after = &rest[i + 1..];
            after.split_once('=').is_some_and(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric()))
        })
        .map_or(rest.len().saturating_sub(1), |(i, _)| i);
    Some(&rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn any(v: Json) -> Value {
        render(&v, FieldKind::Any)
    }

    fn texts(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn each_value_shape_becomes_the_right_cell() {
        assert_eq!(
            any(json!({"accountId": "5fc9", "displayName": "integration test", "active": true})),
            Value::Text("integration test".into())
        );
        assert_eq!(any(json!({"self": "…", "value": "To Do", "id": "10016"})), Value::Text("To Do".into()));
        assert_eq!(
            any(json!({"value": "Hardware", "child": {"value": "Laptop"}})),
            Value::Text("Hardware - Laptop".into())
        );
        assert_eq!(any(json!([{"value": "A"}, {"value": "B"}])), texts(&["A", "B"]));
        assert_eq!(any(json!([{"id": "10065", "name": "Component 0", "description": "x"}])), texts(&["Component 0"]));
        assert_eq!(any(json!([{"id": 1, "name": "Sprint 7", "state": "active", "boardId": 2}])), texts(&["Sprint 7"]));
        assert_eq!(any(json!({"key": "TEST-9", "fields": {"summary": "s"}})), Value::Text("TEST-9".into()));
        assert_eq!(any(json!({"name": "Low", "id": "4"})), Value::Text("Low".into()));
        assert_eq!(any(json!(["test"])), texts(&["test"]));
        assert_eq!(any(json!([])), Value::List(vec![]));
        assert_eq!(any(json!(null)), Value::Null);
        assert_eq!(any(json!("")), Value::Text("".into()));
        assert_eq!(any(json!({})), Value::Null);
        assert_eq!(any(json!(1.0)), Value::Float(1.0));
        assert_eq!(any(json!(2217960)), Value::Int(2217960));
        assert_eq!(any(json!(true)), Value::Bool(true));
        assert_eq!(any(json!({"watchCount": 12, "isWatching": true})), Value::Int(12));
        assert_eq!(any(json!({"votes": 0, "hasVoted": false})), Value::Int(0));
        assert_eq!(any(json!({"progress": 60, "total": 120, "percent": 50})), Value::Int(60));
        assert_eq!(
            any(json!({"showField": false, "nonEditableReason": {"reason": "PLUGIN_LICENSE_ERROR"}})),
            Value::Null
        );
        assert_eq!(any(json!({"odd": [1, 2]})), Value::Text("{\"odd\":[1,2]}".into()));
        assert_eq!(
            any(
                json!({"errorMessage": "The service project you are trying to view does not exist.", "i18nErrorMessage": {}})
            ),
            Value::Null
        );
        assert_eq!(
            any(json!([{"type": {"inward": "is blocked by", "outward": "blocks"}, "outwardIssue": {"key": "TEST-2"}},
                       {"type": {"inward": "is blocked by", "outward": "blocks"}, "inwardIssue": {"key": "TEST-3"}},
                       {"id": "10002", "outwardIssue": {}}])),
            texts(&["blocks TEST-2", "is blocked by TEST-3"])
        );
        assert_eq!(
            any(
                json!({"originalEstimate": "15w 2d 6m", "remainingEstimate": "15w 2d 6m", "originalEstimateSeconds": 2217960})
            ),
            Value::Text("originalEstimate: 15w 2d 6m, remainingEstimate: 15w 2d 6m".into())
        );
    }

    #[test]
    fn dates_follow_the_schema_and_tolerate_odd_shapes() {
        let dt = |v| render(&v, FieldKind::DateTime);
        assert_eq!(
            dt(json!("2022-06-09T16:29:32.382-0700")),
            Value::DateTime("2022-06-09T23:29:32.382Z".parse().unwrap())
        );
        assert_eq!(dt(json!(1)), Value::DateTime("1970-01-01T00:00:00.001Z".parse().unwrap()));
        assert_eq!(dt(json!("Today 12:51 AM")), Value::Text("Today 12:51 AM".into()));
        assert_eq!(render(&json!("2024-12-30"), FieldKind::Date), Value::Date(jiff::civil::date(2024, 12, 30)));
        // Without a date schema a date-looking string stays text.
        assert_eq!(any(json!("2024-12-30")), Value::Text("2024-12-30".into()));
    }

    #[test]
    fn rich_text_comments_and_legacy_sprints_read_as_text() {
        let adf = json!({"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Test issue"}]}]});
        assert_eq!(any(adf.clone()), Value::Text("Test issue".into()));
        assert_eq!(any(json!("plain description")), Value::Text("plain description".into()));
        assert_eq!(
            any(json!({"comments": [{"author": {"displayName": "Ann"}, "body": adf}, {"body": "plain"}], "total": 2})),
            texts(&["Ann: Test issue", "plain"])
        );
        let legacy = "com.atlassian.greenhopper.service.sprint.Sprint@14b1c359[id=1,rapidViewId=1,state=CLOSED,name=Sprint 1, part two,startDate=2017-01-01T00:00:00.000Z,endDate=<null>]";
        assert_eq!(any(json!([legacy])), texts(&["Sprint 1, part two"]));
    }
}
