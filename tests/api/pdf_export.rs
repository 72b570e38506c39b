//! PDF exports through the real server: the file is a PDF a reader opens
//! (poppler's pdftotext, from Debian's poppler-utils), and rows past
//! `maxRows` are left out with a note on page 1 and an export warning.

use std::io::Write;
use std::process::Command;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{spawn_app, ADMIN_KEY};

fn first_page_text(pdf: &[u8]) -> String {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-f", "1", "-l", "1", "-layout", "-enc", "UTF-8"])
        .arg(file.path())
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run pdftotext ({e}): install Debian's poppler-utils (apt-get install poppler-utils; make test does)")
        });
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn a_pdf_export_of_20000_rows_with_max_rows_10000_says_what_it_left_out() {
    let app = spawn_app().await;
    let report = app
        .sample_report(
            ADMIN_KEY,
            20_000,
            json!({"name": "Printable", "format": "pdf", "columns": [{"field": "key"}, {"field": "status"}],
                   "formatOptions": {"maxRows": 10000, "paper": "letter"}}),
        )
        .await;
    let export = app.start_export(ADMIN_KEY, &report).await;
    let id = export["id"].as_str().unwrap();
    let done = app.wait_finished(ADMIN_KEY, id).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(done["rows"], 20_000, "every row was read");
    let warnings = done["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1, "{done}");
    assert!(warnings[0].as_str().unwrap().contains("first 10000 of 20000 rows"), "{done}");
    assert!(done["fileName"].as_str().unwrap().ends_with(".pdf"), "{done}");
    let pdf = app.download(ADMIN_KEY, id).await;
    assert!(pdf.starts_with(b"%PDF-1.7"));
    let page = first_page_text(&pdf);
    assert!(page.contains("Printable"), "{page}");
    assert!(page.contains("10,000 rows were left out (maxRows 10,000)"), "{page}");
}

#[tokio::test]
async fn pdf_options_out_of_range_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let connection = app.sample_connection(ADMIN_KEY, 10, 7).await;
    for (options, field) in [
        (json!({"maxRows": 0}), "formatOptions.maxRows"),
        (json!({"maxRows": 100001}), "formatOptions.maxRows"),
        (json!({"paper": "a3"}), "formatOptions"),
    ] {
        let body = json!({"name": "P", "connectionId": connection, "reportType": "issues", "format": "pdf",
                          "formatOptions": options});
        let r = app.post(ADMIN_KEY, "/reports", &body).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let text = r.text().await.unwrap();
        assert!(text.contains(field), "{text}");
    }
}

/// `Preview` of an unsaved PDF report: the PDF writer's own first page of
/// the first 20 rows (title block, header, the rows in order, `1 / 1`), its
/// keys as the sample source's JSON preview gives them; a report of another
/// format is refused naming `format`, and nothing is stored.
#[tokio::test]
async fn an_unsaved_pdf_report_previews_as_the_pdf_writers_first_page() {
    let app = spawn_app().await;
    let connection = app.sample_connection(ADMIN_KEY, 500, 7).await;
    let body = json!({"name": "Printable preview", "connectionId": connection, "reportType": "issues",
        "format": "pdf", "columns": [{"field": "key"}, {"field": "status"}, {"field": "summary"}],
        "formatOptions": {"paper": "a4", "orientation": "landscape"}});
    let r = app.post(ADMIN_KEY, "/reports/preview/pdf", &body).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-1.7"));
    let page = first_page_text(&pdf);
    assert!(page.contains("Printable preview"), "{page}");
    assert!(page.replace(' ', "").contains("1/1"), "one page, 1 / 1: {page}");
    let rows: serde_json::Value = app.post(ADMIN_KEY, "/reports/preview", &body).await.json().await.unwrap();
    let keys: Vec<&str> = rows["rows"].as_array().unwrap().iter().map(|r| r[0].as_str().unwrap()).collect();
    assert_eq!(keys.len(), 20);
    let mut at = page.find("key").expect("the header row");
    for key in &keys {
        let found = page[at..].find(key).unwrap_or_else(|| panic!("{key} after byte {at} of {page}"));
        at += found + key.len();
    }

    let mut csv = body.clone();
    csv["format"] = json!("csv");
    let r = app.post(ADMIN_KEY, "/reports/preview/pdf", &csv).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("\"field\":\"format\""));
    let reports: serde_json::Value = app.get(ADMIN_KEY, "/reports").await.json().await.unwrap();
    assert!(!reports.to_string().contains("Printable preview"), "nothing is stored");
}
