//! The rules around destinations: checked when the schedule is saved (400
//! naming the field), secrets that are write-only, private networks refused
//! unless allowed, and redelivery of a kept file.

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::receiver::Receiver;
use super::{allow_private_networks, app, attempts, run_now, schedule, wait_delivered, wait_run};
use crate::helpers::{error_of, TestApp, ADMIN_KEY};

const FP: &str = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";

async fn refused(app: &TestApp, report: &str, destinations: Value) -> Vec<String> {
    let body = json!({"reportId": report, "destinations": destinations,
        "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    let (status, err) = error_of(app.post(ADMIN_KEY, "/schedules", &body).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    err["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn bad_destinations_are_400_naming_the_field() {
    let (app, _clock) = app().await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({})).await;
    let sftp = |fp: &str| {
        json!({"type": "sftp", "host": "sftp.example.org", "username": "u", "password": "p",
               "hostKeyFingerprint": fp, "directory": "/in"})
    };
    let cases = [
        (json!([sftp(FP), {"type": "email", "to": ["ok@example.org", "not an address"]}]), "destinations[1].to[1]"),
        (json!([sftp("MD5:12:34")]), "destinations[0].hostKeyFingerprint"),
        (json!([sftp(FP), sftp(FP), {"type": "webhook", "url": "ftp://example.org/in"}]), "destinations[2].url"),
        (
            json!([{"type": "email", "to": ["a@example.org"], "subject": "{{reportName}} {{nope}}"}]),
            "destinations[0].subject",
        ),
        (json!([{"type": "email", "to": ["a@example.org"], "body": "{{rowz}}"}]), "destinations[0].body"),
        (json!([{"type": "webhook", "url": "https://example.org/{{bogus}}"}]), "destinations[0].url"),
        (
            json!([{"type": "sftp", "host": "h.example.org", "username": "u", "password": "p", "hostKeyFingerprint": FP,
                 "directory": "/in", "fileName": "{{reportSlug}}-{{when}}.csv"}]),
            "destinations[0].fileName",
        ),
        (json!([{"type": "link", "notify": ["@x"]}]), "destinations[0].notify[0]"),
    ];
    for (destinations, field) in cases {
        assert_eq!(refused(&app, &report, destinations.clone()).await, vec![field], "{destinations}");
    }
    // The message names the unknown placeholder.
    let body = json!({"reportId": report, "destinations": [{"type": "webhook", "url": "https://example.org/{{bogus}}"}],
        "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    let (_, err) = error_of(app.post(ADMIN_KEY, "/schedules", &body).await).await;
    assert!(err["error"]["message"].as_str().unwrap().contains("{{bogus}}"), "{err}");
    // Unknown fields and types are refused too.
    let body = json!({"reportId": report, "destinations": [{"type": "email", "to": ["a@example.org"], "bcc": []}],
        "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    assert_eq!(app.post(ADMIN_KEY, "/schedules", &body).await.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn passwords_keys_secrets_and_header_values_are_write_only() {
    let (mut app, _clock) = app().await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({})).await;
    let key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----\n";
    let destinations = json!([
        {"type": "sftp", "host": "sftp.example.org", "username": "u", "password": "pa55", "privateKey": key,
         "hostKeyFingerprint": FP, "directory": "/in"},
        {"type": "webhook", "url": "https://hooks.example.org/in", "headers": {"Authorization": "Bearer t0k"}, "secret": "s3"},
    ]);
    let id = schedule(&app, ADMIN_KEY, &report, destinations).await;
    let shown: Value = app.get(ADMIN_KEY, &format!("/schedules/{id}")).await.json().await.unwrap();
    let d = &shown["destinations"];
    assert_eq!((d[0]["password"].as_str(), d[0]["privateKey"].as_str()), (Some("***"), Some("***")));
    assert_eq!(d[0]["port"], 22, "the default port");
    assert_eq!((d[1]["secret"].as_str(), d[1]["headers"]["Authorization"].as_str()), (Some("***"), Some("***")));
    assert!(!shown.to_string().contains("pa55") && !shown.to_string().contains("t0k"));

    // The GET sent back as a PUT keeps every secret; a left-out one is kept too.
    let mut body = shown.clone();
    body["destinations"][1].as_object_mut().unwrap().remove("secret");
    body["destinations"][0]["directory"] = json!("/inbox");
    let r = app.put(ADMIN_KEY, &format!("/schedules/{id}"), &body).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let stored = app.ferry().ports.schedules.get_schedule(&id).await.unwrap().unwrap();
    let stored = serde_json::to_value(&stored.destinations).unwrap();
    assert_eq!(stored[0]["password"], "pa55");
    assert_eq!(stored[0]["privateKey"], key);
    assert_eq!(stored[0]["directory"], "/inbox", "the change is applied");
    assert_eq!(stored[1]["secret"], "s3");
    assert_eq!(stored[1]["headers"]["Authorization"], "Bearer t0k");

    // A mask where nothing is stored (another type at that index) is a 400.
    body["destinations"] = json!([{"type": "webhook", "url": "https://hooks.example.org/in", "secret": "***"}]);
    let (status, err) = error_of(app.put(ADMIN_KEY, &format!("/schedules/{id}"), &body).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["error"]["details"][0]["field"], "destinations[0].secret");
}

#[tokio::test]
async fn webhooks_to_private_addresses_are_refused_while_private_networks_are_off() {
    let (app, _clock) = app().await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({})).await;
    for url in ["http://127.0.0.1:9/h", "http://10.0.0.1/h", "http://169.254.169.254/latest/meta-data"] {
        let fields = refused(&app, &report, json!([{"type": "webhook", "url": url}])).await;
        assert_eq!(fields, vec!["destinations[0].url"], "{url}");
    }
    // A host name is judged when connecting: localhost resolves to loopback.
    let receiver = Receiver::start(&[]).await;
    let url = format!("http://localhost:{}/hook", receiver.port);
    let schedule = schedule(&app, ADMIN_KEY, &report, json!([{"type": "webhook", "url": url}])).await;
    let export = run_now(&app, ADMIN_KEY, &schedule).await;
    let run = wait_delivered(&app, ADMIN_KEY, &schedule, export["id"].as_str().unwrap()).await;
    assert_eq!(run["status"], "FAILED", "{run}");
    let tried = attempts(&run, 0);
    assert_eq!(tried.len(), 1, "refused at once, not retried: {run}");
    assert!(tried[0]["error"].as_str().unwrap().starts_with("destination_forbidden"), "{run}");
    assert!(receiver.requests().is_empty(), "nothing reached the receiver");
}

#[tokio::test]
async fn redelivery_sends_the_kept_file_again_without_running_the_query_and_joins_the_history() {
    let (app, _clock) = app().await;
    allow_private_networks(&app, true).await;
    let receiver = Receiver::start(&[]).await;
    let report = app.sample_report(ADMIN_KEY, 12, json!({})).await;
    let dest = json!([{"type": "webhook", "url": receiver.url("/a")}, {"type": "link"}]);
    let schedule = schedule(&app, ADMIN_KEY, &report, dest).await;
    let export = run_now(&app, ADMIN_KEY, &schedule).await;
    let id = export["id"].as_str().unwrap();
    let run = wait_delivered(&app, ADMIN_KEY, &schedule, id).await;
    assert_eq!(run["status"], "SUCCEEDED", "{run}");
    assert!(run["deliveries"][0].get("url").is_none(), "only links show a url");

    let path = format!("/schedules/{schedule}/runs/{id}/redeliver");
    let r = app.post(ADMIN_KEY, &path, &json!({"destinations": [0]})).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED, "{}", r.text().await.unwrap());
    let requests = receiver.wait_for(2).await;
    assert_eq!(requests[0].body, requests[1].body, "the same file");
    let run = wait_run(&app, ADMIN_KEY, &schedule, id, |r| {
        attempts(r, 0).len() == 2 && r["deliveries"][0]["status"] == "DELIVERED"
    })
    .await;
    assert_eq!(run["status"], "SUCCEEDED");
    assert_eq!(attempts(&run, 1).len(), 1, "the other destination is left alone");
    let exports: Value = app.get(ADMIN_KEY, &format!("/exports?reportId={report}")).await.json().await.unwrap();
    assert_eq!(exports["items"].as_array().unwrap().len(), 1, "the query did not run again");

    for (body, field) in
        [(json!({"destinations": [2]}), "destinations[0]"), (json!({"destinations": [0, 0]}), "destinations[1]")]
    {
        let (status, err) = error_of(app.post(ADMIN_KEY, &path, &body).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(err["error"]["details"][0]["field"], field);
    }
    let other = format!("/schedules/{schedule}/runs/exp_01KNOWNNOTHING0000000000000/redeliver");
    assert_eq!(app.post(ADMIN_KEY, &other, &json!({"destinations": [0]})).await.status(), StatusCode::NOT_FOUND);
}
