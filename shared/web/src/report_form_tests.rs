use askama::Template;
use serde_json::json;

use super::*;
use crate::form_names::posted;

fn drawn(values: Value) -> String {
    ReportFormPage {
        frame: Frame::anonymous(""),
        title: "t".into(),
        action: "/reports/new".into(),
        form: FormView::new(values),
        connections: vec![("con_1".into(), "Sample".into(), "sample")],
        zones: &[],
        back: "/reports".into(),
        checked: None,
        preview: None,
        approximate: None,
        pdf_page: None,
    }
    .render()
    .unwrap()
}

/// Every name the report form draws (every option box, a column row and the
/// row template included) decodes into `ReportInput`, unknown fields denied.
#[test]
fn every_field_name_of_the_report_form_decodes_into_report_input() {
    let html = drawn(json!({
        "name": "n", "connectionId": "con_1", "reportType": "timeInStatus", "query": "q",
        "columns": [{"field": "key", "header": "Key"}],
        "timeInStatus": {"layout": "long", "unit": "days", "statuses": ["Open"], "statusCount": true,
            "calendar": {"timezone": "UTC", "workdays": ["MON"], "hours": "09:00-17:00", "holidays": ["2026-12-24"]}},
        "format": "pdf", "formatOptions": {"paper": "a4", "orientation": "auto", "maxRows": 5, "lineTerminator": "lf",
            "lineBreaks": "escape", "profile": "excel"},
        "fileName": "f", "compress": true,
    }));
    let body = form_input::tree(&posted(&html)).unwrap();
    let input: ReportInput = form_input::decode(&body).unwrap_or_else(|e| panic!("{e:?}\n{body:#}"));
    assert_eq!(input.columns.len(), 2, "the drawn row and the template's");
    let options = input.time_in_status.expect("the time-in-status box is posted");
    assert!(options.calendar.is_some() && options.status_count);
}

#[test]
fn options_of_another_type_or_format_are_left_out() {
    let typed = json!({"reportType": "issues", "format": "xlsx", "timeInStatus": {"unit": "days"},
        "formatOptions": {"delimiter": ";", "paper": "a4", "timezone": "UTC"}});
    let sent = only_what_applies(typed, false);
    assert_eq!(sent, json!({"reportType": "issues", "format": "xlsx", "formatOptions": {"timezone": "UTC"}}));
    let typed = json!({"reportType": "timeInStatus", "timeInStatus": {"unit": "days", "calendar": {}}});
    assert_eq!(only_what_applies(typed, false)["timeInStatus"], json!({"unit": "days"}));
}
