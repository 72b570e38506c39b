//! The mail port: sends one message. Local: `.eml` files in an outbox folder
//! or SMTP; AWS: SES v2 raw messages. Every adapter builds the same MIME bytes
//! (ferry-channels' builder), so what a test reads from the outbox is what SES sends.

use async_trait::async_trait;
use bytes::Bytes;
use jiff::Timestamp;

use super::delivery::DeliveryError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAttachment {
    pub file_name: String,
    pub content_type: String,
    /// At most `maxAttachmentMb` (≤ 28 MB), so it is held in memory.
    pub data: Bytes,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailMessage {
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    /// Plain text.
    pub body: String,
    /// An HTML alternative to `body` (the mail is then multipart/alternative).
    pub html: Option<String>,
    pub attachment: Option<MailAttachment>,
    /// The `Date` header.
    pub date: Timestamp,
    /// Unique id for the `Message-ID` header (without angle brackets or domain).
    pub message_id: String,
}

#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends (or, locally, files) one message; Ok with the receiving side's
    /// answer (the SMTP server's reply, SES's message id, the outbox file).
    async fn send(&self, message: &MailMessage) -> Result<String, DeliveryError>;
}
