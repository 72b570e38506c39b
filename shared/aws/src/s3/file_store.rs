//! `S3FileStore`: the file store port on one S3 bucket.
//!
//! An export is one multipart upload: each part is uploaded as the export
//! writes it, the checkpoint counts the parts, and completing lists them back
//! with ListParts (paginated, 1,000 a page) instead of keeping 10,000 tags in
//! one DynamoDB item. Uploads a worker abandons are aborted on cancel and on
//! failure, and by the bucket's lifecycle rule otherwise.
//!
//! Part size: S3 allows at most 10,000 parts per upload, each at least 5 MiB
//! but the last. For a 100 GB (up to 100 GiB) export to fit, a part must hold
//! at least 100 GiB / 10,000 = 10.24 MiB, so ≥ 10.5 MiB with some headroom.
//! The export function therefore uses `AWS_PART_SIZE` (16 MiB: 10,000 parts
//! hold 156 GiB), not S3's 5 MiB minimum, which would stop a file at 48.8 GiB.
//!
//! Reads stream the GetObject body chunk by chunk; downloads are presigned
//! GET URLs that make S3 answer with Ferry's file name and content type.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream as S3Body;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use aws_sdk_s3::Client;
use bytes::Bytes;
use ferry_core::model::export::PartTag;
use ferry_core::ports::file_store::{ByteStream, DownloadAs, FileStore, OpenUpload};
use ferry_core::PortError;
use jiff::{SignedDuration, Timestamp};

use super::errors::{backend, code, is_no_such_upload, unknown_upload};
use ferry_core::model::content_disposition::attachment;

/// S3's smallest part that is not the last one.
pub const S3_MIN_PART_SIZE: usize = 5 * 1024 * 1024;

/// The export part size on AWS: 10,000 parts of 16 MiB hold 156 GiB, over
/// the 100 GB an export may reach (see the module docs).
pub const AWS_PART_SIZE: usize = 16 * 1024 * 1024;

/// ListParts answers at most this many parts per page.
const LIST_PARTS_PAGE: i32 = 1000;

/// The longest a presigned URL may live (SigV4's limit).
const MAX_PRESIGNED_TTL: SignedDuration = SignedDuration::from_hours(7 * 24);

/// Files in one S3 bucket.
#[derive(Clone, Debug)]
pub struct S3FileStore {
    client: Client,
    bucket: String,
}

impl S3FileStore {
    pub fn new(client: Client, bucket: impl Into<String>) -> Self {
        S3FileStore { client, bucket: bucket.into() }
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }
}

#[async_trait]
impl FileStore for S3FileStore {
    fn min_part_size(&self) -> usize {
        S3_MIN_PART_SIZE
    }

