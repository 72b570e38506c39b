use askama::Template;
use serde_json::json;

use super::*;
use crate::form_names::posted;

fn drawn(values: Value) -> String {
    ScheduleFormPage {
        frame: Frame::anonymous(""),
        title: "t".into(),
        action: "/schedules/new".into(),
        form: FormView::new(values),
        reports: vec![("rep_1".into(), "R".into())],
        zones: &[],
        allow_app: true,
        kinds: &KINDS,
        back: "/schedules".into(),
        next_runs: NextRuns::default(),
        notes: None,
        people: Vec::new(),
    }
    .render()
    .unwrap()
}

/// Every name the schedule form draws (every recurrence field, a row of each
/// destination type and each type's row template) decodes into
/// `ScheduleInput`, and each destination parses as the API parses it:
/// unknown fields are refused there, so a misspelt name fails here.
#[test]
fn every_field_name_of_the_schedule_form_decodes_into_schedule_input() {
    let rows: Vec<Value> =
        KINDS.iter().map(|k| json!({"type": k.kind, "id": "dst_01M97QKFWHZ7CAB8HTJQGZXG1B"})).collect();
    let html = drawn(json!({
        "reportId": "rep_1", "runAs": "app", "incremental": true, "range": "previous_day", "deliverWhen": "changed",
        "recurrence": {"frequency": "yearly", "interval": 2, "weekdays": ["MON"], "monthDay": 3, "month": 4,
            "time": "09:00", "timezone": "UTC", "start": "2030-01-01", "end": "2031-01-01"},
        "destinations": rows,
    }));
    let body = form_input::tree(&posted(&html)).unwrap();
    let rows = body["destinations"].as_array().expect("destinations");
    assert_eq!(rows.len(), KINDS.len() * 2, "drawn rows and one template row per type");
    assert!(
        rows[..KINDS.len()].iter().all(|r| r["id"] == "dst_01M97QKFWHZ7CAB8HTJQGZXG1B"),
        "each drawn row keeps its id"
    );
    let input: ScheduleInput = form_input::decode(&body).unwrap_or_else(|e| panic!("{e:?}\n{body:#}"));
    parse_destinations(&input).unwrap_or_else(|e| panic!("{e:?}\n{body:#}"));
    assert_eq!(input.recurrence.weekdays.map(|d| d.len()), Some(7), "every weekday box is named");
}

#[test]
fn fields_of_other_frequencies_are_left_out() {
    let typed =
        json!({"recurrence": {"frequency": "daily", "weekdays": ["MON"], "monthDay": 1, "month": 2, "time": "09:00"}});
    assert_eq!(only_what_applies(typed)["recurrence"], json!({"frequency": "daily", "time": "09:00"}));
}
