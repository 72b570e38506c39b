//! The local mailer without a mail server: each message becomes
//! `<dir>/<date>-<message_id>.eml`, the exact bytes SES or SMTP would carry.
//! Tests and people read the folder; any mail client opens the files.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use ferry_core::ports::delivery::DeliveryError;
use ferry_core::ports::mailer::{MailMessage, Mailer};
use tokio::io::AsyncWriteExt;

use crate::mime::{build_mime, check_message_id};

#[derive(Debug, Clone)]
pub struct OutboxMailer {
    dir: PathBuf,
}

impl OutboxMailer {
    /// Files mail into `dir`, created on the first message.
    pub fn new(dir: PathBuf) -> Self {
        OutboxMailer { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where `message` is (or will be) filed: `20250330T013005Z-<message_id>.eml`,
    /// so a listing sorts by send time. Errors on an id unfit for a file name.
    pub fn path_for(&self, message: &MailMessage) -> Result<PathBuf, DeliveryError> {
        check_message_id(&message.message_id)?;
        let date = message.date.strftime("%Y%m%dT%H%M%SZ");
        Ok(self.dir.join(format!("{date}-{}.eml", message.message_id)))
    }
}

#[async_trait]
impl Mailer for OutboxMailer {
    /// Writes a temporary file and renames it, so a reader never sees half a
    /// message; sending the same message again replaces the file.
    async fn send(&self, message: &MailMessage) -> Result<String, DeliveryError> {
        let bytes = build_mime(message)?;
        let path = self.path_for(message)?;
        let failed = |e: std::io::Error| DeliveryError::Failed(format!("writing to the outbox failed: {e}"));
        tokio::fs::create_dir_all(&self.dir).await.map_err(failed)?;
        // A dot name: not `*.eml`, so a folder watcher skips it until the rename.
        let temp = self.dir.join(format!(".{}.tmp", message.message_id));
        let mut file = tokio::fs::File::create(&temp).await.map_err(failed)?;
        let written = async {
            file.write_all(&bytes).await?;
            file.sync_all().await
        }
        .await;
        drop(file);
        if let Err(e) = written {
            let _ = tokio::fs::remove_file(&temp).await;
            return Err(failed(e));
        }
        tokio::fs::rename(&temp, &path).await.map_err(failed)?;
        tracing::debug!(path = %path.display(), bytes = bytes.len(), "mail filed in the outbox");
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(format!("filed in the outbox as {name}"))
    }
}
