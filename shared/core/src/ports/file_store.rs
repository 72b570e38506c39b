//! The file store port: multipart uploads written part by part (so a resumed
//! export continues its upload, and lists its parts back to complete it),
//! streamed reads, and signed download URLs.
//!
//! Errors: every method may fail with `PortError::Backend`, and writes with
//! `PortError::NoSpace`; the other variants each method may return are named
//! on it (checked by `conformance::file_store`).

use std::pin::Pin;

use async_trait::async_trait;
use bytes::Bytes;
use futures::Stream;
use jiff::{SignedDuration, Timestamp};

use crate::model::export::PartTag;
use crate::PortError;

pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, PortError>> + Send>>;

/// A multipart upload that was started and neither completed nor aborted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenUpload {
    pub key: String,
    pub upload_id: String,
    pub started_at: Timestamp,
}

/// What a signed URL serves the file as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadAs {
    pub file_name: String,
    pub content_type: String,
}

#[async_trait]
pub trait FileStore: Send + Sync {
    /// Smallest size of a part that is not the last (S3: 5 MiB).
    fn min_part_size(&self) -> usize;
    /// Starts a multipart upload to `key`; returns its upload id.
    async fn start_upload(&self, key: &str) -> Result<String, PortError>;
    /// Stores part `number` (from 1) of an upload; writing the same number again replaces it.
    /// An upload the store does not know (aborted, completed, lost) is
    /// [`PortError::UploadGone`]; the worker then writes the file again from zero.
    async fn upload_part(&self, key: &str, upload_id: &str, number: u32, data: Bytes) -> Result<PartTag, PortError>;
    /// The parts stored so far for an upload, in ascending order of their
    /// numbers (the tag of the last write of each number), so a resumed export
    /// completes its upload without having kept every tag. An unknown upload
    /// is [`PortError::UploadGone`].
    async fn list_parts(&self, key: &str, upload_id: &str) -> Result<Vec<PartTag>, PortError>;
    /// Assembles the listed parts, in order, into the file at `key`. Only then is the file visible.
    /// An unknown upload is [`PortError::UploadGone`].
    async fn complete_upload(&self, key: &str, upload_id: &str, parts: &[PartTag]) -> Result<(), PortError>;
    /// Drops an upload and its parts; a no-op for an unknown upload.
    async fn abort_upload(&self, key: &str, upload_id: &str) -> Result<(), PortError>;
    /// Uploads under `prefix` started before `before` and still open: the
    /// leftovers of a worker that died or lost its export, for the sweeper.
    async fn open_uploads(&self, prefix: &str, before: Timestamp) -> Result<Vec<OpenUpload>, PortError>;
    /// The file's bytes as a stream; [`PortError::NotFound`] when there is no file at `key`.
    async fn read(&self, key: &str) -> Result<ByteStream, PortError>;
    /// Deletes the file; a no-op when it is gone.
    async fn delete(&self, key: &str) -> Result<(), PortError>;
    /// A URL that serves the file without an API key until `ttl` has passed.
    async fn signed_url(&self, key: &str, download: &DownloadAs, ttl: SignedDuration) -> Result<String, PortError>;
}
