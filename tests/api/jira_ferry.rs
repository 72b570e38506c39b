//! The Ferry side of Jira tests: a connection to the simulator, reports on
//! it, and comparing exported cells with the simulator's dataset.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{TestApp, ADMIN_KEY};
use crate::jira_sim::dataset::Expected;
use crate::jira_sim::{JiraSim, SIM_EMAIL, SIM_TOKEN};

/// Turns the admin setting `allowPrivateNetworks` on or off (the simulator is on loopback).
pub async fn allow_private_networks(app: &TestApp, on: bool) {
    let r = app.put(ADMIN_KEY, "/settings", &json!({"allowPrivateNetworks": on})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
}

/// A Jira connection to the simulator; `extra` settings are merged in.
pub async fn jira_connection(app: &TestApp, sim: &JiraSim, extra: Value) -> String {
    let mut settings = json!({"baseUrl": sim.url, "email": SIM_EMAIL, "apiToken": SIM_TOKEN});
    for (k, v) in extra.as_object().cloned().unwrap_or_default() {
        settings[k] = v;
    }
    let r = app.post(ADMIN_KEY, "/connections", &json!({"name": "sim", "kind": "jira", "settings": settings})).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

/// A report on `connection`; columns are field names (headers equal to them).
pub async fn jira_report(
    app: &TestApp,
    connection: &str,
    report_type: &str,
    query: &str,
    columns: &[&str],
    format: &str,
) -> String {
    let columns: Vec<Value> = columns.iter().map(|c| json!({"field": c})).collect();
    let body = json!({"name": "Jira", "connectionId": connection, "reportType": report_type, "query": query,
                      "columns": columns, "format": format});
    let r = app.post(ADMIN_KEY, "/reports", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

/// Starts an export with a body and waits until it ends.
pub async fn run_export(app: &TestApp, body: Value) -> Value {
    let r = app.post(ADMIN_KEY, "/exports", &body).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED, "{}", r.text().await.unwrap());
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    app.wait_finished(ADMIN_KEY, &id).await
}

/// Whether a JSON cell (JSON/JSONL export, preview) holds the expected value.
pub fn json_cell_is(actual: &Value, expected: &Expected) -> bool {
    match (expected, actual) {
        (Expected::Null, Value::Null) => true,
        (Expected::Text(t), Value::String(s)) => s == t,
        (Expected::Number(x), Value::Number(n)) => n.as_f64() == Some(*x),
        (Expected::Time(t), Value::String(s)) => s.parse::<jiff::Timestamp>().ok() == Some(*t),
        (Expected::Date(d), Value::String(s)) => *s == d.to_string(),
        (Expected::List(items), Value::Array(a)) => {
            a.iter().map(|v| v.as_str().map(str::to_string)).collect::<Vec<_>>()
                == items.iter().cloned().map(Some).collect::<Vec<_>>()
        }
        _ => false,
    }
}

/// Whether a CSV field holds the expected value (null and "" both read as empty).
pub fn csv_cell_is(actual: &str, expected: &Expected) -> bool {
    match expected {
        Expected::Null => actual.is_empty(),
        Expected::Text(t) => actual == t,
        Expected::Number(x) => actual.parse::<f64>().ok() == Some(*x),
        Expected::Time(t) => actual.parse::<jiff::Timestamp>().ok() == Some(*t),
        Expected::Date(d) => actual == d.to_string(),
        Expected::List(items) => actual == items.join(", "),
    }
}
