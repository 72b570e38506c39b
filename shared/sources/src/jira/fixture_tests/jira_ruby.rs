//! jira-ruby's legacy Jira Server v2 shapes (2011–2012, `+1300` offsets):
//! an offset-paged `/search` page and worklogs with `timeSpent` but no
//! `timeSpentSeconds`, by `name`-based users. Tolerance only: the documented
//! fallback leaves the seconds empty and keeps Jira's `timeSpent` text.

use ferry_core::model::report::ReportType;
use ferry_core::model::value::Value;

use super::{assert_rows, at, catalog, fixture, plan, text};
use crate::jira::search::{Issue, SearchPage};
use crate::jira::worklogs::{inline_worklogs, WorklogRange};

#[test]
fn the_legacy_search_page_parses_and_ends_paging() {
    let page: SearchPage = serde_json::from_value(fixture("jira-ruby/spec/mock_responses/issue.json")).unwrap();
    assert_eq!(page.next_token(), None);
    let site = catalog(&[
        ("summary", "Summary", "string"),
        ("status", "Status", "status"),
        ("created", "Created", "datetime"),
        ("assignee", "Assignee", "user"),
        ("timespent", "Time Spent", "number"),
    ]);
    let columns = ["key", "summary", "status", "created", "assignee", "timespent"];
    let plan = plan(&site, ReportType::Issues, &columns);
    let rows: Vec<_> = page.issues.iter().map(|i| plan.issue_row(i)).collect();
    let expected: Vec<_> = [
        ("SAMPLEPROJECT-13", "blarg from in example.rb", "2011-12-15T02:35:06Z"),
        ("SAMPLEPROJECT-12", "blarg from in example.rb", "2011-12-15T02:34:58Z"),
        ("SAMPLEPROJECT-11", "blarg from in example.rb", "2011-12-15T02:34:48Z"),
        ("SAMPLEPROJECT-10", "blarg from in example.rb", "2011-12-15T02:11:57Z"),
        ("SAMPLEPROJECT-9", "blarg from in example.rb", "2011-12-15T02:11:45Z"),
        ("SAMPLEPROJECT-8", "blarg from in example.rb", "2011-12-15T01:19:49Z"),
        ("SAMPLEPROJECT-7", "blarg from in example.rb", "2011-12-14T01:50:38Z"),
        ("SAMPLEPROJECT-6", "blarg from in example.rb", "2011-12-14T01:49:35Z"),
        ("SAMPLEPROJECT-5", "blah", "2011-12-14T01:46:58Z"),
        ("SAMPLEPROJECT-4", "blah", "2011-12-13T23:11:48Z"),
        ("SAMPLEPROJECT-1", "MOOOOOOARRR NINJAAAA!", "2011-12-13T21:26:06Z"),
    ]
    .iter()
    .map(|(key, summary, created)| {
        vec![text(key), text(summary), text("Open"), at(created), text("admin"), Value::Null]
    })
    .collect();
    assert_rows(&rows, &expected, &columns);
}

#[test]
fn legacy_worklogs_without_seconds_keep_their_text_and_leave_seconds_empty() {
    let page = fixture("jira-ruby/spec/mock_responses/issue/10002/worklog.json");
    let issue: Issue = serde_json::from_value(
        serde_json::json!({"id": "10002", "key": "SAMPLEPROJECT-2", "fields": {"worklog": page}}),
    )
    .unwrap();
    let (worklogs, complete) = inline_worklogs(&issue);
    assert!(complete, "total 3 of 3");
    let columns = [
        "key",
        "worklog.id",
        "worklog.author",
        "worklog.authorAccountId",
        "worklog.started",
        "worklog.timeSpent",
        "worklog.timeSpentSeconds",
        "worklog.timeSpentHours",
        "worklog.comment",
    ];
    let plan = plan(&catalog(&[]), ReportType::Worklogs, &columns);
    let range = WorklogRange { from: Some("2012-01-12T00:00:00Z".parse().unwrap()), to: None };
    let rows: Vec<_> = worklogs.iter().filter(|w| range.contains(w)).map(|w| plan.worklog_row(&issue, w)).collect();
    let row = |id: &str, started: &str, spent: &str, comment: Value| {
        vec![
            text("SAMPLEPROJECT-2"),
            text(id),
            text("admin"),
            text("admin"),
            at(started),
            text(spent),
            Value::Null,
            Value::Null,
            comment,
        ]
    };
    assert_rows(
        &rows,
        &[
            // 10000 started 2012-01-11T13:33+13:00 = 2012-01-11T00:33Z: before the range.
            row("10001", "2012-01-12T03:08:58.529Z", "4d", Value::Null),
            row("10002", "2012-01-12T03:20:39.541Z", "3d", Value::Null),
        ],
        &columns,
    );
    let all: Vec<_> = worklogs.iter().map(|w| plan.worklog_row(&issue, w)).collect();
    assert_eq!(all[0][5], text("18w 2d"));
    assert_eq!(all[0][8], text("Some epic work."));
}
