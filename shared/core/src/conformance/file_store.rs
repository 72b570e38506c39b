//! Conformance suite of the `FileStore` port: multipart uploads (parts out of
//! order, re-uploaded, unlisted, mis-tagged), parts listed back, files
//! visible only once complete, overwrite, abort, unknown uploads, delete,
//! missing keys and signed URLs.

use std::sync::Arc;

use bytes::Bytes;
use futures::StreamExt;
use jiff::SignedDuration;

use crate::model::export::PartTag;
use crate::model::ids::random_token;
use crate::ports::file_store::{DownloadAs, FileStore};
use crate::PortError;

/// The whole file at `key`, or the error of opening or streaming it.
async fn read_all(store: &dyn FileStore, key: &str) -> Result<Vec<u8>, PortError> {
    let mut stream = store.read(key).await?;
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk?);
    }
    Ok(bytes)
}

async fn assert_missing(store: &dyn FileStore, key: &str, why: &str) {
    match store.read(key).await {
        Err(PortError::NotFound(_)) => {}
        Err(e) => panic!("{why}: reading {key} should fail with NotFound, got {e}"),
        Ok(_) => panic!("{why}: {key} is readable"),
    }
}

/// `len` bytes that differ from part to part and version to version.
fn part_bytes(len: usize, salt: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u32).wrapping_mul(31).wrapping_add(salt as u32 * 7) as u8).collect()
}

/// Asserts `result` is `UploadGone`, as the port promises.
fn assert_unknown_upload<T>(result: Result<T, PortError>, what: &str) {
    match result {
        Err(PortError::UploadGone { .. }) => {}
        Err(e) => panic!("{what}: expected UploadGone, got {e}"),
        Ok(_) => panic!("{what}: expected UploadGone, it succeeded"),
    }
}

async fn upload(store: &dyn FileStore, key: &str, id: &str, number: u32, data: &[u8]) -> PartTag {
    let tag = store
        .upload_part(key, id, number, Bytes::copy_from_slice(data))
        .await
        .unwrap_or_else(|e| panic!("upload_part {number}: {e}"));
    assert_eq!((tag.number, tag.size), (number, data.len() as u64), "a part's tag tells its number and size");
    assert!(!tag.etag.is_empty(), "a part's tag has an etag");
    tag
}

/// `open_uploads` lists an upload under its prefix once it is older than
/// `before`, and no longer once it is aborted or completed.
async fn open_uploads_are_listed_until_aborted(store: &dyn FileStore, run: &str) {
    let prefix = format!("exports/exp_open{run}/");
    let key = format!("{prefix}left.csv");
    let done_key = format!("{prefix}done.csv");
    let upload_id = store.start_upload(&key).await.expect("start_upload");
    let done_id = store.start_upload(&done_key).await.expect("start_upload");
    upload(store, &done_key, &done_id, 1, b"done").await;
    // Far on either side: the store may age uploads by its own clock.
    let later: jiff::Timestamp = "2100-01-01T00:00:00Z".parse().expect("a timestamp");
    let earlier: jiff::Timestamp = "2000-01-01T00:00:00Z".parse().expect("a timestamp");
    let ids = |list: Vec<crate::ports::file_store::OpenUpload>| {
        let mut ids: Vec<(String, String)> = list.into_iter().map(|u| (u.key, u.upload_id)).collect();
        ids.sort();
        ids
    };
    let mut both = vec![(key.clone(), upload_id.clone()), (done_key.clone(), done_id.clone())];
    both.sort();
    assert_eq!(ids(store.open_uploads(&prefix, later).await.expect("open_uploads")), both, "both uploads are open");
    assert!(store.open_uploads(&prefix, earlier).await.expect("open_uploads").is_empty(), "none started before");
    assert!(
        store.open_uploads(&format!("{prefix}other/"), later).await.expect("open_uploads").is_empty(),
        "another prefix lists none"
    );
    let tags = store.list_parts(&done_key, &done_id).await.expect("list_parts");
    store.complete_upload(&done_key, &done_id, &tags).await.expect("complete_upload");
    store.abort_upload(&key, &upload_id).await.expect("abort_upload");
    assert!(
        store.open_uploads(&prefix, later).await.expect("open_uploads").is_empty(),
        "aborted and completed are gone"
    );
    store.delete(&done_key).await.expect("delete");
}

