//! A file store that holds the worker still right after it started its
//! first upload: after the export's claim, before the run's first save. A
//! test does what a race would do there (cancel, take over), then lets the
//! worker go on, and knows the race happened because the worker waited.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use ferry_core::model::export::PartTag;
use ferry_core::ports::file_store::{ByteStream, DownloadAs, FileStore, OpenUpload};
use ferry_core::PortError;
use jiff::{SignedDuration, Timestamp};
use tokio::sync::oneshot;

/// The upload the held worker has started (and not yet saved in its export).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartedUpload {
    pub key: String,
    pub upload_id: String,
}

/// Wraps a file store; its first `start_upload` waits for [`Pause::release`].
pub struct PausedUploadStore {
    inner: Arc<dyn FileStore>,
    armed: Mutex<Option<(oneshot::Sender<StartedUpload>, oneshot::Receiver<()>)>>,
}

/// The test's side: learn that the worker is held, then let it go.
pub struct Pause {
    reached: Option<oneshot::Receiver<StartedUpload>>,
    release: oneshot::Sender<()>,
}

impl PausedUploadStore {
    /// `inner` behind a pause at its first upload start.
    pub fn wrap(inner: Arc<dyn FileStore>) -> (Arc<PausedUploadStore>, Pause) {
        let (reached_tx, reached_rx) = oneshot::channel();
        let (release_tx, release_rx) = oneshot::channel();
        let store = PausedUploadStore { inner, armed: Mutex::new(Some((reached_tx, release_rx))) };
        (Arc::new(store), Pause { reached: Some(reached_rx), release: release_tx })
    }
}

impl Pause {
    /// Waits until a worker is held after starting its upload; that upload.
    /// Panics if the store was dropped without any upload being started.
    pub async fn reached(&mut self) -> StartedUpload {
        let reached = self.reached.take().expect("reached() is asked once");
        reached.await.expect("the store was dropped before any upload started")
    }

    /// Lets the held worker carry on.
    pub fn release(self) {
        // A worker that is gone has nothing left to release.
        let _ = self.release.send(());
    }
}

#[async_trait]
impl FileStore for PausedUploadStore {
    fn min_part_size(&self) -> usize {
        self.inner.min_part_size()
    }

    async fn start_upload(&self, key: &str) -> Result<String, PortError> {
        let upload_id = self.inner.start_upload(key).await?;
        let armed = self.armed.lock().expect("pause lock").take();
        if let Some((reached, release)) = armed {
            let _ = reached.send(StartedUpload { key: key.to_string(), upload_id: upload_id.clone() });
            // A dropped `Pause` releases the worker too.
            let _ = release.await;
        }
        Ok(upload_id)
    }

    async fn upload_part(&self, key: &str, upload_id: &str, number: u32, data: Bytes) -> Result<PartTag, PortError> {
        self.inner.upload_part(key, upload_id, number, data).await
    }

    async fn list_parts(&self, key: &str, upload_id: &str) -> Result<Vec<PartTag>, PortError> {
        self.inner.list_parts(key, upload_id).await
    }

    async fn complete_upload(&self, key: &str, upload_id: &str, parts: &[PartTag]) -> Result<(), PortError> {
        self.inner.complete_upload(key, upload_id, parts).await
    }

    async fn abort_upload(&self, key: &str, upload_id: &str) -> Result<(), PortError> {
        self.inner.abort_upload(key, upload_id).await
    }

    async fn open_uploads(&self, prefix: &str, before: Timestamp) -> Result<Vec<OpenUpload>, PortError> {
        self.inner.open_uploads(prefix, before).await
    }

    async fn read(&self, key: &str) -> Result<ByteStream, PortError> {
        self.inner.read(key).await
    }

    async fn delete(&self, key: &str) -> Result<(), PortError> {
        self.inner.delete(key).await
    }

    async fn signed_url(&self, key: &str, download: &DownloadAs, ttl: SignedDuration) -> Result<String, PortError> {
        self.inner.signed_url(key, download, ttl).await
    }
}
