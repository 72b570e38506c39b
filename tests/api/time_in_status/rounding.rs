//! One rounding of a time in status everywhere: with unit `days`, the API's
//! preview (its numbers and its text), the CSV, the JSON file and the XLSX
//! cells (read back by calamine, with their number format read from the
//! package) show the same numbers with the same two decimals, and every
//! header names the unit.

use std::io::Read;
use std::sync::Arc;

use calamine::{Data, Reader, Xlsx};
use ferry_core::ports::clock::ManualClock;
use serde_json::{json, Value};

use super::{app_at, report, AS_OF};
use crate::helpers::ADMIN_KEY;
use crate::jira_ferry::{jira_connection, run_export};
use crate::jira_sim::JiraSim;

const ISSUES: u32 = 20;
/// Columns before the time columns: `key`, `status`.
const TIMES_FROM: usize = 2;

async fn file(app: &crate::helpers::TestApp, report: &str) -> Vec<u8> {
    let done = run_export(app, json!({"reportId": report})).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    app.download(ADMIN_KEY, done["id"].as_str().unwrap()).await
}

/// A part of the XLSX package as text.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

/// The number format id of each cell style (`cellXfs`), by index.
fn style_formats(styles: &str) -> Vec<String> {
    let xfs = styles.split("<cellXfs").nth(1).and_then(|s| s.split("</cellXfs>").next()).expect("cellXfs");
    xfs.split("<xf ").skip(1).map(|xf| attribute(xf, "numFmtId").expect("numFmtId")).collect()
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let pattern = format!("{name}=\"");
    let start = tag.find(&pattern)? + pattern.len();
    tag[start..].split('"').next().map(String::from)
}

/// The style index of the cell at `reference` (`C2`), if it has one.
fn cell_style(sheet: &str, reference: &str) -> Option<String> {
    let cell = sheet.split(&format!("<c r=\"{reference}\"")).nth(1)?;
    let tag = cell.split('>').next()?;
    attribute(tag, "s")
}

fn column_letter(i: usize) -> char {
    (b'A' + i as u8) as char
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preview_csv_json_and_xlsx_show_the_same_days_with_two_decimals_and_headers_name_the_unit() {
    let sim = JiraSim::start(ISSUES).await;
    let clock = Arc::new(ManualClock::new(AS_OF.parse().unwrap()));
    let app = app_at(&clock, 1, 64 * 1024).await;
    let connection = jira_connection(&app, &sim, json!({"maxRequestsPerSecond": 100})).await;
    let options = json!({"layout": "wide", "unit": "days"});
    let query = "project = SIM ORDER BY key ASC";
    let csv_report = report(&app, &connection, query, "csv", options.clone()).await;

    let csv_bytes = file(&app, &csv_report).await;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(csv_bytes.as_slice());
    let csv: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    let header = &csv[0];
    assert!(header.len() > TIMES_FROM, "{header:?}");
    for h in &header[TIMES_FROM..] {
        assert!(h.starts_with("Time in ") && h.ends_with(" (days)"), "the unit in the header: {h}");
    }
    let mut numbers = 0;
    for row in &csv[1..] {
        for cell in &row[TIMES_FROM..] {
            if !cell.is_empty() {
                let decimals = cell.split_once('.').map(|(_, d)| d.len());
                assert_eq!(decimals, Some(2), "two decimals in the CSV: {cell}");
                numbers += 1;
            }
        }
    }
    assert!(numbers >= ISSUES as usize, "the site's issues spent time in statuses: {csv:?}");

    // The preview: the same text, and the same numbers.
    let preview: Value =
        app.post(ADMIN_KEY, &format!("/reports/{csv_report}/preview"), &json!({})).await.json().await.unwrap();
    assert_eq!(&preview["columns"], &json!(header), "{preview}");
    let text: Vec<Vec<String>> = serde_json::from_value(preview["text"].clone()).unwrap();
    assert_eq!(text.len(), ISSUES as usize);
    for (i, row) in text.iter().enumerate() {
        assert_eq!(row[TIMES_FROM..], csv[i + 1][TIMES_FROM..], "row {i}: preview text and CSV");
        for (j, cell) in row.iter().enumerate().skip(TIMES_FROM) {
            let number = &preview["rows"][i][j];
            match cell.as_str() {
                "" => assert!(number.is_null(), "{number}"),
                text => assert_eq!(number.as_f64(), text.parse::<f64>().ok(), "row {i} column {j}"),
            }
        }
    }

    // The JSON file: numbers written with their two decimals.
    let json_report = report(&app, &connection, query, "json", options.clone()).await;
    let json_bytes = file(&app, &json_report).await;
    let json_text = String::from_utf8(json_bytes.clone()).unwrap();
    let written: Value = serde_json::from_slice(&json_bytes).unwrap();
    for (i, row) in written["rows"].as_array().unwrap().iter().enumerate() {
        for (j, cell) in row.as_array().unwrap().iter().enumerate().skip(TIMES_FROM) {
            let expected = &csv[i + 1][j];
            if expected.is_empty() {
                assert!(cell.is_null());
            } else {
                assert_eq!(cell.as_f64(), expected.parse::<f64>().ok(), "row {i} column {j}");
                assert!(json_text.contains(expected.as_str()), "{expected} as written in the JSON file");
            }
        }
    }

    // XLSX: numbers equal to the CSV's, in cells formatted `0.00` (Excel's format 2).
    let xlsx_report = report(&app, &connection, query, "xlsx", options).await;
    let xlsx_bytes = file(&app, &xlsx_report).await;
    let mut book = Xlsx::new(std::io::Cursor::new(xlsx_bytes.clone())).unwrap();
    let sheet_name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet_name).unwrap();
    let formats = style_formats(&part(&xlsx_bytes, "xl/styles.xml"));
    let sheet = part(&xlsx_bytes, "xl/worksheets/sheet1.xml");
    for (i, row) in range.rows().enumerate() {
        if i == 0 {
            let names: Vec<String> = row.iter().map(|c| c.to_string()).collect();
            assert_eq!(&names, header);
            continue;
        }
        for (j, cell) in row.iter().enumerate().skip(TIMES_FROM) {
            let expected = &csv[i][j];
            match cell {
                Data::Empty => assert!(expected.is_empty(), "row {i} column {j}"),
                Data::Float(f) => {
                    assert_eq!(Some(*f), expected.parse::<f64>().ok(), "row {i} column {j}");
                    let reference = format!("{}{}", column_letter(j), i + 1);
                    let style = cell_style(&sheet, &reference).expect("a styled number");
                    let index: usize = style.parse().unwrap();
                    assert_eq!(formats[index], "2", "{reference} has the format 0.00");
                }
                other => panic!("row {i} column {j}: {other:?}"),
            }
        }
    }
}
