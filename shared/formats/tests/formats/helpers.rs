//! Specs, sample rows and "write everything" for the format tests.

use std::io::Read;
use std::path::PathBuf;

use ferry_core::model::format_options::{Format, FormatOptions};
use ferry_core::model::value::{Row, Value};
use ferry_core::ports::format::{FormatFactory, FormatSpec, FormatWriter, XLSX_MAX_DATA_ROWS_PER_SHEET};
use ferry_formats::StandardFormats;

/// `fixtures/` of the repository: third-party data, see its README.
pub fn fixtures_dir() -> PathBuf {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures"));
    if !dir.is_dir() {
        panic!(
            "test fixtures not found at {}: they live in the repository's fixtures/ folder (see its README)",
            dir.display()
        );
    }
    dir
}

pub fn spec(format: Format, options: FormatOptions, headers: &[&str]) -> FormatSpec {
    FormatSpec {
        format,
        options,
        headers: headers.iter().map(|h| h.to_string()).collect(),
        compress: false,
        inner_file_name: format!("report.{}", format.extension()),
        created_at: "2026-01-02T03:04:05Z".parse().expect("a valid instant"),
        xlsx_rows_per_sheet: XLSX_MAX_DATA_ROWS_PER_SHEET,
        document: Default::default(),
    }
}

pub fn writer(spec: &FormatSpec) -> Box<dyn FormatWriter> {
    StandardFormats.create(spec, None).expect("a writer")
}

/// Writes `rows` in one call, finishes, and returns the whole file: the
/// bytes appended to `out` plus whatever the returned reader yields.
pub fn write_file(spec: &FormatSpec, rows: &[Row]) -> Vec<u8> {
    let mut w = writer(spec);
    let mut out = Vec::new();
    w.write_rows(rows, &mut out).expect("rows written");
    finish_into(w, out)
}

pub fn finish_into(w: Box<dyn FormatWriter>, mut out: Vec<u8>) -> Vec<u8> {
    if let Some(mut reader) = w.finish(&mut out).expect("finished") {
        reader.read_to_end(&mut out).expect("assembled file read");
    }
    out
}

pub fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

pub const SAMPLE_HEADERS: [&str; 8] = ["Key", "Summary", "Points", "Ratio", "Done", "Created", "Due", "Labels"];

/// Rows with every value type and the awkward text sources really send:
/// delimiters, quotes, line breaks, non-ASCII, formulas, empty and null.
pub fn sample_rows(n: usize) -> Vec<Row> {
    let texts = [
        "plain",
        "comma, inside",
        "quote \"inside\"",
        "line\nbreak",
        "crlf\r\nbreak",
        "Café ʤ 😀",
        "=SUM(A1)",
        "-5",
        "",
        " padded ",
    ];
    (0..n)
        .map(|i| {
            let created: jiff::Timestamp = "2026-03-29T00:30:00Z".parse().expect("instant");
            vec![
                Value::Text(format!("DEMO-{i}")),
                text(texts[i % texts.len()]),
                if i % 4 == 3 { Value::Null } else { Value::Int(i as i64 * 3 - 7) },
                Value::Float(i as f64 / 8.0 + 0.1),
                Value::Bool(i % 2 == 0),
                Value::DateTime(created + jiff::SignedDuration::from_mins(37 * i as i64)),
                Value::Date(jiff::civil::date(2026, 1, 1) + jiff::Span::new().days(i as i64)),
                Value::List((0..i % 3).map(|j| format!("label{j}")).collect()),
            ]
        })
        .collect()
}
