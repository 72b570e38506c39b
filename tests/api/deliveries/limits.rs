//! Issue 25, findings 7 and 8 at save time: recipient caps (SES takes 50
//! per message) named by their field, and file names that could disguise
//! their extension refused.

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::app;
use crate::helpers::{error_of, TestApp, ADMIN_KEY};

async fn saved(app: &TestApp, report: &str, destination: Value) -> (StatusCode, Vec<String>) {
    let body = json!({"reportId": report, "destinations": [destination],
        "recurrence": {"frequency": "daily", "time": "09:00", "timezone": "UTC"}});
    let r = app.post(ADMIN_KEY, "/schedules", &body).await;
    if r.status() == StatusCode::CREATED {
        return (StatusCode::CREATED, vec![]);
    }
    let (status, err) = error_of(r).await;
    let fields = err["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap().to_string());
    (status, fields.collect())
}

fn addresses(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("person{i}@example.org")).collect()
}

#[tokio::test]
async fn fifty_one_recipients_are_a_400_naming_the_field_and_fifty_are_saved() {
    let (app, _clock) = app().await;
    let report = app.sample_report(ADMIN_KEY, 5, json!({})).await;
    let ok = json!({"type": "email", "to": addresses(40), "cc": addresses(10)});
    assert_eq!(saved(&app, &report, ok).await, (StatusCode::CREATED, vec![]));

    let over = json!({"type": "email", "to": addresses(51)});
    assert_eq!(saved(&app, &report, over).await, (StatusCode::BAD_REQUEST, vec!["destinations[0].to".into()]));
    let together = json!({"type": "email", "to": addresses(20), "cc": addresses(31)});
    assert_eq!(saved(&app, &report, together).await, (StatusCode::BAD_REQUEST, vec!["destinations[0].cc".into()]));
    // What the probe sent: 20,000 addresses get one answer, not 20,000.
    let flood = json!({"type": "email", "to": addresses(20_000)});
    assert_eq!(saved(&app, &report, flood).await, (StatusCode::BAD_REQUEST, vec!["destinations[0].to".into()]));

    let link = json!({"type": "link", "notify": addresses(51)});
    assert_eq!(saved(&app, &report, link).await, (StatusCode::BAD_REQUEST, vec!["destinations[0].notify".into()]));
    let link = json!({"type": "link", "notify": addresses(50)});
    assert_eq!(saved(&app, &report, link).await.0, StatusCode::CREATED);
}

#[tokio::test]
async fn file_names_with_direction_marks_or_line_separators_are_refused() {
    let (app, _clock) = app().await;
    let connection = app.sample_connection(ADMIN_KEY, 5, 1).await;
    for name in ["invoice\u{202E}vsc.exe", "a\u{2028}b.csv", "x\u{2067}y.csv"] {
        let body = json!({"name": "Disguised", "connectionId": connection, "reportType": "issues", "fileName": name});
        let (status, err) = error_of(app.post(ADMIN_KEY, "/reports", &body).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name:?}: {err}");
        assert_eq!(err["error"]["details"][0]["field"], "fileName", "{name:?}: {err}");
    }
}
