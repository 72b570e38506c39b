//! Exports through the functions: started by `api`, written by `export` in
//! one-part invocations that continue through the queue, downloaded through
//! the presigned URL; cancelled mid-way; given up after too many receives.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::local_reference::local_export;
use crate::stack::Stack;

/// About 30 MB of CSV: six 5 MiB parts.
const BIG: u64 = 200_000;

async fn start(stack: &Stack, report: &str) -> String {
    let r = stack.api("POST", "/v1/exports", Some(json!({"reportId": report}))).await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    assert_eq!(r.body["status"], "QUEUED");
    let id = r.body["id"].as_str().unwrap().to_string();
    let location = r.header("Location").expect("a Location header");
    assert_eq!(location, format!("https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/v1/exports/{id}"));
    id
}

#[tokio::test]
async fn an_export_continued_across_invocations_equals_the_single_run_local_export() {
    let stack = Stack::new().await;
    let report = stack.sample_report(BIG).await;
    let id = start(&stack, &report).await;

    let invocations = stack.drain_exports().await;
    let status = stack.export_status(&id).await;
    assert_eq!(status["status"], "COMPLETED", "{status}");
    let file = stack.download(&id).await;
    assert!(invocations >= 3, "{invocations} invocations for {} bytes", file.len());
    assert_eq!(invocations, file.len().div_ceil(crate::stack::PART_SIZE), "one part per invocation");

    let (local, local_file) = local_export(BIG).await;
    assert_eq!(file.len(), local_file.len(), "same size as the local export");
    assert!(file == local_file, "the same bytes as the local export");
    let sha256 = hex::encode(Sha256::digest(&file));
    assert_eq!(status["sha256"], sha256);
    assert_eq!(status["sha256"].as_str(), local.sha256.as_deref());
    assert_eq!(status["rows"], BIG);
    assert_eq!(status["rows"].as_u64(), local.rows);
    assert_eq!(status["bytes"].as_u64(), Some(file.len() as u64));
    assert_eq!(stack.open_uploads().await, 0, "the upload was completed");
}

#[tokio::test]
async fn cancelling_mid_way_aborts_the_multipart_upload() {
    let stack = Stack::new().await;
    let report = stack.sample_report(BIG).await;
    let id = start(&stack, &report).await;

    // One invocation: one part uploaded, the continuation queued.
    let event = stack.next_export_event().await.expect("the export's job");
    assert!(stack.invoke_export(event).await.batch_item_failures.is_empty());
    let running = stack.export_status(&id).await;
    assert_eq!(running["status"], "RUNNING", "{running}");
    assert_eq!(stack.open_uploads().await, 1, "the partial upload is open");

    let r = stack.api("DELETE", &format!("/v1/exports/{id}"), None).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(["CANCELLING", "CANCELLED"].contains(&r.body["status"].as_str().unwrap()), "{:?}", r.body);
    stack.drain_exports().await;

    let done = stack.export_status(&id).await;
    assert_eq!(done["status"], "CANCELLED", "{done}");
    assert!(done["progress"]["completed"].as_u64().unwrap() > 0, "rows so far are kept: {done}");
    assert_eq!(stack.open_uploads().await, 0, "no upload left listed");
    let download = stack.api("GET", &format!("/v1/exports/{id}/download"), None).await;
    assert_eq!(download.status, 410);
}

#[tokio::test]
async fn a_job_received_too_often_fails_its_export_instead_of_leaving_it_running() {
    let stack = Stack::new().await;
    let report = stack.sample_report(100).await;
    let id = start(&stack, &report).await;

    // As if eight invocations had crashed on this message: the ninth gives up.
    let mut event: Value = stack.next_export_event().await.expect("the export's job");
    event["Records"][0]["attributes"]["ApproximateReceiveCount"] = "9".into();
    let response = stack.invoke_export(event).await;
    assert!(response.batch_item_failures.is_empty(), "acked, not left for the DLQ: {response:?}");

    let failed = stack.export_status(&id).await;
    assert_eq!(failed["status"], "FAILED", "{failed}");
    assert!(failed["error"].as_str().unwrap().contains("9 failed attempts"), "{failed}");
    assert_eq!(stack.next_export_event().await, None, "the message was deleted");
    // The report's slot is free again.
    let again = stack.api("POST", "/v1/exports", Some(json!({"reportId": report}))).await;
    assert_eq!(again.status, 202, "{:?}", again.body);
}
