//! The builder's output read back by an independent parser (mail-parser).

use bytes::Bytes;
use ferry_core::ports::mailer::{MailAttachment, MailMessage};
use mail_parser::{MessageParser, MimeHeaders};

use super::*;

/// A CSV as a text attachment must keep: LF, CRLF and a lone CR, non-ASCII,
/// a line longer than SMTP's 998, lines that are a dot or start with "From ".
fn csv_bytes() -> Bytes {
    let mut data = b"id,name\nA-1,\"caf\xc3\xa9 \xe2\x9c\x93\"\r\nB-2,x\r\r\n".to_vec();
    data.extend(std::iter::repeat_n(b'x', 3000));
    data.extend_from_slice(b"\n.\n..\nFrom the end\n");
    Bytes::from(data)
}

/// Every byte value: what a careless encoding would damage in a binary file.
fn binary_bytes() -> Bytes {
    Bytes::from((0..=255u8).cycle().take(70_000).collect::<Vec<_>>())
}

fn message() -> MailMessage {
    MailMessage {
        from: "Ferry <ferry@example.org>".into(),
        to: vec!["ana@example.org".into(), "Bo Li <bo@example.com>".into()],
        cc: vec!["ops@example.net".into()],
        subject: "Rapport hebdo – données ✓ {{ok}}".into(),
        body: "Bonjour,\n\nle rapport « Ventes » est prêt: 1 234 lignes.\nLigne 3\n".into(),
        html: None,
        attachment: Some(MailAttachment {
            file_name: "ventes-été.csv".into(),
            content_type: "text/csv; charset=utf-8".into(),
            data: csv_bytes(),
        }),
        date: "2025-03-30T01:30:05Z".parse().unwrap(),
        message_id: "dlv_01HZX3.attempt-1".into(),
    }
}

fn addresses(list: Option<&mail_parser::Address<'_>>) -> Vec<String> {
    list.map(|a| a.iter().map(|addr| addr.address().unwrap().to_owned()).collect()).unwrap_or_default()
}

#[test]
fn a_parser_reads_back_subject_body_recipients_and_a_byte_identical_attachment() {
    let input = message();
    let bytes = build_mime(&input).unwrap();
    let parsed = MessageParser::default().parse(&bytes).expect("parses");

    assert_eq!(parsed.subject(), Some(input.subject.as_str()));
    assert_eq!(addresses(parsed.from()), ["ferry@example.org"]);
    assert_eq!(parsed.from().unwrap().first().unwrap().name(), Some("Ferry"));
    assert_eq!(addresses(parsed.to()), ["ana@example.org", "bo@example.com"]);
    assert_eq!(addresses(parsed.cc()), ["ops@example.net"]);
    assert_eq!(parsed.message_id(), Some("dlv_01HZX3.attempt-1@example.org"));
    assert_eq!(parsed.date().unwrap().to_timestamp(), input.date.as_second());
    // The text travels with CRLF line endings; a reader gets the text back.
    assert_eq!(parsed.body_text(0).unwrap().replace("\r\n", "\n"), input.body);

    assert_eq!(parsed.attachment_count(), 1);
    let file = parsed.attachments().next().unwrap();
    assert_eq!(file.attachment_name(), Some("ventes-été.csv"));
    let ctype = file.content_type().unwrap();
    assert_eq!((ctype.ctype(), ctype.subtype()), ("text", Some("csv")));
    assert_eq!(ctype.attribute("charset"), Some("utf-8"));
    assert_eq!(file.contents(), &input.attachment.as_ref().unwrap().data[..]);
}

#[test]
fn the_attachment_is_base64_and_the_subject_an_encoded_word() {
    let text = String::from_utf8(build_mime(&message()).unwrap()).unwrap();
    assert!(text.contains("Content-Transfer-Encoding: base64"), "{text}");
    assert!(text.contains("Subject: Rapport hebdo =?utf-8?b?"), "{text}");
    assert!(text.contains("Date: Sun, 30 Mar 2025 01:30:05 +0000\r\n"), "{text}");
    assert!(text.contains("Message-ID: <dlv_01HZX3.attempt-1@example.org>\r\n"), "{text}");
    assert!(text.lines().all(|l| l.len() <= 998), "SMTP line limit");
    assert!(text.is_ascii());
    assert!(text.ends_with("--\r\n"), "ends with the closing boundary and CRLF");
}

