//! Airbyte's copy of a real Jira Cloud v3 issue (`airbyteio.atlassian.net`):
//! ADF description, an option custom field, a user-array custom field, a rank
//! string, a datetime custom field with a `-0800` offset, the "Parent Link"
//! object with `nonEditableReason`, `development: ""`, `timetracking: {}`,
//! and inline comment and worklog pages.

use ferry_core::model::report::ReportType;
use ferry_core::model::value::Value;

use super::{assert_rows, at, catalog, fixture, list, plan, text};
use crate::jira::search::SearchPage;
use crate::jira::worklogs::inline_worklogs;

const COLUMNS: [&str; 30] = [
    "key",
    "id",
    "summary",
    "Issue Type",
    "status",
    "priority",
    "project",
    "assignee",
    "reporter",
    "labels",
    "components",
    "fixVersions",
    "created",
    "updated",
    "statuscategorychangedate",
    "lastViewed",
    "customfield_10012",
    "Approvers",
    "customfield_10009",
    "Parent Link",
    "Rank",
    "Epic Name",
    "development",
    "timetracking",
    "description",
    "watches",
    "votes",
    "aggregateprogress",
    "comment",
    "workratio",
];

#[test]
fn the_airbyte_issue_renders_row_by_row() {
    let page: SearchPage =
        serde_json::from_value(fixture("airbyte-source-jira/unit_tests/responses/issues.json")).expect("search page");
    assert_eq!(page.issues.len(), 1);
    assert_eq!(page.next_token(), None, "no token, no next page");
    let site = catalog(&[
        ("summary", "Summary", "string"),
        ("issuetype", "Issue Type", "issuetype"),
        ("status", "Status", "status"),
        ("priority", "Priority", "priority"),
        ("project", "Project", "project"),
        ("assignee", "Assignee", "user"),
        ("reporter", "Reporter", "user"),
        ("labels", "Labels", "array"),
        ("components", "Components", "array"),
        ("fixVersions", "Fix versions", "array"),
        ("created", "Created", "datetime"),
        ("updated", "Updated", "datetime"),
        ("statuscategorychangedate", "Status Category Changed", "datetime"),
        ("lastViewed", "Last Viewed", "datetime"),
        ("customfield_10012", "Status (option)", "option"),
        ("customfield_10003", "Approvers", "array"),
        ("customfield_10009", "Change completion date", "datetime"),
        ("customfield_10018", "Parent Link", "any"),
        ("customfield_10019", "Rank", "any"),
        ("customfield_10011", "Epic Name", "string"),
        ("development", "development", "any"),
        ("timetracking", "Time tracking", "timetracking"),
        ("description", "Description", "string"),
        ("watches", "Watchers", "watches"),
        ("votes", "Votes", "votes"),
        ("aggregateprogress", "Σ Progress", "progress"),
        ("comment", "Comment", "comments-page"),
        ("workratio", "Work Ratio", "number"),
    ]);
    let rows: Vec<_> = page.issues.iter().map(|i| plan(&site, ReportType::Issues, &COLUMNS).issue_row(i)).collect();
    assert_rows(
        &rows,
        &[vec![
            text("TESTKEY13-1"),
            text("10627"),
            text("My Summary"),
            text("Epic"),
            text("To Do"),
            text("Low"),
            text("Test project 13"),
            text("integration test"),
            text("integration test"),
            list(&["test"]),
            list(&["Component 0"]),
            list(&[]),
            at("2022-06-09T23:29:31.871Z"),
            at("2022-12-08T10:22:18.889Z"),
            at("2022-06-09T23:29:32.382Z"),
            at("2022-12-09T14:08:31.026Z"),
            text("To Do"),
            list(&["integration test"]),
            at("2022-12-09T08:00:00Z"),
            Value::Null,
            text("0|i0077b:"),
            text("EPIC NAME TEXT"),
            text(""),
            Value::Null,
            text("Test issue"),
            Value::Int(1),
            Value::Int(0),
            Value::Int(0),
            list(&[]),
            Value::Int(-1),
        ]],
        &COLUMNS,
    );
    // The inline worklog page (total 0 of maxResults 20) is complete: no extra request.
    let (worklogs, complete) = inline_worklogs(&page.issues[0]);
    assert!(worklogs.is_empty() && complete);
}
