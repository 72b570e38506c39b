//! Exports survive dead workers and restarts: resumed from their checkpoint
//! to a file byte-identical to an uninterrupted run.

use std::sync::Arc;

use ferry_core::ports::clock::ManualClock;
use jiff::SignedDuration;
use serde_json::json;

use crate::helpers::{sha256_hex, spawn_app_with, AppOptions, ADMIN_KEY};

const ROWS: u64 = 300_000;

fn small_parts() -> AppOptions {
    AppOptions { part_size: 256 * 1024, sample_page_rows: Some(1_000), ..Default::default() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_export_is_resumed_to_an_identical_file() {
    let clock = Arc::new(ManualClock::new("2026-11-23T10:00:00Z".parse().unwrap()));
    let mut app = spawn_app_with(AppOptions { clock: Some(clock.clone()), workers: 1, ..small_parts() }).await;
    let report = app.sample_report(ADMIN_KEY, ROWS, json!({})).await;
    let started = app.start_export(ADMIN_KEY, &report).await;
    let id = started["id"].as_str().unwrap().to_string();
    let running = app.wait_export(ADMIN_KEY, &id, |e| e["progress"]["completed"].as_u64() > Some(0)).await;
    app.ferry().kill_workers();
    let at_kill = app.export(ADMIN_KEY, &id).await;
    assert_eq!(at_kill["status"], "RUNNING", "killed mid-export: {running}");

    // The dead worker's lease and the queue message's visibility both run out.
    clock.advance(SignedDuration::from_secs(61));
    app.ferry().start_workers(1);
    let resumed = app.wait_finished(ADMIN_KEY, &id).await;
    assert_eq!(resumed["status"], "COMPLETED", "{resumed}");
    assert_eq!(resumed["rows"], ROWS);
    let resumed_bytes = app.download(ADMIN_KEY, &id).await;
    assert_eq!(sha256_hex(&resumed_bytes), resumed["sha256"].as_str().unwrap());

    let again = app.start_export(ADMIN_KEY, &report).await;
    let again_id = again["id"].as_str().unwrap();
    let uninterrupted = app.wait_finished(ADMIN_KEY, again_id).await;
    let uninterrupted_bytes = app.download(ADMIN_KEY, again_id).await;
    assert_eq!(uninterrupted["sha256"], resumed["sha256"]);
    // The content hash survives the checkpoint like the file's hash does.
    assert!(resumed["contentSha256"].as_str().is_some_and(|h| h.len() == 64), "{resumed}");
    assert_eq!(uninterrupted["contentSha256"], resumed["contentSha256"]);
    assert!(resumed_bytes == uninterrupted_bytes, "byte-identical");
    let records = csv::Reader::from_reader(resumed_bytes.as_slice()).records().count() as u64;
    assert_eq!(records, ROWS, "no row twice, none missing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_restarted_mid_export_finishes_the_export() {
    let mut app = spawn_app_with(AppOptions { workers: 1, ..small_parts() }).await;
    let report = app.sample_report(ADMIN_KEY, ROWS, json!({"format": "jsonl"})).await;
    let started = app.start_export(ADMIN_KEY, &report).await;
    let id = started["id"].as_str().unwrap().to_string();
    app.wait_export(ADMIN_KEY, &id, |e| e["progress"]["completed"].as_u64() > Some(0)).await;
    app.restart(small_parts()).await;
    let done = app.wait_finished(ADMIN_KEY, &id).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(done["rows"], ROWS);
    let bytes = app.download(ADMIN_KEY, &id).await;
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len() as u64, ROWS);
    for (i, line) in lines.iter().enumerate() {
        let v: serde_json::Value = serde_json::from_slice(line).unwrap();
        assert_eq!(v["key"], format!("DEMO-{}", i + 1), "row order kept across the restart");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_whose_upload_was_lost_is_written_again_from_zero() {
    let clock = Arc::new(ManualClock::new("2026-11-23T10:00:00Z".parse().unwrap()));
    let mut app = spawn_app_with(AppOptions { clock: Some(clock.clone()), workers: 1, ..small_parts() }).await;
    let report = app.sample_report(ADMIN_KEY, ROWS, json!({})).await;
    let id = app.start_export(ADMIN_KEY, &report).await["id"].as_str().unwrap().to_string();
    app.wait_export(ADMIN_KEY, &id, |e| e["progress"]["completed"].as_u64() > Some(0)).await;
    app.ferry().kill_workers();
    assert_eq!(app.export(ADMIN_KEY, &id).await["status"], "RUNNING", "killed mid-export");
    // The checkpoint now names an upload the file store no longer has.
    // The killed worker's last blocking file write may still be finishing, so
    // the removal is retried until the folder is gone.
    let uploads = app.data_dir.join("files").join("uploads");
    assert!(uploads.exists(), "a running export has an upload in progress");
    let mut removed = Err(std::io::Error::other("not tried"));
    for _ in 0..100 {
        removed = std::fs::remove_dir_all(&uploads);
        if removed.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    removed.expect("uploads removed");
    clock.advance(SignedDuration::from_secs(61));
    app.ferry().start_workers(1);
    let done = app.wait_finished(ADMIN_KEY, &id).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(done["rows"], ROWS);
    let bytes = app.download(ADMIN_KEY, &id).await;
    assert_eq!(sha256_hex(&bytes), done["sha256"].as_str().unwrap());
    assert_eq!(csv::Reader::from_reader(bytes.as_slice()).records().count() as u64, ROWS);
}
