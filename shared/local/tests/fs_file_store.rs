//! `FsFileStore` against the file store conformance suite, its on-disk
//! layout, and the signed-files router: valid, tampered, expired and gone
//! links, driven with `oneshot` and a `ManualClock`.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use bytes::Bytes;
use ferry_core::conformance::file_store::file_store_conformance;
use ferry_core::ports::clock::ManualClock;
use ferry_core::ports::file_store::{DownloadAs, FileStore};
use ferry_local_adapters::{signed_files_router, FsFileStore};
use http_body_util::BodyExt;
use jiff::SignedDuration;
use tower::ServiceExt;

const PUBLIC_URL: &str = "http://127.0.0.1:8080";

fn store(root: &Path) -> (Arc<FsFileStore>, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new("2026-03-01T12:00:00Z".parse().unwrap()));
    let store = FsFileStore::new(root.to_path_buf(), PUBLIC_URL.into(), vec![42; 32], clock.clone());
    (Arc::new(store), clock)
}

async fn put(store: &FsFileStore, key: &str, parts: &[&[u8]]) {
    let id = store.start_upload(key).await.unwrap();
    let mut tags = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        tags.push(store.upload_part(key, &id, i as u32 + 1, Bytes::copy_from_slice(part)).await.unwrap());
    }
    store.complete_upload(key, &id, &tags).await.unwrap();
}

/// Requests the path and query of a signed URL from the router.
async fn get(store: &Arc<FsFileStore>, url: &str) -> Response<Body> {
    let path = url.strip_prefix(PUBLIC_URL).expect("URL under the public URL");
    signed_files_router(store.clone()).oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap()
}

async fn body(response: Response<Body>) -> Vec<u8> {
    response.into_body().collect().await.unwrap().to_bytes().to_vec()
}

async fn error_code(response: Response<Body>) -> String {
    let json: serde_json::Value = serde_json::from_slice(&body(response).await).unwrap();
    assert!(json["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    json["error"]["code"].as_str().unwrap().to_string()
}

fn csv(name: &str) -> DownloadAs {
    DownloadAs { file_name: name.into(), content_type: "text/csv; charset=utf-8".into() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fs_file_store_passes_the_file_store_suite() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = store(dir.path());
    file_store_conformance(store).await;
}

#[tokio::test]
async fn parts_live_under_uploads_until_complete_moves_the_file_into_files() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = store(dir.path());
    let key = "exports/exp_1/report.csv";
    let id = store.start_upload(key).await.unwrap();
    let tag = store.upload_part(key, &id, 7, Bytes::from_static(b"abc")).await.unwrap();
    assert_eq!(tag.etag, "352441c2", "etag = CRC-32 of the part");
    assert_eq!(std::fs::read(dir.path().join("uploads").join(&id).join("00007")).unwrap(), b"abc");
    store.complete_upload(key, &id, &[tag]).await.unwrap();
    assert_eq!(std::fs::read(dir.path().join("files/exports/exp_1/report.csv")).unwrap(), b"abc");
    assert!(!dir.path().join("uploads").join(&id).exists(), "the upload folder is removed");
    assert_eq!(std::fs::read_dir(dir.path().join("files")).unwrap().count(), 1, "no temporary file is left");

    store.delete(key).await.unwrap();
    assert!(!dir.path().join("files/exports").exists(), "emptied folders are removed with the file");
}

#[tokio::test]
async fn keys_that_leave_the_folder_and_foreign_upload_ids_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = store(dir.path());
    for key in ["../escape.csv", "/etc/passwd", "exports\\x.csv", "exports/../../x"] {
        assert!(store.start_upload(key).await.is_err(), "{key}");
        assert!(store.read(key).await.is_err(), "{key}");
        assert!(store.signed_url(key, &csv("x.csv"), SignedDuration::from_secs(60)).await.is_err(), "{key}");
    }
    let id = store.start_upload("exports/exp_1/a.csv").await.unwrap();
    assert!(
        store.upload_part("exports/exp_2/b.csv", &id, 1, Bytes::from_static(b"x")).await.is_err(),
        "upload of another key"
    );
    assert!(store.upload_part("exports/exp_1/a.csv", "../../x", 1, Bytes::from_static(b"x")).await.is_err());
    assert!(
        store.upload_part("exports/exp_1/a.csv", &id, 0, Bytes::from_static(b"x")).await.is_err(),
        "parts count from 1"
    );
    assert!(store.complete_upload("exports/exp_1/a.csv", &id, &[]).await.is_err(), "no parts");
}

#[tokio::test]
async fn a_valid_signed_url_streams_the_file_with_its_name_and_type() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = store(dir.path());
    let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    put(&store, "exports/exp_1/Café report.csv", &[&big, b"tail"]).await;
    let url = store
        .signed_url("exports/exp_1/Café report.csv", &csv("Café \"Q1\".csv"), SignedDuration::from_secs(300))
        .await
        .unwrap();
    assert!(url.starts_with(
        "http://127.0.0.1:8080/v1/local-files/exports/exp_1/Caf%C3%A9%20report.csv?expires=1772366700&name="
    ));

    let response = get(&store, &url).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(headers[header::CONTENT_LENGTH], "200004");
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"Caf_ \\\"Q1\\\".csv\"; filename*=UTF-8''Caf%C3%A9%20%22Q1%22.csv"
    );
    assert_eq!(body(response).await, [big.as_slice(), b"tail"].concat());
}

