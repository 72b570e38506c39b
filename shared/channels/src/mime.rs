//! The one MIME builder every mailer uses (outbox, SMTP, and SES's raw
//! messages), so what a test reads from the outbox is byte for byte what
//! SES would send. Deterministic: the same `MailMessage` always gives the same
//! bytes, because the multipart boundary is derived from the message instead
//! of drawn at random and the `Date` comes from the message.
//!
//! Built with lettre's message builder: lettre is compiled anyway for SMTP, so
//! its builder costs a few small crates (mime, httpdate, quoted_printable,
//! email-encoding), where mail-builder would be a second MIME stack; and
//! lettre lets the caller set the boundary.

use std::time::SystemTime;

use ferry_core::ports::delivery::DeliveryError;
use ferry_core::ports::mailer::MailMessage;
use lettre::message::header::{self, ContentTransferEncoding, ContentType};
use lettre::message::{Attachment, Body, Mailbox, MultiPart, SinglePart};
use lettre::Message;
use sha2::{Digest, Sha256};

/// Why a message could not be built. It will not build next time either, so
/// it converts to `DeliveryError::Rejected`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MimeError {
    #[error("invalid {field} address {address:?}")]
    Address { field: &'static str, address: String },
    #[error("the message has no recipient")]
    NoRecipient,
    #[error("invalid message id {0:?}: only letters, digits, '.', '-', '_' and '+' are allowed")]
    MessageId(String),
    #[error("invalid attachment content type {0:?}")]
    ContentType(String),
    #[error("could not build the message: {0}")]
    Build(String),
}

impl From<MimeError> for DeliveryError {
    fn from(e: MimeError) -> Self {
        DeliveryError::Rejected(e.to_string())
    }
}

/// The RFC 5322 message: `From`, `To`, `Cc`, `Subject` (RFC 2047 encoded
/// words when not ASCII), `Date`, `Message-ID: <message_id@from-domain>`, a
/// text/plain body, and the attachment, if any, base64-encoded with its
/// content type and `filename` in a multipart/mixed message. With `html`,
/// the text and the HTML are a multipart/alternative (inside the mixed one
/// when there is an attachment).
pub fn build_mime(message: &MailMessage) -> Result<Vec<u8>, MimeError> {
    let from = mailbox("from", &message.from)?;
    check_message_id(&message.message_id)?;
    if message.to.is_empty() && message.cc.is_empty() {
        return Err(MimeError::NoRecipient);
    }
    let domain = from.email.domain().to_owned();
    let mut builder = Message::builder()
        .from(from)
        .subject(message.subject.as_str())
        .date(SystemTime::from(message.date))
        .message_id(Some(format!("<{}@{domain}>", message.message_id)));
    for to in &message.to {
        builder = builder.to(mailbox("to", to)?);
    }
    for cc in &message.cc {
        builder = builder.cc(mailbox("cc", cc)?);
    }
    // lettre picks 7bit or quoted-printable for the text and converts its
    // line endings to CRLF, as SMTP requires.
    let built = match (&message.attachment, &message.html) {
        // Not `singlepart`: lettre would end the text with one more CRLF.
        (None, None) => {
            builder.header(header::MIME_VERSION_1_0).header(ContentType::TEXT_PLAIN).body(message.body.clone())
        }
        (None, Some(html)) => builder.multipart(alternative(message, html)),
        (Some(attachment), html) => {
            let text = SinglePart::builder().header(ContentType::TEXT_PLAIN).body(message.body.clone());
            let content_type = ContentType::parse(&attachment.content_type)
                .map_err(|_| MimeError::ContentType(attachment.content_type.clone()))?;
            // Always base64, even for a text file: 7bit or quoted-printable
            // would be free to rewrite the file's line endings, and the
            // attachment must arrive byte-identical to the export.
            let data = Body::new_with_encoding(attachment.data.to_vec(), ContentTransferEncoding::Base64)
                .map_err(|_| MimeError::Build("attachment encoding".into()))?;
            let file = Attachment::new(attachment.file_name.clone()).body(data, content_type);
            let mixed = match html {
                None => MultiPart::mixed().boundary(boundary(message, b"mixed")).singlepart(text),
                Some(html) => {
                    MultiPart::mixed().boundary(boundary(message, b"mixed")).multipart(alternative(message, html))
                }
            };
            builder.multipart(mixed.singlepart(file))
        }
    };
    let mut bytes = built.map_err(|e| MimeError::Build(e.to_string()))?.formatted();
    // Every line complete, as in any .eml file; the SMTP mailer drops this
    // CRLF because its transport writes CRLF "." CRLF after the data.
    if !bytes.ends_with(b"\r\n") {
        bytes.extend_from_slice(b"\r\n");
    }
    Ok(bytes)
}

/// The plain text and the HTML body as alternatives (the HTML last: the one
/// a client shows when it can).
fn alternative(message: &MailMessage, html: &str) -> MultiPart {
    MultiPart::alternative()
        .boundary(boundary(message, b"alternative"))
        .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(message.body.clone()))
        .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html.to_string()))
}

/// `ferry-` and 32 hex digits of SHA-256 over the message id, the text and
/// which multipart it separates (so a nested one never shares a prefix with
/// its parent's). Base64 has no `-`, so the boundary cannot occur in the
/// attachment; the text would have to contain the hash of itself to hold it.
/// A mail without HTML keeps the boundary it had before there was any.
fn boundary(message: &MailMessage, kind: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(message.message_id.as_bytes());
    hash.update([0]);
    hash.update(message.body.as_bytes());
    if let Some(html) = &message.html {
        hash.update([0]);
        hash.update(kind);
        hash.update(html.as_bytes());
    }
    let digest = hash.finalize();
    format!("ferry-{}", hex::encode(&digest[..16]))
}

fn mailbox(field: &'static str, address: &str) -> Result<Mailbox, MimeError> {
    address.parse().map_err(|_| MimeError::Address { field, address: address.to_owned() })
}

/// The id also names the outbox file, so it is kept to characters that are
/// safe in both a `Message-ID` and a file name.
pub(crate) fn check_message_id(id: &str) -> Result<(), MimeError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+');
    if id.is_empty() || id.len() > 200 || !id.chars().all(allowed) || id.starts_with('.') {
        return Err(MimeError::MessageId(id.to_owned()));
    }
    Ok(())
}

#[cfg(test)]
#[path = "mime_tests.rs"]
mod tests;
