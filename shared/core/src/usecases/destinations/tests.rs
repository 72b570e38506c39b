//! Save-time rules of destinations: every bad field named, private literals, write-only secrets.

use serde_json::{json, Value};

use super::*;
use crate::model::destination::{LinkDestination, MASK};
use crate::model::ids::IdKind;

fn settings(allow_private: bool) -> Settings {
    Settings { allow_private_networks: allow_private, ..Settings::defaults("ferry@example.org") }
}

/// Ids `dst_1`, `dst_2`, … in the order asked for.
#[derive(Default)]
struct Counter(std::sync::atomic::AtomicU32);

impl IdGenerator for Counter {
    fn new_id(&self, kind: IdKind) -> String {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        format!("{}_{n}", kind.prefix())
    }
}

/// Destinations as a request sends them (an `id` read back kept apart).
fn parse(v: Value) -> Vec<SentDestination> {
    let inputs: Vec<DestinationInput> = serde_json::from_value(v).expect("destinations parse");
    parse_destinations(&inputs).expect("valid destinations")
}

/// Saves `sent` as a new schedule's destinations.
fn prepare(sent: Vec<SentDestination>, settings: &Settings) -> Result<Vec<ScheduleDestination>, CoreError> {
    prepare_destinations(sent, None, settings, &Counter::default())
}

fn fields(r: Result<Vec<ScheduleDestination>, CoreError>) -> Vec<String> {
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
    let out = prepare(sent, &settings(false)).unwrap();
    assert_eq!(out.len(), 4);
    let ids: Vec<&str> = out.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["dst_1", "dst_2", "dst_3", "dst_4"], "each new destination gets an id");
    let Destination::Link(l) = &out[1].destination else { panic!("link") };
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
        fields(prepare(sent, &settings(false))),
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
        assert_eq!(fields(prepare(sent.clone(), &settings(false))), vec!["destinations[0].url"]);
        assert!(prepare(sent, &settings(true)).is_ok(), "{url} allowed by the setting");
    }
    // A host name is judged when connecting, not now.
    let sent = parse(json!([{"type": "webhook", "url": "http://localhost:9/h"}]));
    assert!(prepare(sent, &settings(false)).is_ok());
}

#[test]
fn secrets_are_kept_when_left_out_or_masked_and_removed_when_empty() {
    let stored = prepare(
        parse(json!([sftp(), {"type": "webhook", "url": "https://x.org/h", "headers": {"X-Token": "t0k"}, "secret": "s3"}])),
        &settings(false),
    )
    .unwrap();
    let sent = parse(json!([
        {"id": "dst_1", "type": "sftp", "host": "files.example.org", "username": "u", "password": MASK, "privateKey": "",
         "hostKeyFingerprint": FP, "directory": "/in"},
        {"id": "dst_2", "type": "webhook", "url": "https://x.org/h", "headers": {"x-token": MASK, "X-New": "n"}},
    ]));
    let out = prepare_destinations(sent, Some(&stored), &settings(false), &Counter::default()).unwrap();
    let Destination::Sftp(s) = &out[0].destination else { panic!("sftp") };
    assert_eq!((s.password.as_deref(), s.private_key.as_deref()), (Some("pw"), None));
    let Destination::Webhook(w) = &out[1].destination else { panic!("webhook") };
    assert_eq!(w.secret.as_deref(), Some("s3"), "left out: kept");
    assert_eq!(w.headers["x-token"], "t0k");
    assert_eq!(w.headers["X-New"], "n");
    // A mask with nothing stored behind it (a new destination) is a 400.
    let sent = parse(json!([{"type": "webhook", "url": "https://x.org/h", "secret": MASK}]));
    assert_eq!(
        fields(prepare_destinations(sent, Some(&stored), &settings(false), &Counter::default())),
        vec!["destinations[0].secret"]
    );
}

