//! jira-cli's minimal v3 shapes: a `/search/jql` page of three issues with
//! nulls, an issue with an ADF description and a link to an empty issue, and
//! three `/field` entries (a version array, a custom number, a system number).

use ferry_core::model::report::ReportType;
use ferry_core::model::value::{FieldType, Value};

use super::{assert_rows, at, fixture, list, plan, text};
use crate::jira::fields::FieldCatalog;
use crate::jira::search::{Issue, SearchPage};

fn site() -> FieldCatalog {
    let fields = fixture("jira-cli/pkg/jira/testdata/fields.json");
    let mut all: Vec<serde_json::Value> = fields.as_array().expect("a field list").clone();
    // System fields the search uses, as a real /field answer lists them.
    for (id, name, kind) in [
        ("summary", "Summary", "string"),
        ("issuetype", "Issue Type", "issuetype"),
        ("status", "Status", "status"),
        ("priority", "Priority", "priority"),
        ("resolution", "Resolution", "resolution"),
        ("assignee", "Assignee", "user"),
        ("reporter", "Reporter", "user"),
        ("labels", "Labels", "array"),
        ("created", "Created", "datetime"),
        ("updated", "Updated", "datetime"),
        ("watches", "Watchers", "watches"),
        ("description", "Description", "string"),
        ("issuelinks", "Linked Issues", "array"),
    ] {
        all.push(serde_json::json!({"id": id, "name": name, "schema": {"type": kind}}));
    }
    FieldCatalog::from_json(all)
}

#[test]
fn the_jira_cli_field_list_gives_ids_names_and_types() {
    let infos = FieldCatalog::from_json(fixture("jira-cli/pkg/jira/testdata/fields.json").as_array().unwrap().clone())
        .field_infos();
    let got: Vec<(&str, &str, FieldType, bool)> =
        infos.iter().map(|f| (f.id.as_str(), f.name.as_str(), f.field_type, f.custom)).collect();
    assert_eq!(
        got,
        [
            ("key", "Key", FieldType::String, false),
            ("fixVersions", "Fix Version/s", FieldType::Array, false),
            ("customfield_10111", "Original story points", FieldType::Number, true),
            ("timespent", "Time Spent", FieldType::Number, false),
        ]
    );
}

#[test]
fn the_jira_cli_search_page_renders_row_by_row() {
    let page: SearchPage = serde_json::from_value(fixture("jira-cli/pkg/jira/testdata/search.json")).unwrap();
    assert_eq!(page.next_token(), None, "isLast");
    let columns = [
        "key",
        "Issue Type",
        "summary",
        "status",
        "priority",
        "resolution",
        "assignee",
        "reporter",
        "labels",
        "created",
        "watches",
    ];
    let plan = plan(&site(), ReportType::Issues, &columns);
    let rows: Vec<_> = page.issues.iter().map(|i| plan.issue_row(i)).collect();
    let created = at("2020-12-03T13:05:20.974Z");
    assert_rows(
        &rows,
        &[
            vec![
                text("TEST-1"),
                text("Bug"),
                text("Bug summary"),
                text("To Do"),
                text("Medium"),
                Value::Null,
                Value::Null,
                text("Person A"),
                list(&[]),
                created.clone(),
                Value::Int(1),
            ],
            vec![
                text("TEST-2"),
                text("Story"),
                text("Story summary"),
                text("In Progress"),
                text("High"),
                Value::Null,
                Value::Null,
                text("Person B"),
                list(&["critical", "feature"]),
                created.clone(),
                Value::Int(12),
            ],
            vec![
                text("TEST-3"),
                text("Task"),
                text("Task summary"),
                text("Done"),
                text("Low"),
                text("Done"),
                text("Person A"),
                text("Person C"),
                list(&[]),
                created,
                Value::Int(3),
            ],
        ],
        &columns,
    );
}

#[test]
fn the_jira_cli_issue_renders_its_adf_description_and_skips_an_empty_link() {
    let issue: Issue = serde_json::from_value(fixture("jira-cli/pkg/jira/testdata/issue.json")).unwrap();
    let columns = ["key", "description", "issuelinks", "updated", "Original story points", "fixVersions"];
    let row = plan(&site(), ReportType::Issues, &columns).issue_row(&issue);
    assert_rows(
        &[row],
        &[vec![
            text("TEST-1"),
            text("Test description"),
            list(&["TEST-2"]),
            at("2020-12-03T13:05:20.974Z"),
            // Asked for but absent from the answer: an empty cell.
            Value::Null,
            Value::Null,
        ]],
        &columns,
    );
}
