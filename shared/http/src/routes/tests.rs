//! The router's shape: every route is in the OpenAPI document, and unknown
//! routes and methods answer in the API's error format.

use std::collections::BTreeSet;

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use axum::routing::get;
use serde_json::Value;
use tower::ServiceExt;

use super::*;

fn document() -> Value {
    let (_, doc) = api_routes().split_for_parts();
    serde_json::from_slice(&crate::openapi::document_json(doc, "http://127.0.0.1:8080")).unwrap()
}

/// The documented operations as `(METHOD, /path)`.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |m| (m.to_ascii_uppercase(), path.clone())))
        .filter(|(m, _)| ["GET", "POST", "PUT", "DELETE", "PATCH"].contains(&m.as_str()))
        .collect()
}

/// The router can only gain a route with its document entry (`routes!`);
/// this holds the other half: every documented operation is served (an
/// unrouted one would answer the JSON 404 or 405 of the fallbacks).
#[tokio::test]
async fn every_operation_of_the_openapi_document_is_routed() {
    let doc = document();
    let operations = documented(&doc);
    assert!(operations.len() >= 40, "{} operations", operations.len());
    let app = router(ferry_testkit::test_ports().ports, |_| Router::new());
    for (method, path) in operations {
        let uri = path.replace('{', "x").replace('}', "");
        let req = Request::builder().method(method.as_str()).uri(&uri).body(Body::empty()).unwrap();
        let response = app.clone().oneshot(req).await.unwrap();
        let status = response.status();
        let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let unrouted = ApiError::RouteNotFound { path: uri.clone() }.to_string();
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path} is documented, not routed");
        assert!(
            !String::from_utf8_lossy(&body).contains(&unrouted),
            "{method} {path} is documented, not routed: {status}"
        );
    }
}

#[test]
fn the_document_declares_the_four_key_schemes_and_open_health() {
    let doc = document();
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    for name in ["bearer", "apikeyHeader", "basic", "apikeyQuery"] {
        assert!(schemes.contains_key(name), "{name}");
    }
    assert_eq!(doc["servers"][0]["url"], "http://127.0.0.1:8080");
    assert_eq!(doc["paths"]["/v1/health"]["get"]["security"], serde_json::json!([{}]));
    assert_eq!(doc["paths"]["/v1/files/{token}"]["get"]["security"], serde_json::json!([{}]), "links need no key");
    let destination = &doc["components"]["schemas"]["Destination"];
    assert!(destination.to_string().contains("webhook"), "destinations are typed: {destination}");
    let placed = doc["components"]["schemas"]["ScheduleDestination"].to_string();
    assert!(placed.contains("\"id\"") && placed.contains("#/components/schemas/Destination"), "{placed}");
    let delivery = &doc["components"]["schemas"]["DeliveryView"]["properties"];
    assert!(delivery.get("destinationId").is_some(), "runs name their destination by id: {delivery}");
    let by = doc["components"]["schemas"]["DestinationRef"].to_string();
    assert!(by.contains("integer") && by.contains("string"), "redeliver by index or id: {by}");
    assert!(doc["paths"]["/v1/keys"]["get"].get("security").is_none(), "keys use the global security");
    assert!(doc["security"].as_array().is_some_and(|s| s.len() == 4));
    assert!(doc["components"]["schemas"].get("ExportView").is_some());
    assert!(doc["components"]["schemas"].get("ErrorResponse").is_some());
}

async fn call(router: Router, method: &str, uri: &str) -> (StatusCode, axum::http::HeaderMap, Value) {
    let req = Request::builder().method(method).uri(uri).body(Body::empty()).unwrap();
    let response = router.oneshot(req).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, headers, serde_json::from_slice(&bytes).unwrap())
}

fn open_routes() -> Router {
    with_fallbacks(Router::new().route("/v1/health", get(health::health)))
}

#[tokio::test]
async fn health_answers_ok_and_the_version() {
    let (status, _, body) = call(open_routes(), "GET", "/v1/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn unknown_route_is_404_and_wrong_method_is_405_in_the_error_format() {
    let (status, _, body) = call(open_routes(), "GET", "/v1/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    assert_eq!(body["error"]["details"], serde_json::json!([]));
    for deeper in ["/v1", "/v1/health/more/than/routed"] {
        let (status, _, body) = call(open_routes(), "GET", deeper).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{deeper}");
    }

    let (status, headers, body) = call(open_routes(), "POST", "/v1/health").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["error"]["code"], "method_not_allowed");
    assert!(headers[header::ALLOW].to_str().unwrap().contains("GET"));
}