#[tokio::test]
async fn a_tampered_or_incomplete_signed_url_is_403_invalid_signature() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = store(dir.path());
    put(&store, "exports/exp_1/a.csv", &[b"a"]).await;
    put(&store, "exports/exp_2/b.csv", &[b"b"]).await;
    let url = store.signed_url("exports/exp_1/a.csv", &csv("a.csv"), SignedDuration::from_secs(300)).await.unwrap();
    let tampered = [
        url.replace("exp_1/a.csv", "exp_2/b.csv"),
        url.replace("name=a.csv", "name=b.csv"),
        url.replace("type=text%2Fcsv", "type=text%2Fhtml"),
        url.replace("expires=1772366700", "expires=1872366700"),
        format!("{}0", &url[..url.len() - 1]),
        url[..url.find("&sig=").unwrap()].to_string(),
        url[..url.find('?').unwrap()].to_string(),
    ];
    for bad in tampered {
        let response = get(&store, &bad).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{bad}");
        assert_eq!(error_code(response).await, "invalid_signature", "{bad}");
    }
}

#[tokio::test]
async fn a_signed_url_expires_by_the_clock() {
    let dir = tempfile::tempdir().unwrap();
    let (store, clock) = store(dir.path());
    put(&store, "exports/exp_1/a.csv", &[b"a"]).await;
    let url = store.signed_url("exports/exp_1/a.csv", &csv("a.csv"), SignedDuration::from_secs(300)).await.unwrap();
    clock.advance(SignedDuration::from_secs(299));
    assert_eq!(get(&store, &url).await.status(), StatusCode::OK);
    clock.advance(SignedDuration::from_secs(1));
    let response = get(&store, &url).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(response).await, "link_expired");
}

#[tokio::test]
async fn a_signed_url_of_a_deleted_file_is_410_file_gone() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = store(dir.path());
    put(&store, "exports/exp_1/a.csv", &[b"a"]).await;
    let url = store.signed_url("exports/exp_1/a.csv", &csv("a.csv"), SignedDuration::from_secs(300)).await.unwrap();
    store.delete("exports/exp_1/a.csv").await.unwrap();
    let response = get(&store, &url).await;
    assert_eq!(response.status(), StatusCode::GONE);
    assert_eq!(error_code(response).await, "file_gone");
}
