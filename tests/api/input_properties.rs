//! Property tests through HTTP: request bodies of random shape and types,
//! random bytes, and random cursors, thrown at the real server. Never a 5xx;
//! every 400 names a field of the request (or a required one that is missing,
//! or `body` for what is not a JSON object).

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use reqwest::StatusCode;
use serde_json::{json, Map, Value};

use crate::helpers::{spawn_app, TestApp, ADMIN_KEY};

/// `n` values of `strategy`, the same ones every run.
fn samples<S: Strategy>(strategy: S, n: usize) -> Vec<S::Value> {
    let mut runner = TestRunner::deterministic();
    (0..n).map(|_| strategy.new_tree(&mut runner).expect("a value").current()).collect()
}

fn any_json(strings: Vec<String>) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "\\PC{0,10}".prop_map(Value::String),
        prop::sample::select(strings).prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 20, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,8}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Objects keyed mostly by `fields`, whose values are anything, real ids and
/// good values included so some bodies get past parsing into the use cases.
fn bodies(fields: &'static [&'static str], strings: Vec<String>, n: usize) -> Vec<Value> {
    let key = prop_oneof![5 => prop::sample::select(fields).prop_map(str::to_string), 1 => "[a-z]{1,6}"];
    samples(
        prop::collection::btree_map(key, any_json(strings), 0..9).prop_map(|m| Value::Object(m.into_iter().collect())),
        n,
    )
}

/// Checks one answer; returns its status.
async fn check_answer(what: &str, sent: &Value, r: reqwest::Response) -> StatusCode {
    let status = r.status();
    let text = r.text().await.unwrap();
    assert!(!status.is_server_error(), "{what} {sent} → {status}: {text}");
    if status == StatusCode::BAD_REQUEST {
        let err: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{what}: not JSON: {text}"));
        let detail = &err["error"]["details"][0];
        let field = detail["field"].as_str().unwrap_or_else(|| panic!("{what} {sent}: 400 without a field: {text}"));
        let message = detail["message"].as_str().unwrap_or_default();
        let first = field.split(['.', '[']).next().unwrap_or_default();
        let named = field == "body"
            || sent.as_object().is_some_and(|o| o.contains_key(first))
            || message.starts_with("missing field")
            || message.starts_with("is required");
        assert!(named, "{what} {sent}: 400 names `{field}`, which the request does not have: {text}");
    }
    status
}

async fn throw(app: &TestApp, method: reqwest::Method, path: &str, bodies: Vec<Value>) -> Vec<StatusCode> {
    let mut statuses = Vec::new();
    for body in bodies {
        let r = app.client.request(method.clone(), app.v1(path)).bearer_auth(ADMIN_KEY).json(&body).send().await;
        statuses.push(check_answer(&format!("{method} {path}"), &body, r.unwrap()).await);
    }
    statuses
}

#[tokio::test]
async fn random_bodies_never_get_a_5xx_and_every_400_names_a_field() {
    let app = spawn_app().await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({})).await;
    let connection = app.sample_connection(ADMIN_KEY, 5, 1).await;
    let good: Vec<String> = [
        report.as_str(),
        connection.as_str(),
        "issues",
        "csv",
        "xlsx",
        "sample",
        "daily",
        "weekly",
        "monthly",
        "MON",
        "09:00",
        "02:30",
        "Europe/Berlin",
        "UTC",
        "2030-03-31",
        "member",
        "admin",
        "a@example.org",
        "email",
        "webhook",
        "sftp",
        "link",
        "https://example.org/h",
        "{{reportName}}",
        "previous_day",
    ]
    .map(str::to_string)
    .to_vec();
    const N: usize = 120;
    let cases: [(reqwest::Method, String, &'static [&'static str]); 8] = [
        (
            reqwest::Method::POST,
            "/reports".into(),
            &[
                "name",
                "visibility",
                "connectionId",
                "reportType",
                "query",
                "columns",
                "format",
                "formatOptions",
                "fileName",
                "compress",
            ],
        ),
        (
            reqwest::Method::PUT,
            format!("/reports/{report}"),
            &["name", "connectionId", "reportType", "columns", "format", "formatOptions", "fileName"],
        ),
        (
            reqwest::Method::POST,
            "/schedules".into(),
            &["reportId", "recurrence", "destinations", "runAs", "incremental", "range"],
        ),
        (reqwest::Method::POST, "/schedules/preview".into(), &["recurrence", "count", "after"]),
        (reqwest::Method::POST, "/connections".into(), &["name", "kind", "settings", "scope"]),
        (reqwest::Method::POST, "/keys".into(), &["user", "email", "role"]),
        (reqwest::Method::POST, "/exports".into(), &["reportId", "fromDate", "toDate", "format"]),
        (
            reqwest::Method::PUT,
            "/settings".into(),
            &["maxConcurrentExportsPerUser", "maxAttachmentMb", "defaultRetentionDays", "emailFrom"],
        ),
    ];
    let mut answered = 0;
    for (method, path, fields) in cases {
        answered += throw(&app, method, &path, bodies(fields, good.clone(), N)).await.len();
    }
    // Recurrences of random shape inside an otherwise good schedule.
    let recurrences = bodies(
        &["frequency", "interval", "weekdays", "monthDay", "month", "time", "timezone", "start", "end"],
        good.clone(),
        N,
    );
    let schedules: Vec<Value> = recurrences.into_iter().map(|r| json!({"reportId": report, "recurrence": r})).collect();
    let statuses = throw(&app, reqwest::Method::POST, "/schedules", schedules).await;
    assert!(statuses.contains(&StatusCode::BAD_REQUEST), "random recurrences are refused");
    answered += statuses.len();
    assert_eq!(answered, 9 * N);
}

#[tokio::test]
async fn random_bytes_as_a_json_body_are_a_400_naming_the_body() {
    let app = spawn_app().await;
    let texts = samples(prop_oneof!["\\PC{0,40}", "\\{[\"a-z:,0-9 \\[\\]{}]{0,30}"], 100);
    for text in texts {
        let r = app
            .client
            .post(app.v1("/reports"))
            .bearer_auth(ADMIN_KEY)
            .header("content-type", "application/json")
            .body(text.clone())
            .send()
            .await
            .unwrap();
        let sent = serde_json::from_str::<Value>(&text).unwrap_or(Value::Null);
        let status = check_answer("POST /reports", &sent, r).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text:?}");
    }
}

#[tokio::test]
async fn random_cursors_are_a_400_naming_the_cursor() {
    let app = spawn_app().await;
    let cursors = samples(prop_oneof!["\\PC{1,40}", "[A-Za-z0-9_-]{1,60}", "[A-Za-z0-9+/=]{4,40}"], 40);
    for list in ["/reports", "/exports", "/schedules", "/connections", "/keys"] {
        for cursor in &cursors {
            let mut url = reqwest::Url::parse(&app.v1(list)).unwrap();
            url.query_pairs_mut().append_pair("cursor", cursor);
            let r = app.client.get(url).bearer_auth(ADMIN_KEY).send().await;
            let r = r.unwrap();
            let status = r.status();
            let body: Value = r.json().await.unwrap();
            assert_eq!(status, StatusCode::BAD_REQUEST, "{list}?cursor={cursor:?}: {body}");
            assert_eq!(body["error"]["details"][0]["field"], "cursor", "{list}?cursor={cursor:?}: {body}");
        }
    }
}
