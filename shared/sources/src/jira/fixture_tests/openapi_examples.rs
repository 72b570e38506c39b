//! Atlassian's documentation examples from the v3 OpenAPI spec. Not real
//! answers: `updated` is the integer `1`, `description` a plain string,
//! comments and worklogs plain arrays, attachment ids numbers. A parser that
//! reads these and the real files is tolerant in the right places.

use ferry_core::model::report::ReportType;
use ferry_core::model::value::Value;

use super::{assert_rows, at, catalog, fixture, list, plan, text};
use crate::jira::fields::FieldCatalog;
use crate::jira::myself::Myself;
use crate::jira::search::SearchPage;
use crate::jira::worklogs::{inline_worklogs, Worklog, WorklogField};

const EXAMPLES: &str = "jira-cloud-openapi/examples";

#[test]
fn the_search_example_with_an_integer_date_and_a_string_description_renders() {
    let page: SearchPage =
        serde_json::from_value(fixture(&format!("{EXAMPLES}/searchAndReconsileIssuesUsingJqlPost.200.json"))).unwrap();
    assert_eq!(page.next_token(), None);
    let site = catalog(&[
        ("updated", "Updated", "datetime"),
        ("description", "Description", "string"),
        ("project", "Project", "project"),
        ("attachment", "Attachment", "array"),
        ("comment", "Comment", "comments-page"),
        ("issuelinks", "Linked Issues", "array"),
        ("worklog", "Log Work", "array"),
        ("timetracking", "Time tracking", "timetracking"),
        ("watcher", "Watcher", "watches"),
        ("sub-tasks", "Sub-tasks", "array"),
    ]);
    let columns = [
        "key",
        "id",
        "updated",
        "description",
        "project",
        "attachment",
        "comment",
        "issuelinks",
        "worklog",
        "timetracking",
        "watcher",
        "sub-tasks",
    ];
    let rows: Vec<_> = page.issues.iter().map(|i| plan(&site, ReportType::Issues, &columns).issue_row(i)).collect();
    assert_rows(
        &rows,
        &[vec![
            text("ED-1"),
            text("10002"),
            at("1970-01-01T00:00:00.001Z"),
            text("Main order flow broken"),
            text("Example"),
            list(&["debuglog.txt"]),
            list(&["Mia Krystof: Lorem ipsum dolor sit amet, consectetur adipiscing elit. Pellentesque eget venenatis elit. \
                    Duis eu justo eget augue iaculis fermentum. Sed semper quam laoreet nisi egestas at posuere augue semper."]),
            list(&["is depended by PR-2", "depends on PR-3"]),
            list(&["Mia Krystof: 3h 20m"]),
            text("originalEstimate: 10m, remainingEstimate: 3m, timeSpent: 6m"),
            Value::Int(1),
            list(&["Sub-task ED-2"]),
        ]],
        &columns,
    );
    // A plain array of worklogs is complete: no worklog request for this issue.
    let (worklogs, complete) = inline_worklogs(&page.issues[0]);
    assert_eq!((worklogs.len(), complete), (1, true));
    assert_eq!(WorklogField::TimeSpentSeconds.value(&worklogs[0]), Value::Int(12000));
}

#[test]
fn the_worklog_field_user_and_count_examples_parse() {
    let page = fixture(&format!("{EXAMPLES}/getIssueWorklog.200.json"));
    let worklogs: Vec<Worklog> = serde_json::from_value(page["worklogs"].clone()).unwrap();
    let plan_columns = [
        "worklog.id",
        "worklog.author",
        "worklog.started",
        "worklog.updated",
        "worklog.timeSpentHours",
        "worklog.comment",
    ];
    let issue = serde_json::from_value(serde_json::json!({"id": "10002", "key": "ED-1"})).unwrap();
    let row = plan(&catalog(&[]), ReportType::Worklogs, &plan_columns).worklog_row(&issue, &worklogs[0]);
    assert_rows(
        &[row],
        &[vec![
            text("100028"),
            text("Mia Krystof"),
            at("2021-01-17T12:34:00Z"),
            at("2021-01-18T23:45:00Z"),
            Value::Float(12000.0 / 3600.0),
            text("I did some work here."),
        ]],
        &plan_columns,
    );
    let fields =
        FieldCatalog::from_json(fixture(&format!("{EXAMPLES}/getFields.200.json")).as_array().unwrap().clone());
    assert_eq!(fields.resolve(0, "Summary").unwrap().id, "summary");
    let me: Myself = serde_json::from_value(fixture(&format!("{EXAMPLES}/getCurrentUser.200.json"))).unwrap();
    assert_eq!((me.label().as_str(), me.time_zone.as_deref()), ("Mia Krystof", Some("Australia/Sydney")));
    let count: serde_json::Value = fixture(&format!("{EXAMPLES}/countIssues.200.json"));
    assert_eq!(count["count"], 153);
}
