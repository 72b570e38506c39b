use super::*;
use crate::jira::changelog_reads::{BulkPage, BulkRequest, Page};
use crate::jira::fixture_tests::fixture;
use serde_json::json;

fn collect(logs: &[(&str, Json)]) -> StatusChanges {
    let mut c = Collected::default();
    for (id, histories) in logs {
        let histories: Vec<History> = serde_json::from_value(histories.clone()).unwrap();
        c.add(id, &histories);
    }
    c.into_changes()
}

#[test]
fn the_openapi_examples_parse_and_hold_no_status_change() {
    let bulk: BulkPage<History> =
        serde_json::from_value(fixture("jira-cloud-openapi/examples/getBulkChangelogs.200.json")).unwrap();
    assert_eq!(bulk.next_page_token.as_deref(), Some("UxAQBFRF"));
    assert_eq!(text(&bulk.issue_change_logs[0].issue_id), "10100");
    let histories = &bulk.issue_change_logs[0].change_histories;
    assert_eq!(histories.len(), 2);
    // Bulk answers give epoch milliseconds, the issue's own changelog text: the same instant.
    let per_issue: Page<History> =
        serde_json::from_value(fixture("jira-cloud-openapi/examples/getChangeLogs.200.json")).unwrap();
    assert_eq!(histories[0].at(), per_issue.values[0].at());
    assert_eq!((per_issue.total, per_issue.is_last), (Some(5), Some(false)));
    assert!(
        histories.iter().chain(&per_issue.values).all(|h| h.status_change().is_none()),
        "summary and label changes"
    );
}

#[test]
fn status_items_become_changes_sorted_by_time_then_history() {
    let item = |from: &str, to: &str| json!({"field": "status", "fieldtype": "jira", "fieldId": "status", "from": "1", "fromString": from, "to": "3", "toString": to});
    let changes = collect(&[
        (
            "10001",
            json!([
                {"id": "12", "created": 1_767_261_600_000_i64, "items": [item("In Progress", "Done")]},
                {"id": "11", "created": "2026-01-01T09:00:00.000+0000", "items": [
                    {"field": "summary", "fieldId": "summary", "fromString": "a", "toString": "b"}, item("To Do", "In Progress")]},
                {"id": "10", "created": "2026-01-01T08:00:00.000+0000", "items": [{"field": "labels", "toString": "x"}]}
            ]),
        ),
        ("10002", json!([])),
    ]);
    let one = &changes["10001"];
    assert_eq!(one.len(), 2);
    assert_eq!((one[0].from.as_deref(), one[0].to.as_str()), (Some("To Do"), "In Progress"));
    assert_eq!(one[1].at, "2026-01-01T10:00:00Z".parse().unwrap());
    assert!(changes["10002"].is_empty());
}

#[test]
fn the_bulk_request_asks_for_status_changes_only() {
    let ids = vec!["10001".to_string(), "10002".to_string()];
    let body = serde_json::to_value(BulkRequest {
        issue_ids_or_keys: &ids,
        field_ids: &["status"],
        max_results: 1000,
        next_page_token: None,
    })
    .unwrap();
    assert_eq!(body, json!({"issueIdsOrKeys": ["10001", "10002"], "fieldIds": ["status"], "maxResults": 1000}));
    // The `issue_history` table's request: no field ids, every field's changes.
    let every_field = serde_json::to_value(BulkRequest {
        issue_ids_or_keys: &ids,
        field_ids: &[],
        max_results: 1000,
        next_page_token: None,
    })
    .unwrap();
    assert_eq!(every_field, json!({"issueIdsOrKeys": ["10001", "10002"], "maxResults": 1000}));
}
