//! A file continued from a checkpoint is byte-identical to one written in a
//! single go (SPEC: resumed exports never duplicate or miss rows).

use ferry_core::model::format_options::{Format, FormatOptions, FormatOptionsInput};
use ferry_core::model::value::Row;
use ferry_core::ports::format::{FormatFactory, FormatSpec};
use ferry_formats::StandardFormats;

use crate::helpers::{finish_into, sample_rows, spec, write_file, SAMPLE_HEADERS};

/// Rows `..k` by one writer, its checkpoint through JSON text (as storage
/// keeps it), rows `k..` by a new writer from that state.
fn written_in_two_runs(spec: &FormatSpec, rows: &[Row], k: usize) -> Vec<u8> {
    let factory = StandardFormats;
    let mut first = factory.create(spec, None).expect("first writer");
    let mut out = Vec::new();
    // Workers write in batches; split the first part too.
    for chunk in rows[..k].chunks(4) {
        first.write_rows(chunk, &mut out).expect("rows");
    }
    let state = first.checkpoint_state().expect("a resumable format");
    drop(first);
    let stored: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&state).expect("state as JSON")).expect("state read back");

    let mut second = factory.create(spec, Some(&stored)).expect("resumed writer");
    second.write_rows(&rows[k..], &mut out).expect("rows");
    finish_into(second, out)
}

fn assert_resumes_identically(spec: &FormatSpec) {
    let rows = sample_rows(23);
    let whole = write_file(spec, &rows);
    for k in [0, 1, 4, 11, 22, 23] {
        assert_eq!(
            String::from_utf8_lossy(&written_in_two_runs(spec, &rows, k)),
            String::from_utf8_lossy(&whole),
            "{:?} split at {k}",
            spec.format
        );
    }
}

fn bom_options() -> FormatOptions {
    FormatOptionsInput { bom: Some(true), timezone: Some("Europe/Berlin".into()), ..Default::default() }
        .resolve()
        .expect("valid options")
}

#[test]
fn csv_resumes_mid_file_without_a_second_bom_or_header() {
    assert_resumes_identically(&spec(Format::Csv, bom_options(), &SAMPLE_HEADERS));
    assert_resumes_identically(&spec(Format::Csv, FormatOptions::default(), &SAMPLE_HEADERS));
}

#[test]
fn json_resumes_mid_file_with_the_right_commas() {
    assert_resumes_identically(&spec(Format::Json, bom_options(), &SAMPLE_HEADERS));
}

#[test]
fn jsonl_resumes_mid_file() {
    assert_resumes_identically(&spec(Format::Jsonl, FormatOptions::default(), &SAMPLE_HEADERS));
}

#[test]
fn a_checkpoint_after_an_empty_batch_keeps_the_header_once() {
    let spec = spec(Format::Csv, bom_options(), &["a"]);
    let mut first = StandardFormats.create(&spec, None).expect("writer");
    let mut out = Vec::new();
    first.write_rows(&[], &mut out).expect("no rows");
    let state = first.checkpoint_state().expect("state");
    assert_eq!(state, serde_json::json!({"headerWritten": true}));
    let second = StandardFormats.create(&spec, Some(&state)).expect("resumed");
    assert_eq!(finish_into(second, out), b"\xEF\xBB\xBFa\r\n");
}

#[test]
fn xlsx_and_zipped_files_restart_instead_of_resuming() {
    let xlsx = spec(Format::Xlsx, FormatOptions::default(), &["a"]);
    assert!(StandardFormats.create(&xlsx, None).expect("writer").checkpoint_state().is_none());
    assert!(StandardFormats.create(&xlsx, Some(&serde_json::json!({}))).is_err());

    let mut zipped = spec(Format::Csv, FormatOptions::default(), &["a"]);
    zipped.compress = true;
    assert!(StandardFormats.create(&zipped, None).expect("writer").checkpoint_state().is_none());
    assert!(StandardFormats.create(&zipped, Some(&serde_json::json!({"headerWritten": true}))).is_err());
}

#[test]
fn a_malformed_state_is_refused() {
    let csv = spec(Format::Csv, FormatOptions::default(), &["a"]);
    assert!(StandardFormats.create(&csv, Some(&serde_json::json!({"headerWritten": "yes"}))).is_err());
    let json = spec(Format::Json, FormatOptions::default(), &["a"]);
    assert!(StandardFormats.create(&json, Some(&serde_json::json!({}))).is_err());
}
