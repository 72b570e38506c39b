//! Each CSV `formatOptions` field, through `StandardFormats` and, where
//! options come from a client, through `FormatOptionsInput::resolve`.

use ferry_core::model::format_options::{
    CsvProfile, Format, FormatOptions, FormatOptionsInput, LineBreaks, LineTerminator,
};
use ferry_core::model::value::{Row, Value};

use crate::helpers::{spec, text, write_file};

fn csv_with(options: FormatOptions, headers: &[&str], rows: &[Row]) -> String {
    String::from_utf8(write_file(&spec(Format::Csv, options, headers), rows)).expect("UTF-8 CSV")
}

fn resolved(input: FormatOptionsInput) -> FormatOptions {
    input.resolve().expect("valid options")
}

fn read_back(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.expect("a record").iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn defaults_are_comma_crlf_no_bom() {
    let out = csv_with(FormatOptions::default(), &["a", "b"], &[vec![text("x"), Value::Int(1)]]);
    assert_eq!(out, "a,b\r\nx,1\r\n");
}

#[test]
fn semicolon_delimiter_quotes_semicolons_not_commas() {
    let options = resolved(FormatOptionsInput { delimiter: Some(";".into()), ..Default::default() });
    let rows = vec![vec![text("a;b"), text("c,d"), Value::Float(1.5)]];
    let out = csv_with(options, &["x", "y", "z"], &rows);
    assert_eq!(out, "x;y;z\r\n\"a;b\";c,d;1.5\r\n");
    assert_eq!(read_back(out.as_bytes(), b';')[1], ["a;b", "c,d", "1.5"]);
}

#[test]
fn tab_delimiter_quotes_tabs() {
    let options = resolved(FormatOptionsInput {
        delimiter: Some("\t".into()),
        sanitize_formulas: Some(false),
        ..Default::default()
    });
    let rows = vec![vec![text("a\tb"), text("c,d")]];
    let out = csv_with(options, &["x", "y"], &rows);
    assert_eq!(out, "x\ty\r\n\"a\tb\"\tc,d\r\n");
    assert_eq!(read_back(out.as_bytes(), b'\t')[1], ["a\tb", "c,d"]);
}

#[test]
fn lf_terminator_ends_rows_with_lf_and_keeps_crlf_inside_values() {
    let options = resolved(FormatOptionsInput { line_terminator: Some(LineTerminator::Lf), ..Default::default() });
    let out = csv_with(options, &["a"], &[vec![text("1\r\n2")], vec![text("3")]]);
    assert_eq!(out, "a\n\"1\r\n2\"\n3\n");
}

#[test]
fn bom_comes_first_and_once() {
    let options = resolved(FormatOptionsInput { bom: Some(true), ..Default::default() });
    let spec = spec(Format::Csv, options, &["a"]);
    let mut writer = crate::helpers::writer(&spec);
    let mut out = Vec::new();
    writer.write_rows(&[vec![text("1")]], &mut out).expect("rows");
    writer.write_rows(&[vec![text("2")]], &mut out).expect("rows");
    let out = crate::helpers::finish_into(writer, out);
    assert_eq!(out, b"\xEF\xBB\xBFa\r\n1\r\n2\r\n");
}

#[test]
fn a_file_without_rows_is_the_header_alone() {
    let options = resolved(FormatOptionsInput { bom: Some(true), ..Default::default() });
    assert_eq!(csv_with(options, &["a", "b"], &[]), "\u{feff}a,b\r\n");
}

#[test]
fn escaped_line_breaks_become_the_escape_text() {
    let options = resolved(FormatOptionsInput { line_breaks: Some(LineBreaks::Escape), ..Default::default() });
    let rows = vec![vec![text("one\r\ntwo\nthree\rfour"), text("x \"q\"\ny")]];
    let out = csv_with(options, &["a", "b"], &rows);
    // Default escape: the two characters `\n`; a quote still forces quoting.
    assert_eq!(out, "a,b\r\none\\ntwo\\nthree\\nfour,\"x \"\"q\"\"\\ny\"\r\n");
    assert_eq!(out.matches("\r\n").count(), 2, "only row ends are line breaks");

    let options = resolved(FormatOptionsInput {
        line_breaks: Some(LineBreaks::Escape),
        escape_char: Some(" / ".into()),
        ..Default::default()
    });
    let out = csv_with(options, &["a"], &[vec![text("one\ntwo")]]);
    assert_eq!(out, "a\r\none / two\r\n");
}

#[test]
fn preserved_line_breaks_stay_inside_quotes() {
    let out = csv_with(FormatOptions::default(), &["a"], &[vec![text("one\ntwo")]]);
    assert_eq!(out, "a\r\n\"one\ntwo\"\r\n");
}

#[test]
fn formulas_are_guarded_but_signed_numbers_are_not() {
    let cells = ["=SUM(A1)", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "-5", "+1.5", "plain", "a=b"];
    let rows: Vec<Row> = cells.iter().map(|c| vec![text(c)]).collect();
    let out = csv_with(FormatOptions::default(), &["a"], &rows);
    let records = read_back(out.as_bytes(), b',');
    let got: Vec<&str> = records[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        got,
        ["'=SUM(A1)", "'+cmd|' /C calc'!A0", "'-2+3", "'@SUM(A1)", "'\tTAB", "'\rCR", "-5", "+1.5", "plain", "a=b"]
    );
    assert!(out.contains("\r\n'=SUM(A1)\r\n"), "a guarded cell needs no quotes: {out:?}");
}

#[test]
fn only_text_cells_are_guarded() {
    let rows = vec![vec![Value::Int(-5), Value::Float(-1.5), Value::List(vec!["=x".into()]), text("=x")]];
    let out = csv_with(FormatOptions::default(), &["a", "b", "c", "d"], &rows);
    assert_eq!(out, "a,b,c,d\r\n-5,-1.5,=x,'=x\r\n");
}

#[test]
fn sanitizing_can_be_turned_off() {
    let options = resolved(FormatOptionsInput { sanitize_formulas: Some(false), ..Default::default() });
    let out = csv_with(options, &["a"], &[vec![text("=SUM(A1)")], vec![text("@x")]]);
    assert_eq!(out, "a\r\n=SUM(A1)\r\n@x\r\n");
}

#[test]
fn headers_are_quoted_but_never_guarded() {
    let out = csv_with(FormatOptions::default(), &["=Total", "a,b", ""], &[]);
    assert_eq!(out, "=Total,\"a,b\",\"\"\r\n");
}

#[test]
fn excel_profile_forces_bom_crlf_and_sanitizing_and_keeps_the_delimiter() {
    let options = resolved(FormatOptionsInput {
        profile: Some(CsvProfile::Excel),
        line_terminator: Some(LineTerminator::Lf),
        sanitize_formulas: Some(false),
        bom: Some(false),
        delimiter: Some(";".into()),
        ..Default::default()
    });
    let out = csv_with(options, &["a", "b"], &[vec![text("=1"), text("x;y")]]);
    assert_eq!(out, "\u{feff}a;b\r\n'=1;\"x;y\"\r\n");
}

#[test]
fn dates_follow_timezone_and_date_format() {
    let ts: jiff::Timestamp = "2026-07-01T22:15:30Z".parse().expect("instant");
    let date = jiff::civil::date(2026, 7, 1);
    let row = vec![Value::DateTime(ts), Value::Date(date)];

    let out = csv_with(FormatOptions::default(), &["at", "on"], std::slice::from_ref(&row));
    assert_eq!(out, "at,on\r\n2026-07-01T22:15:30Z,2026-07-01\r\n");

    let berlin = resolved(FormatOptionsInput { timezone: Some("Europe/Berlin".into()), ..Default::default() });
    let out = csv_with(berlin, &["at", "on"], std::slice::from_ref(&row));
    assert_eq!(out, "at,on\r\n2026-07-02T00:15:30+02:00,2026-07-01\r\n");

    let patterned = resolved(FormatOptionsInput {
        timezone: Some("America/New_York".into()),
        date_format: Some("%m/%d/%Y %I:%M %p, %Z".into()),
        ..Default::default()
    });
    let out = csv_with(patterned, &["at", "on"], &[row]);
    // The pattern's comma is the delimiter, so the field is quoted.
    assert_eq!(out, "at,on\r\n\"07/01/2026 06:15 PM, EDT\",2026-07-01\r\n");
}

#[test]
fn every_value_type_has_its_text() {
    let rows = vec![vec![
        Value::Null,
        text(""),
        Value::Int(i64::MIN),
        Value::Float(0.1 + 0.2),
        Value::Bool(true),
        Value::List(vec!["a".into(), "b".into()]),
    ]];
    let out = csv_with(FormatOptions::default(), &["n", "e", "i", "f", "b", "l"], &rows);
    assert_eq!(out, "n,e,i,f,b,l\r\n,\"\",-9223372036854775808,0.30000000000000004,true,\"a, b\"\r\n");
}
