//! OutboxMailer: the files it leaves, read back by mail-parser.

use bytes::Bytes;
use ferry_channels::{build_mime, OutboxMailer};
use ferry_core::conformance::mailer::{mailer_conformance, MailPeer};
use ferry_core::ports::mailer::{MailMessage, Mailer};
use mail_parser::{MessageParser, MimeHeaders};

use crate::peers::data;
use crate::smtp::message;

fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<_> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[tokio::test]
async fn the_outbox_files_the_mime_bytes_under_the_date_and_message_id() {
    let work = tempfile::tempdir().unwrap();
    let outbox = OutboxMailer::new(work.path().join("outbox"));
    let attachment = Bytes::from(data(100_000, 30));
    let message = message(attachment.clone());

    outbox.send(&message).await.unwrap();

    assert_eq!(listing(outbox.dir()), ["20250602T070000Z-run_42.dlv_1.eml"]);
    let path = outbox.path_for(&message).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(bytes, build_mime(&message).unwrap());
    let parsed = MessageParser::default().parse(&bytes).unwrap();
    assert_eq!(parsed.subject(), Some(message.subject.as_str()));
    let file = parsed.attachments().next().unwrap();
    assert_eq!(file.attachment_name(), Some("weekly-sales.zip"));
    assert_eq!(file.contents(), &attachment[..]);
}

#[tokio::test]
async fn sending_again_replaces_the_file_and_leaves_no_temporary() {
    let work = tempfile::tempdir().unwrap();
    let outbox = OutboxMailer::new(work.path().to_owned());
    let first = message(Bytes::from_static(b"v1"));
    outbox.send(&first).await.unwrap();
    let second = MailMessage { subject: "Second try".into(), ..first.clone() };

    outbox.send(&second).await.unwrap();

    assert_eq!(listing(work.path()), ["20250602T070000Z-run_42.dlv_1.eml"]);
    let parsed_bytes = std::fs::read(outbox.path_for(&second).unwrap()).unwrap();
    assert_eq!(MessageParser::default().parse(&parsed_bytes).unwrap().subject(), Some("Second try"));
}

#[tokio::test]
async fn a_message_that_cannot_be_built_is_rejected_and_nothing_is_filed() {
    let work = tempfile::tempdir().unwrap();
    let outbox = OutboxMailer::new(work.path().to_owned());
    let bad = MailMessage { message_id: "../../escape".into(), ..message(Bytes::new()) };
    let err = outbox.send(&bad).await.unwrap_err();
    assert!(!err.retryable(), "{err:?}");
    assert!(listing(work.path()).is_empty());
}

/// The `.eml` files of a folder: what an outbox or the SMTP peer holds.
pub struct EmlFolder(pub std::path::PathBuf);

#[async_trait::async_trait]
impl MailPeer for EmlFolder {
    async fn received(&self) -> Vec<Vec<u8>> {
        let files = std::fs::read_dir(&self.0)
            .map(|dir| dir.flatten().map(|e| e.path()).collect())
            .unwrap_or_else(|_| Vec::new());
        files
            .into_iter()
            .filter(|p: &std::path::PathBuf| p.extension().is_some_and(|x| x == "eml"))
            .map(|p| std::fs::read(p).unwrap())
            .collect()
    }
}

pub fn built(message: &MailMessage) -> Option<Vec<u8>> {
    build_mime(message).ok()
}

#[tokio::test]
async fn the_outbox_keeps_the_mailer_contract() {
    let work = tempfile::tempdir().unwrap();
    let outbox = OutboxMailer::new(work.path().join("outbox"));
    let peer = EmlFolder(work.path().join("outbox"));
    mailer_conformance(&outbox, &peer, built, "ferry@localhost", "outbox").await;
}
