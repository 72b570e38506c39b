//! SmtpMailer against aiosmtpd (tests/peers/smtp_server.py).

use std::ffi::OsStr;
use std::path::Path;

use bytes::Bytes;
use ferry_channels::{build_mime, SmtpMailer};
use ferry_core::ports::delivery::DeliveryError;
use ferry_core::ports::mailer::{MailAttachment, MailMessage, Mailer};
use mail_parser::{MessageParser, MimeHeaders};
use serde_json::Value;

use crate::outbox::{built, EmlFolder};
use crate::peers::{self, data, Peer};
use ferry_core::conformance::mailer::mailer_conformance;

pub fn message(attachment: Bytes) -> MailMessage {
    MailMessage {
        from: "Ferry <ferry@localhost>".into(),
        to: vec!["ana@example.org".into(), "bo@example.com".into()],
        cc: vec!["Ops <ops@example.net>".into()],
        subject: "Weekly sales – 1 234 rows ✓".into(),
        body: "Hello,\n\nthe report is attached.\n.\nA line with a lone dot above.\n".into(),
        html: None,
        attachment: Some(MailAttachment {
            file_name: "weekly-sales.zip".into(),
            content_type: "application/zip".into(),
            data: attachment,
        }),
        date: "2025-06-02T07:00:00Z".parse().unwrap(),
        message_id: "run_42.dlv_1".into(),
    }
}

async fn start(out: &Path, credentials: Option<(&str, &str)>) -> Peer {
    let mut args: Vec<&OsStr> = vec!["--out".as_ref(), out.as_os_str()];
    if let Some((user, password)) = credentials {
        args.extend::<[&OsStr; 4]>(["--user".as_ref(), user.as_ref(), "--password".as_ref(), password.as_ref()]);
    }
    peers::start("smtp_server.py", &args).await
}

#[tokio::test]
async fn a_real_smtp_server_receives_exactly_the_outbox_bytes() {
    let out = tempfile::tempdir().unwrap();
    let peer = start(out.path(), None).await;
    let attachment = Bytes::from(data(2 * 1024 * 1024 + 3, 20));
    let message = message(attachment.clone());

    let mailer = SmtpMailer::from_url(&format!("smtp://127.0.0.1:{}", peer.port())).unwrap();
    let reply = mailer.send(&message).await.unwrap();
    assert!(reply.starts_with("SMTP 250"), "the server's reply, for the history: {reply}");

    let received = std::fs::read(out.path().join("1.eml")).unwrap();
    // Dot-stuffing undone and nothing rewritten: SMTP carried the builder's bytes.
    assert_eq!(received, build_mime(&message).unwrap());
    let envelope: Value = serde_json::from_slice(&std::fs::read(out.path().join("1.json")).unwrap()).unwrap();
    assert_eq!(envelope["mail_from"], "ferry@localhost");
    assert_eq!(envelope["rcpt_tos"], serde_json::json!(["ana@example.org", "bo@example.com", "ops@example.net"]));

    let parsed = MessageParser::default().parse(&received).unwrap();
    assert_eq!(parsed.subject(), Some("Weekly sales – 1 234 rows ✓"));
    assert_eq!(parsed.body_text(0).unwrap().replace("\r\n", "\n"), message.body);
    let file = parsed.attachments().next().unwrap();
    assert_eq!(file.attachment_name(), Some("weekly-sales.zip"));
    assert_eq!(file.content_type().map(|c| (c.ctype(), c.subtype())), Some(("application", Some("zip"))));
    assert_eq!(file.contents(), &attachment[..]);
}

#[tokio::test]
async fn credentials_in_the_url_log_in_and_wrong_ones_are_rejected() {
    let out = tempfile::tempdir().unwrap();
    let peer = start(out.path(), Some(("relay", "p@ss word"))).await;
    let port = peer.port();
    let message = message(Bytes::from_static(b"id\n1\n"));

    let mailer = SmtpMailer::from_url(&format!("smtp://relay:p%40ss%20word@127.0.0.1:{port}")).unwrap();
    mailer.send(&message).await.unwrap();
    assert!(out.path().join("1.eml").exists());

    let wrong = SmtpMailer::from_url(&format!("smtp://relay:nope-pw@127.0.0.1:{port}")).unwrap();
    let err = wrong.send(&message).await.unwrap_err();
    let DeliveryError::Rejected(why) = &err else { panic!("{err:?}") };
    assert!(why.starts_with(&format!("SMTP 127.0.0.1:{port}: ")), "{why}");
    assert!(!why.contains("nope-pw"), "{why}");
    assert!(!out.path().join("2.eml").exists());

    let anonymous = SmtpMailer::from_url(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let err = anonymous.send(&message).await.unwrap_err();
    assert!(matches!(err, DeliveryError::Rejected(_)), "auth required: {err:?}");
}

#[tokio::test]
async fn an_unreachable_server_is_a_retryable_failure() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mailer = SmtpMailer::from_url(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let err = mailer.send(&message(Bytes::new())).await.unwrap_err();
    assert!(err.retryable(), "{err:?}");
}

#[tokio::test]
async fn a_real_smtp_server_receives_what_the_mailer_contract_says() {
    let out = tempfile::tempdir().unwrap();
    let peer = start(out.path(), None).await;
    let mailer = SmtpMailer::from_url(&format!("smtp://127.0.0.1:{}", peer.port())).unwrap();
    mailer_conformance(&mailer, &EmlFolder(out.path().to_owned()), built, "ferry@localhost", "smtp").await;
}
