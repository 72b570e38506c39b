//! Contract of the `S3Client` port, run against its adapter with the
//! emulator's S3 as the peer: a file of several parts arrives whole, with
//! its content type and metadata, and the bytes sent are counted; a file
//! that fails to be read half-way leaves no object and no incomplete
//! upload; a bucket that does not exist is refused for good; a loopback
//! endpoint is forbidden while private networks are off.

use async_trait::async_trait;
use bytes::Bytes;

use crate::ports::delivery::DeliveryError;
use crate::ports::file_store::ByteStream;
use crate::ports::s3_client::{S3Client, S3Target, S3_PART_SIZE};
use crate::PortError;

/// An object as the bucket holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    pub bytes: Vec<u8>,
    pub content_type: Option<String>,
    /// User metadata, names lowercased, sorted.
    pub metadata: Vec<(String, String)>,
}

/// A bucket the suite may write to, behind an endpoint on 127.0.0.1.
#[async_trait]
pub trait S3Peer: Send + Sync {
    /// A target for `key` in the peer's bucket, with credentials that may
    /// write it and private networks allowed.
    fn target(&self, key: &str) -> S3Target;
    async fn object(&self, key: &str) -> Option<StoredObject>;
    /// Multipart uploads begun and neither completed nor aborted.
    async fn uploads_in_progress(&self) -> usize;
}

fn body(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn stream(data: &[u8], then_fail: bool) -> ByteStream {
    let mut chunks: Vec<Result<Bytes, PortError>> =
        data.chunks(1 << 20).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
    if then_fail {
        chunks.push(Err(PortError::backend("the file could not be read")));
    }
    Box::pin(futures::stream::iter(chunks))
}

/// Checks every `S3Client` promise against the peer's bucket.
pub async fn s3_client_conformance(client: &dyn S3Client, peer: &dyn S3Peer) {
    let data = body(S3_PART_SIZE + S3_PART_SIZE / 2 + 7);
    let target = S3Target {
        content_type: "text/csv; charset=utf-8".into(),
        metadata: vec![("ferry-export-id".into(), "exp_contract".into()), ("ferry-rows".into(), "42".into())],
        ..peer.target("contract/whole.csv")
    };
    let sent = client.put(&target, stream(&data, false)).await.expect("a file of two parts");
    assert_eq!(sent, data.len() as u64, "the bytes sent are the file's");
    let stored = peer.object("contract/whole.csv").await.expect("the object exists");
    assert!(stored.bytes == data, "the object is the file, byte for byte");
    assert_eq!(stored.content_type.as_deref(), Some("text/csv; charset=utf-8"));
    let want = vec![("ferry-export-id".to_string(), "exp_contract".to_string()), ("ferry-rows".into(), "42".into())];
    assert_eq!(stored.metadata, want, "the metadata given");

    let err = client.put(&peer.target("contract/broken.csv"), stream(&data, true)).await.expect_err("a read failure");
    assert!(err.retryable(), "a file that could not be read is worth another attempt: {err:?}");
    assert_eq!(peer.object("contract/broken.csv").await, None, "no object from a failed upload");
    assert_eq!(peer.uploads_in_progress().await, 0, "the failed upload is aborted");

    let target = S3Target { bucket: "ferry-no-such-bucket-for-the-contract".into(), ..peer.target("x.csv") };
    let err = client.put(&target, stream(b"a,b\n", false)).await.expect_err("no such bucket");
    assert!(matches!(err, DeliveryError::Rejected(_)), "refused for good: {err:?}");

    let target = S3Target { allow_private_networks: false, ..peer.target("contract/private.csv") };
    let err = client.put(&target, stream(b"a,b\n", false)).await.expect_err("a loopback endpoint");
    assert!(matches!(err, DeliveryError::Forbidden(_)), "forbidden while private networks are off: {err:?}");
    assert_eq!(peer.object("contract/private.csv").await, None, "nothing written");
}
