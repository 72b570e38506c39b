//! Rough throughput of the CSV writer on ~10-column, ~160-byte rows, printed
//! and not judged: SPEC sets no speed. The comparison that counts (at least
//! pyarrow's `write_csv` on the same rows, the target of issue 6) is made by
//! `make bench` (BENCHMARKS.md). Ignored by default; run with
//! `cargo test --release -p ferry-formats -- --ignored --nocapture throughput`.

use std::time::Instant;

use ferry_core::model::format_options::{Format, FormatOptions};
use ferry_core::model::value::{Row, Value};

use crate::helpers::{spec, writer};

/// Ten columns and about 160 bytes a row, like the sample source's issues.
fn issue_rows(n: usize) -> Vec<Row> {
    let at: jiff::Timestamp = "2026-01-02T03:04:05Z".parse().expect("instant");
    (0..n)
        .map(|i| {
            vec![
                Value::Text(format!("DEMO-{i}")),
                Value::Text(format!("Fix the login page, item {}", i % 97)),
                Value::Text(["Open", "In Progress", "Done"][i % 3].into()),
                if i % 5 == 0 { Value::Null } else { Value::Text("Ada Lovelace".into()) },
                Value::Text("High".into()),
                Value::List(vec!["backend".into(), "ui".into()]),
                Value::DateTime(at),
                Value::DateTime(at),
                Value::Int((i % 10_000) as i64),
                Value::Text(if i % 7 == 0 { "Line one\nline \"two\"".into() } else { "Steps to reproduce it".into() }),
            ]
        })
        .collect()
}

#[test]
#[ignore = "a measurement, not a check; run in release"]
fn csv_throughput() {
    let rows = issue_rows(100_000);
    let spec = spec(Format::Csv, FormatOptions::default(), &["k", "s", "st", "a", "p", "l", "c", "u", "t", "d"]);
    let mut out = Vec::with_capacity(32 << 20);
    let mut total_rows = 0usize;
    let mut total_bytes = 0usize;
    let start = Instant::now();
    for _ in 0..30 {
        let mut w = writer(&spec);
        for batch in rows.chunks(1000) {
            w.write_rows(batch, &mut out).expect("rows");
            total_bytes += out.len();
            out.clear();
        }
        total_rows += rows.len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "CSV: {:.2}M rows/s, {:.0} MB/s, {:.0} bytes/row",
        total_rows as f64 / secs / 1e6,
        total_bytes as f64 / secs / 1e6,
        total_bytes as f64 / total_rows as f64
    );
}
