//! The router on the test kit's ports, without a server: each test sends
//! requests with `oneshot`, as axum's testing example does, and reads what a
//! client would read (status, JSON).

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use ferry_core::usecases::bootstrap::bootstrap;
use ferry_http::router;
use ferry_testkit::{test_ports, TestPorts};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

const ADMIN_KEY: &str = "router-test-admin-key-0123456789";

/// A kit with Ferry's first start done (admin key, demo connection and report).
async fn installed() -> (TestPorts, String) {
    let kit = test_ports();
    let boot = bootstrap(&kit.ports, Some(ADMIN_KEY.into())).await.expect("bootstrap").expect("a new install");
    (kit, boot.demo_report.id)
}

async fn send(app: &Router, method: &str, uri: &str, key: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(key) = key {
        request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
    }
    let body = match body {
        Some(json) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    let response = app.clone().oneshot(request.body(body).expect("request")).await.expect("infallible");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    let json = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).expect("a JSON body") };
    (status, json)
}

fn fields(body: &Value) -> Vec<&str> {
    body["error"]["details"].as_array().expect("details").iter().map(|d| d["field"].as_str().expect("field")).collect()
}

#[tokio::test]
async fn without_a_key_v1_routes_are_401_in_the_one_error_shape() {
    let (kit, report_id) = installed().await;
    let app = router(kit.ports.clone(), |_| Router::new());
    for (method, uri) in [("GET", "/v1/settings".to_string()), ("GET", format!("/v1/reports/{report_id}"))] {
        let (status, body) = send(&app, method, &uri, None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {uri}");
        assert_eq!(body["error"]["code"], "unauthorized", "{body}");
        assert_eq!(body["error"]["details"], json!([]), "{body}");
    }
}

#[tokio::test]
async fn the_demo_report_is_listed_for_the_admin() {
    let (kit, report_id) = installed().await;
    let app = router(kit.ports.clone(), |_| Router::new());
    let (status, body) = send(&app, "GET", "/v1/reports", Some(ADMIN_KEY), None).await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = body["items"].as_array().expect("items").iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![report_id.as_str()]);
    assert_eq!(body["nextCursor"], Value::Null);
}

#[tokio::test]
async fn a_cursor_the_store_did_not_make_is_a_400_naming_cursor() {
    let (kit, _) = installed().await;
    let app = router(kit.ports.clone(), |_| Router::new());
    for list in ["reports", "connections", "schedules", "exports", "keys"] {
        let (status, body) = send(&app, "GET", &format!("/v1/{list}?cursor=bm9wZQ"), Some(ADMIN_KEY), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{list}: {body}");
        assert_eq!(fields(&body), vec!["cursor"], "{list}");
    }
}

#[tokio::test]
async fn a_wrong_type_in_an_enum_field_names_the_field_and_stores_nothing() {
    let (kit, _) = installed().await;
    let app = router(kit.ports.clone(), |_| Router::new());
    let (_, before) = send(&app, "GET", "/v1/connections", Some(ADMIN_KEY), None).await;
    let connection_id = before["items"][0]["id"].as_str().expect("the demo connection").to_string();
    let input = json!({ "name": "Weekly", "connectionId": connection_id, "format": 5 });
    let (status, body) = send(&app, "POST", "/v1/reports", Some(ADMIN_KEY), Some(input)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(fields(&body), vec!["format"], "{body}");
    let (_, after) = send(&app, "GET", "/v1/reports", Some(ADMIN_KEY), None).await;
    assert_eq!(after["items"].as_array().expect("items").len(), 1, "only the demo report");
}

#[tokio::test]
async fn settings_come_back_unchanged_when_put_as_returned() {
    let (kit, _) = installed().await;
    let app = router(kit.ports.clone(), |_| Router::new());
    let (status, settings) = send(&app, "GET", "/v1/settings", Some(ADMIN_KEY), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, put) = send(&app, "PUT", "/v1/settings", Some(ADMIN_KEY), Some(settings.clone())).await;
    assert_eq!(status, StatusCode::OK, "{put}");
    assert_eq!(put, settings);
}

#[tokio::test]
async fn an_export_is_queued_on_the_kits_clock_and_a_second_start_is_409() {
    let (kit, report_id) = installed().await;
    let app = router(kit.ports.clone(), |_| Router::new());
    let start = json!({ "reportId": report_id });
    let (status, export) = send(&app, "POST", "/v1/exports", Some(ADMIN_KEY), Some(start.clone())).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{export}");
    assert_eq!(export["status"], "QUEUED");
    assert_eq!(export["createdAt"], "2030-01-07T09:00:00Z", "the kit's clock");
    let (status, again) = send(&app, "POST", "/v1/exports", Some(ADMIN_KEY), Some(start)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    assert_eq!(again["error"]["code"], "export_running");
    let uri = format!("/v1/exports/{}", export["id"].as_str().expect("id"));
    let (status, polled) = send(&app, "GET", &uri, Some(ADMIN_KEY), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(polled["id"], export["id"]);
}