    async fn start_upload(&self, key: &str) -> Result<String, PortError> {
        let out = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| backend("CreateMultipartUpload", e))?;
        out.upload_id()
            .map(str::to_string)
            .ok_or_else(|| PortError::backend("S3 CreateMultipartUpload answered without an upload id"))
    }

    async fn upload_part(&self, key: &str, upload_id: &str, number: u32, data: Bytes) -> Result<PartTag, PortError> {
        let size = data.len() as u64;
        let out = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .part_number(part_number(number)?)
            .content_length(size as i64)
            .body(S3Body::from(data))
            .send()
            .await
            .map_err(|e| match is_no_such_upload(&e) {
                true => unknown_upload(key, upload_id),
                false => backend("UploadPart", e),
            })?;
        let etag = out.e_tag().ok_or_else(|| PortError::backend("S3 UploadPart answered without an ETag"))?;
        Ok(PartTag { number, etag: etag.to_string(), size })
    }

    async fn list_parts(&self, key: &str, upload_id: &str) -> Result<Vec<PartTag>, PortError> {
        let mut parts = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let out = self
                .client
                .list_parts()
                .bucket(&self.bucket)
                .key(key)
                .upload_id(upload_id)
                .max_parts(LIST_PARTS_PAGE)
                .set_part_number_marker(marker.take())
                .send()
                .await
                .map_err(|e| match is_no_such_upload(&e) {
                    true => unknown_upload(key, upload_id),
                    false => backend("ListParts", e),
                })?;
            for part in out.parts() {
                let incomplete = || PortError::backend("S3 ListParts answered a part without number, ETag or size");
                let number = part.part_number().and_then(|n| u32::try_from(n).ok()).ok_or_else(incomplete)?;
                let etag = part.e_tag().ok_or_else(incomplete)?.to_string();
                let size = part.size().and_then(|s| u64::try_from(s).ok()).ok_or_else(incomplete)?;
                parts.push(PartTag { number, etag, size });
            }
            match (out.is_truncated(), out.next_part_number_marker()) {
                (Some(true), Some(next)) => marker = Some(next.to_string()),
                _ => break,
            }
        }
        Ok(parts)
    }

    async fn open_uploads(&self, prefix: &str, before: Timestamp) -> Result<Vec<OpenUpload>, PortError> {
        let mut found = Vec::new();
        let (mut key_marker, mut id_marker): (Option<String>, Option<String>) = (None, None);
        loop {
            let out = self
                .client
                .list_multipart_uploads()
                .bucket(&self.bucket)
                .prefix(prefix)
                .set_key_marker(key_marker.take())
                .set_upload_id_marker(id_marker.take())
                .send()
                .await
                .map_err(|e| backend("ListMultipartUploads", e))?;
            for u in out.uploads() {
                let (Some(key), Some(upload_id), Some(initiated)) = (u.key(), u.upload_id(), u.initiated()) else {
                    continue;
                };
                let started_at = Timestamp::from_second(initiated.secs()).map_err(PortError::backend)?;
                if started_at < before {
                    found.push(OpenUpload { key: key.to_string(), upload_id: upload_id.to_string(), started_at });
                }
            }
            match (out.is_truncated(), out.next_key_marker(), out.next_upload_id_marker()) {
                (Some(true), Some(k), Some(id)) => {
                    (key_marker, id_marker) = (Some(k.to_string()), Some(id.to_string()))
                }
                _ => break,
            }
        }
        Ok(found)
    }

    async fn complete_upload(&self, key: &str, upload_id: &str, parts: &[PartTag]) -> Result<(), PortError> {
        let mut completed = Vec::with_capacity(parts.len());
        for p in parts {
            completed.push(CompletedPart::builder().part_number(part_number(p.number)?).e_tag(&p.etag).build());
        }
        self.client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(completed)).build())
            .send()
            .await
            .map_err(|e| match is_no_such_upload(&e) {
                true => unknown_upload(key, upload_id),
                false => backend("CompleteMultipartUpload", e),
            })?;
        Ok(())
    }

    async fn abort_upload(&self, key: &str, upload_id: &str) -> Result<(), PortError> {
        match self.client.abort_multipart_upload().bucket(&self.bucket).key(key).upload_id(upload_id).send().await {
            Ok(_) => Ok(()),
            Err(e) if is_no_such_upload(&e) => Ok(()),
            Err(e) => Err(backend("AbortMultipartUpload", e)),
        }
    }

    async fn read(&self, key: &str) -> Result<ByteStream, PortError> {
        let out = self.client.get_object().bucket(&self.bucket).key(key).send().await.map_err(|e| {
            match e.as_service_error().is_some_and(|s| s.is_no_such_key()) || code(&e) == Some("NoSuchKey") {
                true => PortError::NotFound(format!("file {key}")),
                false => backend("GetObject", e),
            }
        })?;
        // Chunk by chunk as the response arrives: a 100 GB file is never in memory.
        let body = out.body;
        Ok(Box::pin(futures::stream::unfold(body, |mut body| async move {
            let chunk = body.next().await?;
            Some((chunk.map_err(|e| PortError::backend_in("S3 GetObject body", e)), body))
        })))
    }

    async fn delete(&self, key: &str) -> Result<(), PortError> {
        // DeleteObject answers 204 for a missing key too.
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| backend("DeleteObject", e))?;
        Ok(())
    }

    async fn signed_url(&self, key: &str, download: &DownloadAs, ttl: SignedDuration) -> Result<String, PortError> {
        if ttl <= SignedDuration::ZERO || ttl > MAX_PRESIGNED_TTL {
            return Err(PortError::backend(format!(
                "a presigned S3 URL lives more than 0 s and at most 7 days, not {ttl}"
            )));
        }
        let expires_in = Duration::try_from(ttl).map_err(PortError::backend)?;
        let config = PresigningConfig::expires_in(expires_in).map_err(PortError::backend)?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .response_content_disposition(attachment(&download.file_name))
            .response_content_type(&download.content_type)
            .presigned(config)
            .await
            .map_err(|e| backend("presigning GetObject", e))?;
        Ok(request.uri().to_string())
    }
}

/// S3 numbers parts 1..=10,000.
fn part_number(number: u32) -> Result<i32, PortError> {
    match number {
        1..=10_000 => Ok(number as i32),
        _ => Err(PortError::backend(format!("part number {number} is outside 1..=10000"))),
    }
}
