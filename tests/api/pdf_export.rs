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
