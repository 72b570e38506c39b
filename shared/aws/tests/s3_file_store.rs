//! `S3FileStore` on the emulator (moto) against the file store conformance
//! suite, plus what only S3 does: ListParts paged past 1,000 parts, reads
//! that stream, presigned URLs that make S3 answer with the file's name and
//! type, and the bucket's abort-incomplete-uploads lifecycle rule.
//!
//! moto never checks a presigned URL's signature or expiry: the test reads
//! the URL's parameters and GETs it; expiry is the local store's test.

use std::sync::Arc;

use bytes::Bytes;
use ferry_aws::emulator::{unique_name, Emulator};
use ferry_aws::s3::{create_bucket, ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS, S3_MIN_PART_SIZE};
use ferry_aws::S3FileStore;
use ferry_core::conformance::file_store::file_store_conformance;
use ferry_core::ports::file_store::{DownloadAs, FileStore};
use ferry_core::PortError;
use futures::{StreamExt, TryStreamExt};
use jiff::SignedDuration;

async fn store() -> (S3FileStore, aws_sdk_s3::Client) {
    let client = Emulator::get().clients().await.s3;
    let bucket = unique_name("ferry-files");
    create_bucket(&client, &bucket).await.expect("create_bucket");
    (S3FileStore::new(client.clone(), bucket), client)
}

/// Writes `parts` as one file at `key`.
async fn put(store: &S3FileStore, key: &str, parts: &[&[u8]]) {
    let id = store.start_upload(key).await.unwrap();
    let mut tags = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        tags.push(store.upload_part(key, &id, i as u32 + 1, Bytes::copy_from_slice(part)).await.unwrap());
    }
    store.complete_upload(key, &id, &tags).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_file_store_passes_the_file_store_suite() {
    let (store, _) = store().await;
    file_store_conformance(Arc::new(store)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_parts_pages_past_a_thousand_parts_and_an_aborted_upload_is_no_longer_listed() {
    let (store, client) = store().await;
    let key = "exports/exp_many/parts.csv";
    let id = store.start_upload(key).await.unwrap();
    let uploads = futures::stream::iter(1..=1_001u32)
        .map(|n| {
            let (store, id) = (&store, &id);
            async move { store.upload_part(key, id, n, Bytes::from(format!("part {n}"))).await }
        })
        .buffer_unordered(16);
    let mut tags: Vec<_> = uploads.try_collect().await.expect("upload 1,001 parts");
    tags.sort_by_key(|t| t.number);

    let listed = store.list_parts(key, &id).await.expect("list_parts");
    assert_eq!(listed.len(), 1_001, "every part, over two ListParts pages");
    assert_eq!(listed, tags, "numbers 1..=1001 in order, each with the tag its upload returned");

    store.abort_upload(key, &id).await.unwrap();
    let open = client.list_multipart_uploads().bucket(store.bucket()).send().await.unwrap();
    assert!(open.uploads().iter().all(|u| u.upload_id() != Some(id.as_str())), "no upload left listed after abort");
    match store.list_parts(key, &id).await {
        Err(PortError::UploadGone { .. }) => {}
        other => panic!("list_parts of an aborted upload: {other:?}"),
    }
}

#[tokio::test]
async fn a_read_streams_the_file_in_chunks() {
    let (store, _) = store().await;
    let first: Vec<u8> = (0..S3_MIN_PART_SIZE as u32).map(|i| (i % 251) as u8).collect();
    put(&store, "exports/exp_1/big.csv", &[&first, b"tail"]).await;
    let chunks: Vec<Bytes> = store.read("exports/exp_1/big.csv").await.unwrap().try_collect().await.unwrap();
    assert!(chunks.len() > 1, "a 5 MiB file comes in more than one chunk, not as one buffer");
    assert_eq!(chunks.concat(), [first.as_slice(), b"tail"].concat());
}

#[tokio::test]
async fn a_presigned_url_serves_the_file_with_its_name_and_type() {
    let (store, _) = store().await;
    put(&store, "exports/exp_1/Café report.csv", &[b"a,b\n1,2\n"]).await;
    let download = DownloadAs { file_name: "Café \"Q1\".csv".into(), content_type: "text/csv; charset=utf-8".into() };
    let url =
        store.signed_url("exports/exp_1/Café report.csv", &download, SignedDuration::from_secs(300)).await.unwrap();

    let parsed = reqwest::Url::parse(&url).unwrap();
    assert_eq!(parsed.path(), format!("/{}/exports/exp_1/Caf%C3%A9%20report.csv", store.bucket()));
    let query: std::collections::HashMap<_, _> = parsed.query_pairs().into_owned().collect();
    assert_eq!(query["X-Amz-Expires"], "300");
    assert_eq!(query["X-Amz-Algorithm"], "AWS4-HMAC-SHA256");
    assert!(query.contains_key("X-Amz-Signature"));
    assert_eq!(query["response-content-type"], "text/csv; charset=utf-8");
    let disposition = "attachment; filename=\"Caf_ \\\"Q1\\\".csv\"; filename*=UTF-8''Caf%C3%A9%20%22Q1%22.csv";
    assert_eq!(query["response-content-disposition"], disposition);

    let response = reqwest::get(&url).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(response.headers()["content-disposition"], disposition);
    assert_eq!(response.bytes().await.unwrap(), "a,b\n1,2\n");

    let too_long = store.signed_url("exports/exp_1/Café report.csv", &download, SignedDuration::from_hours(8 * 24));
    assert!(too_long.await.is_err(), "S3 presigned URLs live at most 7 days");
}

#[tokio::test]
async fn create_bucket_adds_the_rule_that_aborts_abandoned_uploads() {
    let (store, client) = store().await;
    let lifecycle = client.get_bucket_lifecycle_configuration().bucket(store.bucket()).send().await.unwrap();
    let days: Vec<_> = lifecycle
        .rules()
        .iter()
        .filter_map(|r| r.abort_incomplete_multipart_upload().and_then(|a| a.days_after_initiation()))
        .collect();
    assert_eq!(days, [ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS]);
}
