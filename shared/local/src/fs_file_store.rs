//! `FsFileStore`: the local adapter of the file store port, a folder.
//!
//! ```text
//! <root>/uploads/<upload id>/key      the key the upload is for
//! <root>/uploads/<upload id>/data     parts uploaded in order, end to end
//! <root>/uploads/<upload id>/00007    a part uploaded out of order (+ tags)
//! <root>/files/<key>                  finished files
//! ```
//! A file appears under its key only by a rename of the fully assembled
//! file, so a reader never sees a partial one; for parts uploaded in order
//! that rename is all completing costs (`part_files`). Downloads go through
//! signed URLs served by `signed_files_router`.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use ferry_core::model::export::PartTag;
use ferry_core::model::ids::random_token;
use ferry_core::ports::clock::Clock;
use ferry_core::ports::file_store::{ByteStream, DownloadAs, FileStore, OpenUpload};
use ferry_core::PortError;
use futures::TryStreamExt;
use jiff::{SignedDuration, Timestamp};
use tokio_util::io::ReaderStream;

use crate::file_keys::{check_key, is_upload_id, Layout};
use crate::part_files;
use crate::url_signing::{SignedFile, UrlSigner};

/// Bytes per chunk of a read stream.
pub(crate) const READ_CHUNK: usize = 64 * 1024;
/// S3's most parts per upload; the same bound here keeps part names 5 digits.
const MAX_PART_NUMBER: u32 = 10_000;

/// Files in a folder, with HMAC-signed download URLs.
pub struct FsFileStore {
    layout: Layout,
    signer: UrlSigner,
    clock: Arc<dyn Clock>,
    /// fsync parts and files before acknowledging them.
    durable: AtomicBool,
}

impl FsFileStore {
    /// A store under `root` (created on first write). Signed URLs start with
    /// `public_url`, are signed with `signing_key` and expire by `clock`.
    pub fn new(root: PathBuf, public_url: String, signing_key: Vec<u8>, clock: Arc<dyn Clock>) -> Self {
        FsFileStore {
            layout: Layout::new(root),
            signer: UrlSigner::new(public_url, signing_key),
            clock,
            durable: AtomicBool::new(true),
        }
    }

    /// Whether a stored part or file is on disk (fsync) before the call
    /// returns: on by default, as S3 promises. `ferry export` turns it off
    /// for its throw-away store, whose only file is moved out at the end.
    pub fn set_durable(&self, durable: bool) {
        self.durable.store(durable, Ordering::Relaxed);
    }

    fn durable(&self) -> bool {
        self.durable.load(Ordering::Relaxed)
    }

    /// Moves the finished file at `key` out of the store to `dest`: a rename
    /// on the same file system, else a copy (the kernel's) and a delete.
    pub async fn move_out(&self, key: &str, dest: &Path) -> Result<(), PortError> {
        check_key(key)?;
        let from = self.layout.file(key);
        if tokio::fs::rename(&from, dest).await.is_err() {
            tokio::fs::copy(&from, dest).await.map_err(PortError::from_io)?;
            tokio::fs::remove_file(&from).await.map_err(PortError::from_io)?;
        }
        self.prune_empty_parents(key).await;
        Ok(())
    }

