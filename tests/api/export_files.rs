//! Every format end to end: create report → start export → poll → download
//! via the 302 → read back with an independent reader; rows and SHA-256 match
//! the status.

use std::io::Read;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{sha256_hex, spawn_app, spawn_app_with, AppOptions, ADMIN_KEY};

const DEFAULT_HEADERS: [&str; 10] =
    ["key", "summary", "status", "assignee", "priority", "labels", "created", "updated", "timeSpent", "description"];

async fn finished_file(app: &crate::helpers::TestApp, report: &str) -> (Value, Vec<u8>) {
    let started = app.start_export(ADMIN_KEY, report).await;
    assert_eq!(started["status"], "QUEUED");
    let id = started["id"].as_str().unwrap().to_string();
    let done = app.wait_finished(ADMIN_KEY, &id).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    let bytes = app.download(ADMIN_KEY, &id).await;
    assert_eq!(done["bytes"].as_u64().unwrap(), bytes.len() as u64);
    assert_eq!(done["sha256"].as_str().unwrap(), sha256_hex(&bytes));
    (done, bytes)
}

#[tokio::test]
async fn csv_export_downloads_through_the_redirect_and_reads_back_with_the_csv_crate() {
    let app = spawn_app().await;
    let report = app.sample_report(ADMIN_KEY, 2_500, json!({})).await;
    let (done, bytes) = finished_file(&app, &report).await;
    assert_eq!(done["rows"], 2_500);
    assert_eq!(done["progress"]["completed"], 2_500);
    assert_eq!(done["contentType"], "text/csv; charset=utf-8");
    assert!(done["downloadLink"].as_str().unwrap().ends_with("/download"));
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes.as_slice());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(headers, DEFAULT_HEADERS);
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), 2_500);
    assert_eq!(&records[0][0], "DEMO-1");
    assert_eq!(&records[2_499][0], "DEMO-2500");
    assert!(bytes.windows(2).any(|w| w == b"\r\n"), "CRLF by default");
}

#[tokio::test]
async fn csv_options_delimiter_lf_bom_escaped_line_breaks_and_formula_sanitizing() {
    let app = spawn_app().await;
    let options = json!({"delimiter": ";", "lineTerminator": "lf", "bom": true, "lineBreaks": "escape", "sanitizeFormulas": true});
    let report = app
        .sample_report(
            ADMIN_KEY,
            3_000,
            json!({"formatOptions": options, "columns": [{"field": "key", "header": "Key"}, {"field": "description"}]}),
        )
        .await;
    let (_, bytes) = finished_file(&app, &report).await;
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "BOM first");
    assert!(!bytes.contains(&b'\r'), "LF only, and CRs inside values escaped");
    let body = &bytes[3..];
    let lines = body.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count();
    assert_eq!(lines, 3_001, "no line break inside a value: one line per row");
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(body);
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), ["Key", "description"]);
    let mut sanitized = 0;
    for record in reader.records() {
        let record = record.unwrap();
        let d = &record[1];
        assert!(!d.starts_with(['=', '+', '@']) || d.parse::<f64>().is_ok(), "unsanitized formula {d:?}");
        sanitized += d.starts_with('\'') as usize;
    }
    assert!(sanitized > 0, "the sample data has formula-like text, and it was prefixed");
}

#[tokio::test]
async fn json_and_jsonl_exports_parse_back_with_every_row() {
    let app = spawn_app().await;
    let report = app.sample_report(ADMIN_KEY, 1_234, json!({"format": "json"})).await;
    let (done, bytes) = finished_file(&app, &report).await;
    assert_eq!(done["contentType"], "application/json");
    let doc: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(doc["columns"].as_array().unwrap().len(), 10);
    assert_eq!(doc["rows"].as_array().unwrap().len(), 1_234);
    assert_eq!(doc["rows"][0][0], "DEMO-1");

    let report = app.sample_report(ADMIN_KEY, 777, json!({"format": "jsonl"})).await;
    let (done, bytes) = finished_file(&app, &report).await;
    assert_eq!(done["contentType"], "application/x-ndjson");
    let lines: Vec<Value> =
        bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()).map(|l| serde_json::from_slice(l).unwrap()).collect();
    assert_eq!(lines.len(), 777);
    assert_eq!(lines[776]["key"], "DEMO-777");
}

#[tokio::test]
async fn xlsx_export_has_typed_cells_a_frozen_bold_header_and_rolls_over_to_new_sheets() {
    use calamine::{Data, Reader, Xlsx};
    let app = spawn_app_with(AppOptions { xlsx_rows_per_sheet: Some(4), ..Default::default() }).await;
    let report = app.sample_report(ADMIN_KEY, 10, json!({"format": "xlsx"})).await;
    let (done, bytes) = finished_file(&app, &report).await;
    assert_eq!(done["rows"], 10);
    let mut book = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let sheets = book.sheet_names().to_vec();
    assert_eq!(sheets.len(), 3, "4 + 4 + 2 rows");
    let mut keys = Vec::new();
    for name in &sheets {
        let range = book.worksheet_range(name).unwrap();
        let rows: Vec<_> = range.rows().collect();
        assert_eq!(rows[0].iter().map(|c| c.to_string()).collect::<Vec<_>>(), DEFAULT_HEADERS);
        for row in &rows[1..] {
            keys.push(row[0].to_string());
            assert!(matches!(row[6], Data::DateTime(_)), "created is a date: {:?}", row[6]);
            assert!(
                matches!(row[8], Data::Float(_) | Data::Int(_) | Data::Empty),
                "timeSpent is a number: {:?}",
                row[8]
            );
        }
    }
    assert_eq!(keys, (1..=10).map(|i| format!("DEMO-{i}")).collect::<Vec<_>>());
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut sheet).unwrap();
    assert!(sheet.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#), "{sheet}");
    assert!(sheet.contains(r#"<autoFilter ref="A1:J5"/>"#), "{sheet}");
    let mut styles = String::new();
    zip.by_name("xl/styles.xml").unwrap().read_to_string(&mut styles).unwrap();
    assert!(styles.contains("<b/>"));
}

#[tokio::test]
async fn compressed_export_is_a_zip_holding_the_formatted_file() {
    let app = spawn_app().await;
    let report = app.sample_report(ADMIN_KEY, 500, json!({"compress": true})).await;
    let (done, bytes) = finished_file(&app, &report).await;
    assert_eq!(done["contentType"], "application/zip");
    assert!(done["fileName"].as_str().unwrap().ends_with(".csv.zip"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(zip.len(), 1);
    let mut inner = Vec::new();
    zip.by_index(0).unwrap().read_to_end(&mut inner).unwrap();
    let records = csv::Reader::from_reader(inner.as_slice()).records().count();
    assert_eq!(records, 500);
}

#[tokio::test]
async fn deleting_the_file_keeps_the_record_and_download_becomes_410() {
    let app = spawn_app().await;
    let report = app.sample_report(ADMIN_KEY, 50, json!({})).await;
    let (done, _) = finished_file(&app, &report).await;
    let id = done["id"].as_str().unwrap();
    let r = app.delete(ADMIN_KEY, &format!("/exports/{id}/file")).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let after = app.export(ADMIN_KEY, id).await;
    assert_eq!(after["status"], "COMPLETED");
    assert!(after["downloadLink"].is_null());
    let r = app.get(ADMIN_KEY, &format!("/exports/{id}/download")).await;
    assert_eq!(r.status(), StatusCode::GONE);
    assert!(app.stored_files().is_empty(), "{:?}", app.stored_files());
}
