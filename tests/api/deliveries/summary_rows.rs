//! Email `summaryRows`: the mail is multipart/alternative with the first
//! rows as an HTML table, read back by Python's own `email` package
//! (tests/peers/read_eml.py) and html.parser, as a mail client would.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use super::{app, run_now, schedule, wait_delivered, wait_outbox};
use crate::helpers::ADMIN_KEY;

/// What Python's email package reads from an .eml file.
fn read_eml(path: &Path) -> Value {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = std::env::var_os("FERRY_TEST_PYTHON").map(PathBuf::from).unwrap_or(repo.join(".venv/bin/python"));
    assert!(python.exists(), "no Python at {} to read the mail: run make test (it makes .venv)", python.display());
    let out = Command::new(&python).arg(repo.join("tests/peers/read_eml.py")).arg(path).output().unwrap();
    assert!(out.status.success(), "read_eml.py: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test]
async fn summary_rows_put_the_first_rows_in_an_escaped_html_table_and_0_sends_plain_text() {
    let (app, _clock) = app().await;
    let columns = json!([{"field": "key", "header": "Key <&\"'>"}, {"field": "status"}, {"field": "assignee"}]);
    let report = app.sample_report(ADMIN_KEY, 25, json!({"name": "Bugs & <fixes>", "columns": columns})).await;
    let destinations = json!([
        {"type": "email", "to": ["five@example.org"], "summaryRows": 5},
        {"type": "email", "to": ["none@example.org"], "summaryRows": 0},
        {"type": "email", "to": ["default@example.org"]},
    ]);
    let schedule = schedule(&app, ADMIN_KEY, &report, destinations).await;
    let saved: Value = app.get(ADMIN_KEY, &format!("/schedules/{schedule}")).await.json().await.unwrap();
    assert_eq!(saved["destinations"][2]["summaryRows"], 10, "saved without it: 10");
    let export = run_now(&app, ADMIN_KEY, &schedule).await;
    let id = export["id"].as_str().unwrap();
    let csv = String::from_utf8(app.download(ADMIN_KEY, id).await).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let first: Vec<Vec<String>> =
        reader.records().take(10).map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    let run = wait_delivered(&app, ADMIN_KEY, &schedule, id).await;
    assert_eq!(run["status"], "SUCCEEDED", "{run}");

    let mails: Vec<Value> = wait_outbox(&app, 3).await.iter().map(|p| read_eml(p)).collect();
    let by_rows = |n: usize| mails.iter().find(|m| m["table"].as_array().map_or(0, Vec::len) == n).cloned();

    let five = by_rows(6).expect("a mail with a header and five rows");
    assert_eq!(
        five["types"],
        json!(["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/csv"])
    );
    let table: Vec<Vec<String>> = serde_json::from_value(five["table"].clone()).unwrap();
    assert_eq!(table[0], ["Key <&\"'>", "status", "assignee"]);
    assert_eq!(&table[1..], &first[..5], "the export's first five rows, in order");
    let html = five["html"].as_str().unwrap();
    assert!(html.contains("Key &lt;&amp;&quot;&#39;&gt;") && html.contains("Bugs &amp; &lt;fixes&gt;"), "{html}");
    assert!(html.contains("25 rows") && html.contains("2026-11-23 08:00 UTC"), "{html}");
    let tags: Vec<String> = serde_json::from_value(five["tags"].clone()).unwrap();
    assert!(!tags.iter().any(|t| ["script", "style", "img", "link"].contains(&t.as_str())), "{tags:?}");

    let ten = by_rows(11).expect("the default: a header and ten rows");
    assert_eq!(ten["types"][1], "multipart/alternative");

    let plain = mails.iter().find(|m| m["html"].is_null()).expect("summaryRows 0: no HTML part");
    assert_eq!(plain["types"], json!(["multipart/mixed", "text/plain", "text/csv"]));
}
