//! Every bad input of SPEC / the Schedules issue: each is an error naming the
//! field (`recurrence.<field>`), which the API turns into a 400 with details.

use serde_json::{json, Value};

use super::support::{input, ts, NOW};

/// The field named by the error for `json`, and its message.
fn error_of(json: Value) -> (String, String) {
    match input(json.clone()).parse(ts(NOW)) {
        Ok(r) => panic!("{json} parsed, as {:?}", r.input()),
        Err(e) => (e.field, e.message),
    }
}

fn base(frequency: &str) -> Value {
    let mut v = json!({"frequency": frequency, "time": "09:00", "timezone": "Europe/Berlin", "start": "2026-03-01"});
    match frequency {
        "weekly" => v["weekdays"] = json!(["MON"]),
        "monthly" => v["monthDay"] = json!(15),
        "yearly" => {
            v["monthDay"] = json!(15);
            v["month"] = json!(3);
        }
        _ => {}
    }
    v
}

fn with(frequency: &str, field: &str, value: Value) -> Value {
    let mut v = base(frequency);
    v[field] = value;
    v
}

fn without(frequency: &str, field: &str) -> Value {
    let mut v = base(frequency);
    v.as_object_mut().unwrap().remove(field);
    v
}

#[test]
fn the_bases_are_valid() {
    for f in ["daily", "weekly", "monthly", "yearly"] {
        input(base(f)).parse(ts(NOW)).unwrap();
    }
}

#[test]
fn each_bad_input_of_the_issue_names_its_field() {
    let cases: Vec<(Value, &str)> = vec![
        (with("daily", "timezone", json!("Mars/Olympus_Mons")), "recurrence.timezone"),
        (with("daily", "timezone", json!("")), "recurrence.timezone"),
        (with("daily", "time", json!("25:00")), "recurrence.time"),
        (with("weekly", "weekdays", json!([])), "recurrence.weekdays"),
        (with("monthly", "monthDay", json!(0)), "recurrence.monthDay"),
        (with("monthly", "monthDay", json!(32)), "recurrence.monthDay"),
        (with("yearly", "month", json!(13)), "recurrence.month"),
        (with("daily", "end", json!("2026-02-28")), "recurrence.end"),
        (with("daily", "interval", json!(0)), "recurrence.interval"),
    ];
    for (json, field) in cases {
        let (got, message) = error_of(json.clone());
        assert_eq!(got, field, "{json}: {message}");
        assert!(!message.is_empty());
    }
}

#[test]
fn a_field_that_does_not_apply_to_the_frequency_is_an_error_naming_it() {
    let cases = [
        ("daily", "weekdays", json!(["MON"]), "recurrence.weekdays"),
        ("monthly", "weekdays", json!(["MON"]), "recurrence.weekdays"),
        ("yearly", "weekdays", json!(["MON"]), "recurrence.weekdays"),
        ("daily", "monthDay", json!(1), "recurrence.monthDay"),
        ("weekly", "monthDay", json!(1), "recurrence.monthDay"),
        ("daily", "month", json!(1), "recurrence.month"),
        ("weekly", "month", json!(1), "recurrence.month"),
        ("monthly", "month", json!(1), "recurrence.month"),
    ];
    for (frequency, key, value, field) in cases {
        let (got, message) = error_of(with(frequency, key, value));
        assert_eq!(got, field, "{key} on {frequency}");
        assert!(message.contains("does not apply"), "{message}");
    }
}

#[test]
fn more_bad_values_name_their_field() {
    let cases: Vec<(Value, &str)> = vec![
        (with("daily", "time", json!("24:00")), "recurrence.time"),
        (with("daily", "time", json!("12:60")), "recurrence.time"),
        (with("daily", "time", json!("9:00")), "recurrence.time"),
        (with("daily", "time", json!("09:00:00")), "recurrence.time"),
        (with("daily", "time", json!("")), "recurrence.time"),
        (with("daily", "interval", json!(1001)), "recurrence.interval"),
        (without("weekly", "weekdays"), "recurrence.weekdays"),
        (with("weekly", "weekdays", json!(["MON", "mon"])), "recurrence.weekdays"),
        (with("weekly", "weekdays", json!(["MONDAY"])), "recurrence.weekdays"),
        (without("monthly", "monthDay"), "recurrence.monthDay"),
        (without("yearly", "monthDay"), "recurrence.monthDay"),
        (with("monthly", "monthDay", json!(-2)), "recurrence.monthDay"),
        (with("yearly", "month", json!(0)), "recurrence.month"),
        (without("yearly", "month"), "recurrence.month"),
        (with("daily", "start", json!("2026-13-01")), "recurrence.start"),
        (with("daily", "start", json!("01/03/2026")), "recurrence.start"),
        (with("daily", "start", json!("20260301")), "recurrence.start"),
        (with("daily", "end", json!("2026-02-30")), "recurrence.end"),
        (with("daily", "timezone", json!("CEST")), "recurrence.timezone"),
        (with("daily", "timezone", json!("+02:00")), "recurrence.timezone"),
    ];
    for (json, field) in cases {
        let (got, message) = error_of(json.clone());
        assert_eq!(got, field, "{json}: {message}");
    }
}

#[test]
fn end_before_a_defaulted_start_is_an_error_too() {
    let mut v = without("daily", "start");
    v["end"] = json!("2026-01-14"); // NOW is 2026-01-15
    assert_eq!(error_of(v).0, "recurrence.end");
}

#[test]
fn unknown_json_fields_and_frequencies_are_rejected_by_deserialisation() {
    let mut v = base("daily");
    v["frequence"] = json!("daily");
    let err = serde_json::from_value::<crate::recurrence::RecurrenceInput>(v).unwrap_err();
    assert!(err.to_string().contains("unknown field"), "{err}");
    let err = serde_json::from_value::<crate::recurrence::RecurrenceInput>(with("daily", "frequency", json!("hourly")))
        .unwrap_err();
    assert!(err.to_string().contains("unknown variant"), "{err}");
}