/// Checks every `FileStore` promise. Each run uses fresh keys, so the store
/// need not be empty.
pub async fn file_store_conformance(store: Arc<dyn FileStore>) {
    let store = store.as_ref();
    let run = &random_token()[..16];
    let key = format!("exports/exp_conformance{run}/Report 1, \"weekly\".csv");
    // Non-last parts at least the store's minimum, and above 64 KiB so reads
    // come in several chunks.
    let part_size = store.min_part_size().max(100 * 1024);

    assert_missing(store, &format!("exports/exp_conformance{run}/never-written.csv"), "a missing key").await;
    open_uploads_are_listed_until_aborted(store, run).await;

    // Parts arrive out of order; part 2 is written twice; part 4 is not listed.
    let upload_id = store.start_upload(&key).await.expect("start_upload");
    let p3 = part_bytes(1_000, 3);
    let p1 = part_bytes(part_size, 1);
    let p2_old = part_bytes(part_size, 20);
    let p2 = part_bytes(part_size, 21);
    let tag3 = upload(store, &key, &upload_id, 3, &p3).await;
    let tag1 = upload(store, &key, &upload_id, 1, &p1).await;
    let tag2_old = upload(store, &key, &upload_id, 2, &p2_old).await;
    let tag2 = upload(store, &key, &upload_id, 2, &p2).await;
    let tag4 = upload(store, &key, &upload_id, 4, b"not listed").await;
    assert_ne!(tag2_old.etag, tag2.etag, "different bytes make different etags");
    let listed = store.list_parts(&key, &upload_id).await.expect("list_parts");
    let expected_tags = [tag1.clone(), tag2.clone(), tag3.clone(), tag4];
    assert_eq!(listed, expected_tags, "list_parts gives every stored part in order, each with its last tag");
    assert_missing(store, &key, "an upload before it is completed").await;

    let stale = [tag1.clone(), tag2_old, tag3.clone()];
    assert!(
        store.complete_upload(&key, &upload_id, &stale).await.is_err(),
        "completing with the tag of a replaced part must fail"
    );
    assert_missing(store, &key, "after a failed complete").await;

    store.complete_upload(&key, &upload_id, &[tag1, tag2, tag3]).await.expect("complete_upload");
    assert_unknown_upload(store.list_parts(&key, &upload_id).await, "list_parts of a completed upload");
    let expected = [p1.as_slice(), &p2, &p3].concat();
    let read = read_all(store, &key).await.expect("read the completed file");
    assert_eq!(read.len(), expected.len(), "the file is the listed parts, in order");
    assert!(read == expected, "the file is the listed parts, in order");

    // A second upload to the same key replaces the file.
    let again = store.start_upload(&key).await.expect("start_upload");
    assert_eq!(store.list_parts(&key, &again).await.expect("list_parts"), [], "a new upload has no parts");
    let tag = upload(store, &key, &again, 1, b"replaced").await;
    store.complete_upload(&key, &again, &[tag]).await.expect("complete_upload");
    assert_eq!(read_all(store, &key).await.expect("read"), b"replaced", "a new upload replaces the file");

    // An aborted upload leaves nothing readable and cannot be completed.
    let aborted_key = format!("exports/exp_conformance{run}/aborted.csv");
    let aborted = store.start_upload(&aborted_key).await.expect("start_upload");
    let tag = upload(store, &aborted_key, &aborted, 1, b"partial").await;
    store.abort_upload(&aborted_key, &aborted).await.expect("abort_upload");
    assert_missing(store, &aborted_key, "an aborted upload").await;
    store.abort_upload(&aborted_key, &aborted).await.expect("aborting an unknown upload is a no-op");
    assert_unknown_upload(store.list_parts(&aborted_key, &aborted).await, "list_parts of an aborted upload");
    assert_unknown_upload(
        store.upload_part(&aborted_key, &aborted, 2, Bytes::from_static(b"late")).await,
        "upload_part to an aborted upload",
    );
    assert!(
        store.complete_upload(&aborted_key, &aborted, &[tag]).await.is_err(),
        "an aborted upload cannot be completed"
    );
    assert_missing(store, &aborted_key, "an aborted upload completed").await;

    let url = store
        .signed_url(
            &key,
            &DownloadAs { file_name: "Café.csv".into(), content_type: "text/csv; charset=utf-8".into() },
            SignedDuration::from_secs(300),
        )
        .await
        .expect("signed_url");
    assert!(url.starts_with("http://") || url.starts_with("https://"), "a signed URL is absolute: {url}");

    store.delete(&key).await.expect("delete");
    assert_missing(store, &key, "a deleted file").await;
    store.delete(&key).await.expect("deleting a deleted file is a no-op");
    store.delete(&aborted_key).await.expect("deleting a never-written file is a no-op");
}