#[test]
fn secrets_follow_the_id_through_a_move_a_removal_and_an_addition() {
    let stored = prepare(
        parse(json!([
            {"type": "link"},
            sftp(),
            {"type": "webhook", "url": "https://x.org/h", "headers": {"X-Token": "t0k"}, "secret": "s3"},
        ])),
        &settings(false),
    )
    .unwrap();
    // The webhook moves first, the link goes, the SFTP server is edited, an email is added.
    let sent = parse(json!([
        {"id": "dst_3", "type": "webhook", "url": "https://x.org/h", "headers": {"X-Token": MASK}, "secret": MASK},
        {"id": "dst_2", "type": "sftp", "host": "files.example.org", "username": "u2", "password": MASK,
         "hostKeyFingerprint": FP, "directory": "/out"},
        {"type": "email", "to": ["a@x.org"]},
    ]));
    let ids = Counter(std::sync::atomic::AtomicU32::new(3));
    let out = prepare_destinations(sent, Some(&stored), &settings(false), &ids).unwrap();
    let got: Vec<&str> = out.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(got, ["dst_3", "dst_2", "dst_4"]);
    let Destination::Webhook(w) = &out[0].destination else { panic!("webhook") };
    assert_eq!((w.secret.as_deref(), w.headers["X-Token"].as_str()), (Some("s3"), "t0k"));
    let Destination::Sftp(s) = &out[1].destination else { panic!("sftp") };
    assert_eq!((s.password.as_deref(), s.username.as_str(), s.directory.as_str()), (Some("pw"), "u2", "/out"));
}

#[test]
fn an_unknown_or_repeated_id_is_refused_on_a_put_and_ignored_on_a_post() {
    let stored = prepare(parse(json!([{"type": "link"}])), &settings(false)).unwrap();
    let sent = parse(
        json!([{"id": "dst_9", "type": "link"}, {"id": "dst_1", "type": "link"}, {"id": "dst_1", "type": "link"}]),
    );
    assert_eq!(
        fields(prepare_destinations(sent.clone(), Some(&stored), &settings(false), &Counter::default())),
        vec!["destinations[0].id", "destinations[2].id"]
    );
    let out = prepare(sent, &settings(false)).unwrap();
    assert_eq!(out.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), ["dst_1", "dst_2", "dst_3"]);
}

#[test]
fn one_destination_parses_alone_with_the_checks_of_a_save() {
    let input = |v: Value| -> DestinationInput { serde_json::from_value(v).unwrap() };
    let s3 = input(json!({"type": "s3", "bucket": "data-lake", "region": "eu-central-1",
        "accessKeyId": "AKIA", "secretAccessKey": "s"}));
    let Destination::S3(d) = parse_destination("destination", &s3, &settings(false)).unwrap() else {
        panic!("an s3 destination")
    };
    assert_eq!(d.bucket().as_str(), "data-lake");
    let link = parse_destination("destination", &input(json!({"type": "link"})), &settings(false)).unwrap();
    assert_eq!(link, Destination::Link(LinkDestination { retention_days: Some(7), notify: vec![] }));

    let refused = |v: Value, s: &Settings| -> Vec<String> {
        parse_destination("destination", &input(v), s).unwrap_err().into_iter().map(|e| e.field).collect()
    };
    // No stored destination: a masked secret has nothing to keep.
    let masked = json!({"type": "s3", "bucket": "data-lake", "region": "eu-central-1", "accessKeyId": "AKIA",
        "secretAccessKey": MASK});
    assert_eq!(refused(masked, &settings(false)), ["destination.secretAccessKey"]);
    let own = json!({"type": "s3", "bucket": "data-lake", "region": "eu-central-1"});
    assert_eq!(refused(own, &settings(false)), ["destination.accessKeyId"], "a bucket the admin did not allow");
    let private = json!({"type": "webhook", "url": "http://10.0.0.5/h"});
    assert_eq!(refused(private, &settings(false)), ["destination.url"]);
}
