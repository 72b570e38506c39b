//! The local mailer for a real mail server (`FERRY_SMTP_URL`): lettre's async
//! SMTP transport on tokio, sending the bytes of `mime::build_mime`.
//!
//! URLs: `smtp://host:port` (plain SMTP, the local case: a relay such as
//! Postfix or a test catcher on the same machine or network),
//! `smtp://host:587?tls=required` (STARTTLS), `smtps://host:465` (TLS from the
//! first byte), each with optional `user:password@` (percent-encoded) for
//! AUTH PLAIN/LOGIN. TLS uses the rustls + aws-lc-rs stack reqwest already
//! compiles, with the platform's certificate store.

use std::time::Duration;

use async_trait::async_trait;
use ferry_core::ports::delivery::DeliveryError;
use ferry_core::ports::mailer::{MailMessage, Mailer};
use lettre::address::Envelope;
use lettre::transport::smtp::Error as SmtpError;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::mime::{build_mime, MimeError};

/// A URL lettre cannot use. The text never repeats the URL: it may hold a password.
#[derive(Debug, thiserror::Error)]
#[error("invalid SMTP URL: {reason}")]
pub struct SmtpUrlError {
    reason: String,
}

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// `host:port` only, for logs and errors.
    server: String,
}

impl std::fmt::Debug for SmtpMailer {
    // lettre's own Debug would print the credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer").field("server", &self.server).finish()
    }
}

impl SmtpMailer {
    /// Parses `smtp://[user:pass@]host[:port][?tls=required|opportunistic]`
    /// or `smtps://…`; connects only when a message is sent.
    pub fn from_url(url: &str) -> Result<Self, SmtpUrlError> {
        Self::from_url_with_timeout(url, Duration::from_secs(60))
    }

    /// As `from_url`, with the timeout of each SMTP command (connect, each
    /// reply) instead of 60 s.
    pub fn from_url_with_timeout(url: &str, timeout: Duration) -> Result<Self, SmtpUrlError> {
        let server = server_of(url).ok_or_else(|| SmtpUrlError { reason: "no host".into() })?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            // lettre's text names the scheme or URL syntax, never the password.
            .map_err(|e| SmtpUrlError { reason: e.to_string() })?
            .timeout(Some(timeout))
            .build();
        Ok(SmtpMailer { transport, server })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, message: &MailMessage) -> Result<String, DeliveryError> {
        let bytes = build_mime(message)?;
        let envelope = envelope(message)?;
        // lettre always ends the data with CRLF "." CRLF, its first CRLF
        // ending the last line: hand it the message without that one, and the
        // server receives exactly `bytes`.
        let data = bytes.strip_suffix(b"\r\n").unwrap_or(&bytes);
        match self.transport.send_raw(&envelope, data).await {
            Ok(reply) => {
                tracing::debug!(server = %self.server, bytes = bytes.len(), "mail sent over SMTP");
                Ok(smtp_reply(&reply))
            }
            Err(e) => Err(classify(&self.server, &e)),
        }
    }
}

/// Envelope sender: the `From` address; recipients: To and Cc.
fn envelope(message: &MailMessage) -> Result<Envelope, MimeError> {
    let address = |field: &'static str, text: &str| -> Result<Address, MimeError> {
        let mailbox: lettre::message::Mailbox =
            text.parse().map_err(|_| MimeError::Address { field, address: text.to_owned() })?;
        Ok(mailbox.email)
    };
    let from = address("from", &message.from)?;
    let mut to = Vec::new();
    for text in &message.to {
        to.push(address("to", text)?);
    }
    for text in &message.cc {
        to.push(address("cc", text)?);
    }
    Envelope::new(Some(from), to).map_err(|_| MimeError::NoRecipient)
}

/// 5xx replies (unknown recipient, bad credentials, too large) will be the
/// same next time; 4xx, timeouts and connection trouble may not.
fn classify(server: &str, e: &SmtpError) -> DeliveryError {
    let text = format!("SMTP {server}: {e}");
    if e.is_permanent() {
        DeliveryError::Rejected(text)
    } else {
        DeliveryError::Failed(text)
    }
}

fn server_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    (!host_port.is_empty()).then(|| host_port.to_owned())
}

/// `250 2.0.0 Ok: queued as 4F1…`: the server's code and its words.
fn smtp_reply(reply: &lettre::transport::smtp::response::Response) -> String {
    let words = reply.message().collect::<Vec<_>>().join(" ");
    format!("SMTP {} {words}", reply.code()).trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_name_keeps_host_and_port_and_drops_credentials() {
        assert_eq!(server_of("smtp://user:p%40ss@mail.local:2525").as_deref(), Some("mail.local:2525"));
        assert_eq!(server_of("smtps://mail.local?tls=x").as_deref(), Some("mail.local"));
        assert_eq!(server_of("smtp://"), None);
    }

    #[test]
    fn bad_urls_are_refused_without_echoing_them() {
        for url in ["http://user:hunter2@mail.local", "smtp://user:hunter2@", "nonsense"] {
            let err = SmtpMailer::from_url(url).unwrap_err().to_string();
            assert!(err.starts_with("invalid SMTP URL"), "{err}");
            assert!(!err.contains("hunter2"), "{err}");
        }
        let mailer = SmtpMailer::from_url("smtp://user:hunter2@127.0.0.1:2525").unwrap();
        assert!(!format!("{mailer:?}").contains("hunter2"));
    }
}
