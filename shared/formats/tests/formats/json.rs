//! JSON and JSONL parsed back by serde_json, value for value.

use ferry_core::model::format_options::{Format, FormatOptions, FormatOptionsInput};
use ferry_core::model::value::Value;
use serde_json::json;

use crate::helpers::{spec, text, write_file};

fn awkward_row() -> Vec<Value> {
    vec![
        text("quote \" backslash \\ nl \n cr \r tab \t nul \u{0} esc \u{1b} Café 😀"),
        Value::Int(i64::MIN),
        Value::Int(i64::MAX),
        Value::Float(0.1 + 0.2),
        Value::Float(f64::NAN),
        Value::Float(-1e300),
        Value::Bool(true),
        Value::Null,
        Value::DateTime("2026-01-02T03:04:05.5Z".parse().expect("instant")),
        Value::Date(jiff::civil::date(2026, 2, 28)),
        Value::List(vec!["a".into(), "b \"c\"".into()]),
        Value::List(vec![]),
        text(""),
    ]
}

const HEADERS: [&str; 13] = ["S", "Min", "Max", "F", "NaN", "Big", "B", "Null", "At", "On", "L", "Empty", "E"];

fn expected_cells() -> Vec<serde_json::Value> {
    vec![
        json!("quote \" backslash \\ nl \n cr \r tab \t nul \u{0} esc \u{1b} Café 😀"),
        json!(i64::MIN),
        json!(i64::MAX),
        json!(0.1 + 0.2),
        json!(null),
        json!(-1e300),
        json!(true),
        json!(null),
        json!("2026-01-02T04:04:05.5+01:00"),
        json!("2026-02-28"),
        json!(["a", "b \"c\""]),
        json!([]),
        json!(""),
    ]
}

fn berlin() -> FormatOptions {
    FormatOptionsInput { timezone: Some("Europe/Berlin".into()), ..Default::default() }.resolve().expect("options")
}

#[test]
fn json_reads_back_as_columns_and_rows_with_exact_values() {
    let out = write_file(&spec(Format::Json, berlin(), &HEADERS), &[awkward_row(), awkward_row()]);
    let parsed: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    assert_eq!(parsed, json!({"columns": HEADERS, "rows": [expected_cells(), expected_cells()]}));
    // Numbers keep their exact value, not just equal-looking text.
    assert_eq!(parsed["rows"][0][1].as_i64(), Some(i64::MIN));
    assert_eq!(parsed["rows"][0][3].as_f64(), Some(0.1 + 0.2));
}

#[test]
fn json_without_rows_is_valid() {
    let out = write_file(&spec(Format::Json, FormatOptions::default(), &["a", "b"]), &[]);
    let parsed: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    assert_eq!(parsed, json!({"columns": ["a", "b"], "rows": []}));
}

#[test]
fn json_batches_join_into_one_document() {
    let spec = spec(Format::Json, FormatOptions::default(), &["n"]);
    let mut writer = crate::helpers::writer(&spec);
    let mut out = Vec::new();
    for n in 0..5 {
        writer.write_rows(&[vec![Value::Int(n)], vec![Value::Int(n * 10)]], &mut out).expect("rows");
    }
    let out = crate::helpers::finish_into(writer, out);
    let parsed: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    let values: Vec<i64> = parsed["rows"].as_array().expect("rows").iter().map(|r| r[0].as_i64().expect("n")).collect();
    assert_eq!(values, [0, 0, 1, 10, 2, 20, 3, 30, 4, 40]);
}

#[test]
fn jsonl_is_one_object_per_line_keyed_by_header() {
    let out = write_file(&spec(Format::Jsonl, berlin(), &HEADERS), &[awkward_row(), awkward_row()]);
    let text = String::from_utf8(out).expect("UTF-8");
    assert!(text.ends_with('\n'));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "embedded line breaks are escaped");
    let expected: serde_json::Map<String, serde_json::Value> =
        HEADERS.iter().map(|h| h.to_string()).zip(expected_cells()).collect();
    for line in lines {
        let parsed: serde_json::Value = serde_json::from_str(line).expect("a JSON object per line");
        assert_eq!(parsed, serde_json::Value::Object(expected.clone()));
        assert!(line.starts_with("{\"S\":"), "keys keep the header order: {line}");
    }
}

#[test]
fn jsonl_without_rows_is_empty() {
    assert!(write_file(&spec(Format::Jsonl, FormatOptions::default(), &["a"]), &[]).is_empty());
}
