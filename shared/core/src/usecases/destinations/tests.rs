//! Save-time rules of destinations: every bad field named, private literals, write-only secrets.

use serde_json::{json, Value};

use super::*;
use crate::model::destination::MASK;

fn settings(allow_private: bool) -> Settings {
    Settings { allow_private_networks: allow_private, ..Settings::defaults("ferry@example.org") }
}

fn parse(v: Value) -> Vec<Destination> {
    serde_json::from_value(v).expect("destinations parse")
}

fn fields(r: Result<Vec<Destination>, CoreError>) -> Vec<String> {
    match r {
        Err(CoreError::Invalid { details, .. }) => details.into_iter().map(|d| d.field).collect(),
        other => panic!("expected a 400, got {other:?}"),
    }
}

const FP: &str = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";

fn sftp() -> Value {
    json!({"type": "sftp", "host": "files.example.org", "username": "u", "password": "pw",
           "hostKeyFingerprint": FP, "directory": "/in"})
}

#[test]
fn valid_destinations_pass_and_link_retention_defaults_to_the_setting() {
    let sent = parse(json!([
        {"type": "email", "to": ["a@x.org"], "cc": ["b@x.org"], "subject": "{{reportName}} {{rows}}", "body": "{{sizeMb}} MB"},
        {"type": "link", "notify": ["c@x.org"]},
        sftp(),
        {"type": "webhook", "url": "https://hooks.example.org/{{reportSlug}}?id={{exportId}}", "headers": {"X-Token": "t"}, "secret": "s"},
    ]));
    let out = prepare_destinations(sent, &[], &settings(false)).unwrap();
    assert_eq!(out.len(), 4);
    let Destination::Link(l) = &out[1] else { panic!("link") };
    assert_eq!(l.retention_days, Some(7));
}

#[test]
fn every_bad_field_is_named() {
    let sent = parse(json!([
        {"type": "email", "to": ["a@x.org", "not-an-address"], "subject": "{{nope}}"},
        {"type": "sftp", "host": "h.example.org", "username": "u", "password": "p", "hostKeyFingerprint": "MD5:aa", "directory": "/in", "fileName": "../x"},
        {"type": "webhook", "url": "ftp://x.org/"},
        {"type": "webhook", "url": "http://10.0.0.1/h", "headers": {"Content-Type": "text/plain"}},
        {"type": "link", "retentionDays": 0, "notify": ["x"]},
    ]));
    assert_eq!(
        fields(prepare_destinations(sent, &[], &settings(false))),
        vec![
            "destinations[0].to[1]",
            "destinations[0].subject",
            "destinations[1].hostKeyFingerprint",
            "destinations[1].fileName",
            "destinations[2].url",
            "destinations[3].url",
            "destinations[3].headers.Content-Type",
            "destinations[4].retentionDays",
            "destinations[4].notify[0]",
        ]
    );
}

#[test]
fn literal_private_addresses_are_refused_unless_allowed() {
    for url in ["http://127.0.0.1:9/h", "http://10.0.0.1/h", "http://169.254.169.254/latest", "http://[::1]/h"] {
        let sent = parse(json!([{"type": "webhook", "url": url}]));
        assert_eq!(fields(prepare_destinations(sent.clone(), &[], &settings(false))), vec!["destinations[0].url"]);
        assert!(prepare_destinations(sent, &[], &settings(true)).is_ok(), "{url} allowed by the setting");
    }
    // A host name is judged when connecting, not now.
    let sent = parse(json!([{"type": "webhook", "url": "http://localhost:9/h"}]));
    assert!(prepare_destinations(sent, &[], &settings(false)).is_ok());
}

#[test]
fn secrets_are_kept_when_left_out_or_masked_and_removed_when_empty() {
    let stored = parse(
        json!([sftp(), {"type": "webhook", "url": "https://x.org/h", "headers": {"X-Token": "t0k"}, "secret": "s3"}]),
    );
    let sent = parse(json!([
        {"type": "sftp", "host": "files.example.org", "username": "u", "password": MASK, "privateKey": "",
         "hostKeyFingerprint": FP, "directory": "/in"},
        {"type": "webhook", "url": "https://x.org/h", "headers": {"x-token": MASK, "X-New": "n"}},
    ]));
    let out = prepare_destinations(sent, &stored, &settings(false)).unwrap();
    let Destination::Sftp(s) = &out[0] else { panic!("sftp") };
    assert_eq!((s.password.as_deref(), s.private_key.as_deref()), (Some("pw"), None));
    let Destination::Webhook(w) = &out[1] else { panic!("webhook") };
    assert_eq!(w.secret.as_deref(), Some("s3"), "left out: kept");
    assert_eq!(w.headers["x-token"], "t0k");
    assert_eq!(w.headers["X-New"], "n");
    // A mask with nothing stored behind it (another type at that index) is a 400.
    let sent = parse(json!([{"type": "webhook", "url": "https://x.org/h", "secret": MASK}]));
    assert_eq!(fields(prepare_destinations(sent, &stored, &settings(false))), vec!["destinations[0].secret"]);
}
