//! Demisto's copy of a real v3 `GET /issue` with `expand=names` from a Jira
//! Service Management site: custom fields picked by the names in its `names`
//! map, SLA fields holding error objects, a number custom field (`1.0`), a
//! date-only `duedate`, estimates, links, sub-tasks, attachments and ADF
//! comments.

use ferry_core::model::report::ReportType;
use ferry_core::model::value::{Row, Value};

use super::{assert_rows, at, fixture, list, plan, text};
use crate::jira::fields::FieldCatalog;
use crate::jira::search::Issue;

const PATH: &str = "demisto-jira-v3/Packs/Jira/Integrations/JiraV3/test_data/get_issue_test/raw_response.json";

const COLUMNS: [&str; 27] = [
    "key",
    "Summary",
    "Status",
    "Issue Type",
    "Priority",
    "Assignee",
    "Creator",
    "Project",
    "Labels",
    "Components",
    "Created",
    "Updated",
    "Due date",
    "Story Points",
    "Time to resolution",
    "Time to first response",
    "Responders",
    "Request participants",
    "aggregatetimeoriginalestimate",
    "timetracking",
    "Linked Issues",
    "Sub-tasks",
    "Attachment",
    "Comment",
    "Description",
    "Parent Link",
    "Resolution",
];

#[test]
fn the_demisto_issue_renders_row_by_row_with_columns_picked_by_name() {
    let raw = fixture(PATH);
    let names = raw["names"].as_object().expect("a names map").clone();
    let site = FieldCatalog::from_names(&names);
    let issue: Issue = serde_json::from_value(raw).expect("an issue");
    let row = plan(&site, ReportType::Issues, &COLUMNS).issue_row(&issue);
    let expected: Row = vec![
        text("COMPANYSA-35"),
        text("Testing summary XSOAR mirroring"),
        text("In Progress"),
        text("Story"),
        text("Low"),
        text("Example User"),
        text("Example User"),
        text("Company Snoozing App"),
        list(&["Demisto", "XSOAR", "dummy-label", "dummy-label2", "xsoar-mirror"]),
        list(&["Almost-Done", "dummy-comp", "Integration", "New-Component"]),
        at("2023-03-01T09:34:49.730Z"),
        at("2023-04-19T21:51:21.562Z"),
        Value::Date(jiff::civil::date(2024, 12, 30)),
        Value::Float(1.0),
        // SLA fields of a project the site no longer has: error objects, empty cells.
        Value::Null,
        Value::Null,
        list(&[]),
        list(&[]),
        Value::Int(2217960),
        text("originalEstimate: 15w 2d 6m, remainingEstimate: 15w 2d 6m"),
        list(&["is blocked by TSTPRD-6", "reviews XSOAR-19"]),
        list(&["COMPANYSA-63", "COMPANYSA-70"]),
        list(&["dummy.pdf"]),
        list(&["Example User: Hello there", "Example User: Second comment"]),
        text("XSOAR description stam"),
        Value::Null,
        Value::Null,
    ];
    assert_rows(&[row], &[expected], &COLUMNS);
}

#[test]
fn demisto_names_resolve_to_their_ids_and_the_double_escaped_sigma_is_taken_as_written() {
    let raw = fixture(PATH);
    let site = FieldCatalog::from_names(raw["names"].as_object().unwrap());
    assert_eq!(site.resolve(0, "Story Points").unwrap().id, "customfield_10028");
    assert_eq!(site.resolve(0, "time to resolution").unwrap().id, "customfield_10071");
    // The fixture's anonymiser left "\u03a3" as six characters; real Jira sends "Σ".
    assert_eq!(site.resolve(0, "\\u03a3 Original Estimate").unwrap().id, "aggregatetimeoriginalestimate");
    assert!(site.resolve(0, "Σ Original Estimate").is_err());
}