#[test]
fn the_same_message_always_gives_the_same_bytes() {
    let first = build_mime(&message()).unwrap();
    assert_eq!(build_mime(&message()).unwrap(), first);

    let other = MailMessage { message_id: "dlv_other".into(), ..message() };
    let text = String::from_utf8(build_mime(&other).unwrap()).unwrap();
    assert!(text.contains(&format!("boundary=\"{}\"", boundary(&other, b"mixed"))), "{text}");
    assert_ne!(boundary(&other, b"mixed"), boundary(&message(), b"mixed"));
}

#[test]
fn without_an_attachment_the_message_is_a_single_text_part() {
    let input = MailMessage { attachment: None, subject: "Plain".into(), ..message() };
    let bytes = build_mime(&input).unwrap();
    let parsed = MessageParser::default().parse(&bytes).unwrap();
    assert_eq!(parsed.attachment_count(), 0);
    let ctype = parsed.content_type().unwrap();
    assert_eq!((ctype.ctype(), ctype.subtype()), ("text", Some("plain")));
    assert_eq!(parsed.body_text(0).unwrap().replace("\r\n", "\n"), input.body);
    assert!(!String::from_utf8(bytes).unwrap().contains("multipart"));
}

#[test]
fn bad_addresses_ids_and_content_types_are_errors_naming_what_is_wrong() {
    let bad_to = MailMessage { to: vec!["not an address".into()], ..message() };
    assert_eq!(build_mime(&bad_to).unwrap_err(), MimeError::Address { field: "to", address: "not an address".into() });
    let bad_from = MailMessage { from: "ferry".into(), ..message() };
    assert!(matches!(build_mime(&bad_from), Err(MimeError::Address { field: "from", .. })));
    let nobody = MailMessage { to: vec![], cc: vec![], ..message() };
    assert_eq!(build_mime(&nobody).unwrap_err(), MimeError::NoRecipient);
    for id in ["", "../x", "a b", "a@b", "<a>", ".hidden"] {
        let bad_id = MailMessage { message_id: id.into(), ..message() };
        assert_eq!(build_mime(&bad_id).unwrap_err(), MimeError::MessageId(id.into()));
    }
    let mut bad_type = message();
    bad_type.attachment.as_mut().unwrap().content_type = "csv".into();
    assert_eq!(build_mime(&bad_type).unwrap_err(), MimeError::ContentType("csv".into()));
    let rejected: DeliveryError = MimeError::NoRecipient.into();
    assert!(!rejected.retryable());
}

#[test]
fn only_cc_recipients_is_enough() {
    let input = MailMessage { to: vec![], ..message() };
    let parsed_bytes = build_mime(&input).unwrap();
    let parsed = MessageParser::default().parse(&parsed_bytes).unwrap();
    assert_eq!(addresses(parsed.cc()), ["ops@example.net"]);
    assert!(parsed.to().is_none());
}

#[test]
fn a_binary_attachment_arrives_byte_identical() {
    let mut input = message();
    input.attachment = Some(MailAttachment {
        file_name: "sales.xlsx".into(),
        content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".into(),
        data: binary_bytes(),
    });
    let bytes = build_mime(&input).unwrap();
    let parsed = MessageParser::default().parse(&bytes).unwrap();
    let file = parsed.attachments().next().unwrap();
    assert_eq!(file.attachment_name(), Some("sales.xlsx"));
    let ctype = file.content_type().unwrap();
    assert_eq!(ctype.subtype(), Some("vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    assert_eq!(file.contents(), &binary_bytes()[..]);
}

#[test]
fn an_html_body_makes_a_multipart_alternative_inside_the_mixed_message() {
    let input = MailMessage { html: Some("<p>Rows &amp; more</p>".into()), ..message() };
    let bytes = build_mime(&input).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let (mixed, alternative) = (boundary(&input, b"mixed"), boundary(&input, b"alternative"));
    assert!(!alternative.starts_with(&mixed) && !mixed.starts_with(&alternative));
    let parsed = MessageParser::default().parse(&bytes).unwrap();
    assert_eq!(parsed.body_text(0).unwrap().replace("\r\n", "\n"), input.body);
    assert_eq!(parsed.body_html(0).unwrap().trim_end(), "<p>Rows &amp; more</p>");
    assert!(text.contains("multipart/alternative") && text.contains("multipart/mixed"), "{text}");
    assert_eq!(parsed.attachment_count(), 1);
    let plain = build_mime(&MailMessage { html: None, ..message() }).unwrap();
    assert!(!String::from_utf8_lossy(&plain).contains("multipart/alternative"));
}