    pub(crate) fn signer(&self) -> &UrlSigner {
        &self.signer
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// Opens a finished file and tells its length; `NotFound` when it is gone.
    pub(crate) async fn open_file(&self, key: &str) -> Result<(tokio::fs::File, u64), PortError> {
        check_key(key)?;
        let file = tokio::fs::File::open(self.layout.file(key)).await.map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => PortError::NotFound(format!("file {key}")),
            _ => PortError::backend_in(format_args!("opening {key}"), e),
        })?;
        let len = file.metadata().await.map_err(PortError::from_io)?.len();
        Ok((file, len))
    }

    /// Checks that `upload_id` is an upload of `key`; `UploadGone` otherwise.
    async fn check_upload(&self, key: &str, upload_id: &str) -> Result<(), PortError> {
        check_key(key)?;
        let unknown = || PortError::UploadGone { key: key.to_string(), upload_id: upload_id.to_string() };
        if !is_upload_id(upload_id) {
            return Err(unknown());
        }
        match tokio::fs::read_to_string(self.layout.upload_key(upload_id)).await {
            Ok(stored) if stored == key => Ok(()),
            Ok(_) => Err(unknown()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(unknown()),
            Err(e) => Err(PortError::backend(e)),
        }
    }

    /// Removes the now empty folders between a deleted file and `files/`.
    async fn prune_empty_parents(&self, key: &str) {
        let top = self.layout.files_dir();
        let mut dir = self.layout.file(key).parent().map(PathBuf::from);
        while let Some(d) = dir.filter(|d| *d != top && d.starts_with(&top)) {
            // Fails (and stops) at the first folder that still holds something.
            if tokio::fs::remove_dir(&d).await.is_err() {
                break;
            }
            dir = d.parent().map(PathBuf::from);
        }
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, PortError> + Send + 'static,
) -> Result<T, PortError> {
    tokio::task::spawn_blocking(work).await.map_err(PortError::backend)?
}

#[async_trait]
impl FileStore for FsFileStore {
    fn min_part_size(&self) -> usize {
        1
    }

    async fn start_upload(&self, key: &str) -> Result<String, PortError> {
        check_key(key)?;
        let upload_id = random_token();
        tokio::fs::create_dir_all(self.layout.upload_dir(&upload_id)).await.map_err(PortError::from_io)?;
        let key_file = self.layout.upload_key(&upload_id);
        tokio::fs::write(&key_file, key).await.map_err(PortError::from_io)?;
        // The key file's time is the upload's start by the store's clock, so
        // `open_uploads` ages uploads by the same clock as everything else.
        let started = std::time::SystemTime::from(self.clock.now());
        let file = std::fs::File::options().write(true).open(&key_file).map_err(PortError::from_io)?;
        file.set_modified(started).map_err(PortError::from_io)?;
        Ok(upload_id)
    }

    async fn upload_part(&self, key: &str, upload_id: &str, number: u32, data: Bytes) -> Result<PartTag, PortError> {
        if !(1..=MAX_PART_NUMBER).contains(&number) {
            return Err(PortError::backend(format!("part number {number} is outside 1..={MAX_PART_NUMBER}")));
        }
        self.check_upload(key, upload_id).await?;
        let (layout, upload_id, durable) = (self.layout.clone(), upload_id.to_string(), self.durable());
        blocking(move || part_files::write_part(&layout, &upload_id, number, &data, durable)).await
    }

    async fn list_parts(&self, key: &str, upload_id: &str) -> Result<Vec<PartTag>, PortError> {
        self.check_upload(key, upload_id).await?;
        let (layout, upload_id) = (self.layout.clone(), upload_id.to_string());
        blocking(move || part_files::list_parts(&layout, &upload_id)).await
    }

    async fn complete_upload(&self, key: &str, upload_id: &str, parts: &[PartTag]) -> Result<(), PortError> {
        self.check_upload(key, upload_id).await?;
        if parts.is_empty() {
            return Err(PortError::backend("an upload needs at least one part"));
        }
        if parts.windows(2).any(|w| w[0].number >= w[1].number) {
            return Err(PortError::backend("parts must be listed in ascending order of their numbers"));
        }
        let (layout, id, parts) = (self.layout.clone(), upload_id.to_string(), parts.to_vec());
        let (temp, target, durable) = (self.layout.assembly(upload_id), self.layout.file(key), self.durable());
        blocking(move || part_files::assemble(&layout, &id, &parts, &temp, &target, durable)).await?;
        tokio::fs::remove_dir_all(self.layout.upload_dir(upload_id)).await.map_err(PortError::from_io)
    }

    async fn abort_upload(&self, key: &str, upload_id: &str) -> Result<(), PortError> {
        match self.check_upload(key, upload_id).await {
            Ok(()) => {}
            Err(PortError::UploadGone { .. }) => return Ok(()),
            Err(e) => return Err(e),
        }
        match tokio::fs::remove_dir_all(self.layout.upload_dir(upload_id)).await {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(PortError::backend(e)),
            _ => Ok(()),
        }
    }

    async fn open_uploads(&self, prefix: &str, before: Timestamp) -> Result<Vec<OpenUpload>, PortError> {
        let layout = self.layout.clone();
        let prefix = prefix.to_string();
        blocking(move || part_files::open_uploads(&layout, &prefix, before)).await
    }

    async fn read(&self, key: &str) -> Result<ByteStream, PortError> {
        let (file, _) = self.open_file(key).await?;
        Ok(Box::pin(ReaderStream::with_capacity(file, READ_CHUNK).map_err(PortError::from_io)))
    }

    async fn delete(&self, key: &str) -> Result<(), PortError> {
        check_key(key)?;
        match tokio::fs::remove_file(self.layout.file(key)).await {
            Ok(()) => {
                self.prune_empty_parents(key).await;
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(PortError::backend(e)),
        }
    }

    async fn signed_url(&self, key: &str, download: &DownloadAs, ttl: SignedDuration) -> Result<String, PortError> {
        check_key(key)?;
        let expires = self.clock.now().checked_add(ttl).map_err(PortError::backend)?.as_second();
        Ok(self.signer.url(&SignedFile {
            key,
            expires,
            name: &download.file_name,
            content_type: &download.content_type,
        }))
    }
}
