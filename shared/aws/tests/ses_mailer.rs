//! SesMailer against moto's SES v2: the raw message SES receives is byte for
//! byte what `build_mime` makes (what the local outbox files), and an
//! independent parser finds the attachment intact in it.

use bytes::Bytes;
use ferry_aws::emulator::{unique_name, Emulator};
use ferry_aws::SesMailer;
use ferry_channels::build_mime;
use ferry_core::conformance::mailer::{mailer_conformance, MailPeer};
use ferry_core::ports::delivery::DeliveryError;
use ferry_core::ports::mailer::{MailAttachment, MailMessage, Mailer};
use mail_parser::{MessageParser, MimeHeaders};
use serde_json::Value;

/// Every byte value, so a lossy encoding anywhere on the way would show.
fn attachment_bytes() -> Bytes {
    Bytes::from((0..=255u8).cycle().take(40_000).collect::<Vec<_>>())
}

/// The MIME writer the Lambdas give SES.
fn mime(message: &MailMessage) -> Result<Vec<u8>, DeliveryError> {
    Ok(build_mime(message)?)
}

fn message(from: &str, id: &str) -> MailMessage {
    MailMessage {
        from: format!("Ferry <{from}>"),
        to: vec!["ana@example.org".into(), "Bo Li <bo@example.com>".into()],
        cc: vec!["ops@example.net".into()],
        subject: "Weekly sales – données ✓".into(),
        body: "Hello,\n\nthe report \"Sales\" is attached: 1 234 rows.\n".into(),
        html: None,
        attachment: Some(MailAttachment {
            file_name: "sales-été.xlsx".into(),
            content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".into(),
            data: attachment_bytes(),
        }),
        date: "2026-11-23T09:00:05Z".parse().unwrap(),
        message_id: id.into(),
    }
}

/// The raw messages moto's SES holds (`/moto-api/data.json` → `ses.RawMessage`).
async fn raw_messages() -> Vec<Value> {
    let data = Emulator::get().data().await;
    data["ses"]["RawMessage"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn an_email_reaches_ses_as_the_raw_mime_bytes_with_its_attachment() {
    let clients = Emulator::get().clients().await;
    let sender = format!("{}@example.org", unique_name("ferry"));
    clients.sesv2.create_email_identity().email_identity(&sender).send().await.expect("create_email_identity");
    let id = unique_name("dlv").replace('-', "_");
    let msg = message(&sender, &id);

    SesMailer::new(clients.sesv2.clone(), mime).send(&msg).await.unwrap();

    let ours: Vec<Value> = raw_messages()
        .await
        .into_iter()
        .filter(|m| m["raw_data"].as_str().is_some_and(|raw| raw.contains(&format!("<{id}@example.org>"))))
        .collect();
    assert_eq!(ours.len(), 1, "one raw message with our Message-ID");
    let raw = ours[0]["raw_data"].as_str().unwrap();
    assert_eq!(raw.as_bytes(), build_mime(&msg).unwrap().as_slice(), "SES got the outbox's bytes");
    assert_eq!(ours[0]["source"], format!("Ferry <{sender}>"));

    let parsed = MessageParser::default().parse(raw.as_bytes()).expect("parses");
    assert_eq!(parsed.subject(), Some(msg.subject.as_str()));
    assert_eq!(parsed.attachment_count(), 1);
    let attachment = parsed.attachment(0).unwrap();
    assert_eq!(attachment.attachment_name(), Some("sales-été.xlsx"));
    assert_eq!(attachment.contents(), &attachment_bytes()[..], "the attachment arrives byte for byte");
}

#[tokio::test]
async fn a_sender_ses_does_not_know_is_a_rejection_not_a_retry() {
    let clients = Emulator::get().clients().await;
    let sender = format!("{}@unverified.example.org", unique_name("ferry"));
    let id = unique_name("dlv").replace('-', "_");

    let err = SesMailer::new(clients.sesv2.clone(), mime).send(&message(&sender, &id)).await.unwrap_err();
    assert!(matches!(err, DeliveryError::Rejected(_)), "{err:?}");
    assert!(!err.retryable());
    assert!(raw_messages().await.iter().all(|m| !m["raw_data"].as_str().unwrap_or_default().contains(&id)));
}

/// moto's SES store of raw messages, shared by every test.
struct SesOutbox;

#[async_trait::async_trait]
impl MailPeer for SesOutbox {
    async fn received(&self) -> Vec<Vec<u8>> {
        raw_messages().await.iter().filter_map(|m| m["raw_data"].as_str()).map(|raw| raw.as_bytes().to_vec()).collect()
    }
}

#[tokio::test]
async fn ses_keeps_the_mailer_contract() {
    let clients = Emulator::get().clients().await;
    let sender = format!("{}@example.org", unique_name("ferry"));
    clients.sesv2.create_email_identity().email_identity(&sender).send().await.expect("create_email_identity");
    let unique = unique_name("contract").replace('-', "_");
    let mailer = SesMailer::new(clients.sesv2.clone(), mime);
    mailer_conformance(&mailer, &SesOutbox, |m| build_mime(m).ok(), &sender, &unique).await;
}
