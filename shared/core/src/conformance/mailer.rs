//! Contract of the `Mailer` port, run against every adapter (the outbox, SMTP
//! to a real server, SES v2 on the emulator, the test kit's recorder), each
//! read back through its peer: a message sent arrives once, as the bytes of
//! the one MIME builder every adapter shares; a message that cannot be
//! built is refused for good and nothing arrives.

use async_trait::async_trait;
use bytes::Bytes;

use crate::ports::delivery::DeliveryError;
use crate::ports::mailer::{MailAttachment, MailMessage, Mailer};

/// What the peer behind a mailer has received: each message's raw MIME
/// bytes, in any order (a peer shared with other tests may hold theirs too).
#[async_trait]
pub trait MailPeer: Send + Sync {
    async fn received(&self) -> Vec<Vec<u8>>;
}

/// The shared MIME builder (`ferry_channels::build_mime`): what the peer
/// must receive, byte for byte.
pub type BuildMime = fn(&MailMessage) -> Option<Vec<u8>>;

/// Every byte value, so a lossy transfer encoding would show.
fn attachment_bytes() -> Bytes {
    Bytes::from((0..=255u8).cycle().take(70_000).collect::<Vec<_>>())
}

fn message(from: &str, id: &str) -> MailMessage {
    MailMessage {
        from: format!("Ferry <{from}>"),
        to: vec!["ana@example.org".into(), "Bo Li <bo@example.com>".into()],
        cc: vec!["ops@example.net".into()],
        subject: "Weekly sales – données ✓ Ελλάδα".into(),
        body: "Hello,\n\nthe report is attached.\n.\nA lone dot above.\n".into(),
        html: None,
        attachment: Some(MailAttachment {
            file_name: "sales-été.xlsx".into(),
            content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".into(),
            data: attachment_bytes(),
        }),
        date: "2026-11-23T09:00:05Z".parse().expect("an instant"),
        message_id: id.to_string(),
    }
}

/// The messages the peer holds that carry `id` as their Message-ID.
async fn arrived(peer: &dyn MailPeer, id: &str) -> Vec<Vec<u8>> {
    let needle = format!("<{id}@");
    peer.received().await.into_iter().filter(|raw| String::from_utf8_lossy(raw).contains(&needle)).collect()
}

/// Checks every `Mailer` promise. `from` is a sender the adapter may use
/// (SES wants a verified identity); `unique` makes the Message-IDs this run
/// sends its own when the peer is shared.
pub async fn mailer_conformance(mailer: &dyn Mailer, peer: &dyn MailPeer, build: BuildMime, from: &str, unique: &str) {
    // With an attachment: one message arrives, the builder's bytes.
    let plain = message(from, &format!("{unique}_attached"));
    let answer = mailer.send(&plain).await.expect("a valid message is sent");
    assert!(!answer.trim().is_empty(), "the receiving side's answer is kept for the history");
    let got = arrived(peer, &plain.message_id).await;
    assert_eq!(got.len(), 1, "one message arrives for one send");
    assert_eq!(Some(&got[0]), build(&plain).as_ref(), "the peer receives the shared builder's bytes");

    // With an HTML alternative and no attachment.
    let html = MailMessage {
        html: Some("<table><tr><td>DEMO-1 &amp; ✓</td></tr></table>".into()),
        attachment: None,
        ..message(from, &format!("{unique}_html"))
    };
    mailer.send(&html).await.expect("an HTML message is sent");
    let got = arrived(peer, &html.message_id).await;
    assert_eq!(got.len(), 1, "one HTML message arrives");
    assert_eq!(Some(&got[0]), build(&html).as_ref(), "the HTML message as built");

    // A recipient that is no address: refused for good, nothing arrives.
    let broken = MailMessage { to: vec!["not an address".into()], ..message(from, &format!("{unique}_broken")) };
    let err = mailer.send(&broken).await.expect_err("a message that cannot be built is refused");
    assert!(matches!(err, DeliveryError::Rejected(_)), "refused, not retried: {err:?}");
    assert!(arrived(peer, &broken.message_id).await.is_empty(), "nothing arrives for a refused message");
}
