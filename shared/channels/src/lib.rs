//! Ferry's delivery channels: the adapters behind ferry-core's `Mailer`,
//! `SftpClient`, `WebhookClient` and `S3Client` ports, and the network guard they share.
//! Every adapter is proved against a real peer we did not write (see
//! `tests/adapters`); the core's delivery use case decides what to send.

pub mod host_key;
pub mod mime;
pub mod network_guard;
pub mod outbox;
pub mod remote_path;
pub mod s3;
pub mod sftp;
pub mod smtp;
pub mod timeouts;
pub mod webhook;

pub use host_key::fingerprint_sha256;
pub use mime::{build_mime, MimeError};
pub use network_guard::resolve_checked;
pub use outbox::OutboxMailer;
pub use s3::ObjectStoreS3Client;
pub use sftp::RusshSftpClient;
pub use smtp::{SmtpMailer, SmtpUrlError};
pub use timeouts::Timeouts;
pub use webhook::ReqwestWebhookClient;
