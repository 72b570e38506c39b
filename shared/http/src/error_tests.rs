//! The status, headers and body of every `CoreError` variant.

use axum::body::to_bytes;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use ferry_core::model::export::{ExportStatus, Progress, Trigger};
use ferry_core::model::format_options::Format;
use ferry_core::usecases::exports::ExportView;
use ferry_core::{CoreError, FieldError, PortError};
use serde_json::{json, Value};

use super::*;

async fn render(err: ApiError) -> (StatusCode, axum::http::HeaderMap, Value) {
    let response = err.into_response();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, headers, serde_json::from_slice(&bytes).unwrap())
}

fn sample_view() -> ExportView {
    ExportView {
        id: "exp_1".into(),
        report_id: "rep_1".into(),
        schedule_id: None,
        trigger: Trigger::Api,
        status: ExportStatus::Running,
        created_by: "alice".into(),
        created_at: "2026-01-02T03:04:05Z".parse().unwrap(),
        started_at: None,
        completed_at: None,
        progress: Progress::default(),
        rows: None,
        bytes: None,
        sha256: None,
        content_sha256: None,
        file_name: None,
        content_type: "text/csv; charset=utf-8".into(),
        format: Format::Csv,
        status_link: "http://x/v1/exports/exp_1".into(),
        download_link: None,
        expires_at: None,
        error: None,
        warnings: vec![],
        dataset_progress: None,
    }
}

#[tokio::test]
async fn every_core_error_maps_to_its_status_and_code() {
    let cases: Vec<(CoreError, StatusCode, &str)> = vec![
        (CoreError::Unauthorized, StatusCode::UNAUTHORIZED, "unauthorized"),
        (CoreError::Forbidden("admins only".into()), StatusCode::FORBIDDEN, "forbidden"),
        (CoreError::not_found("report", "rep_x"), StatusCode::NOT_FOUND, "not_found"),
        (CoreError::invalid("name", "must not be empty"), StatusCode::BAD_REQUEST, "invalid_request"),
        (CoreError::Conflict { code: "last_admin_key", message: "no".into() }, StatusCode::CONFLICT, "last_admin_key"),
        (CoreError::ExportRunning { running: None }, StatusCode::CONFLICT, "export_running"),
        (CoreError::Gone("expired".into()), StatusCode::GONE, "gone"),
        (CoreError::ExportFailed("jira said no".into()), StatusCode::INTERNAL_SERVER_ERROR, "export_failed"),
        (PortError::backend("x").into(), StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    ];
    for (err, status, code) in cases {
        let (got_status, _, body) = render(err.into()).await;
        assert_eq!(got_status, status, "{code}");
        assert_eq!(body["error"]["code"], code);
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{code}");
        assert!(body["error"]["details"].is_array(), "details always present for {code}");
    }
}

#[tokio::test]
async fn unauthorized_names_every_scheme_in_www_authenticate() {
    let (_, headers, _) = render(CoreError::Unauthorized.into()).await;
    let challenge = headers[header::WWW_AUTHENTICATE].to_str().unwrap();
    for scheme in ["Bearer", "Apikey", "Basic"] {
        assert!(challenge.contains(scheme), "{challenge}");
    }
}

#[tokio::test]
async fn invalid_carries_field_details() {
    let err = CoreError::invalid_fields(vec![FieldError::new("recurrence.timezone", "unknown time zone")]);
    let (_, _, body) = render(err.into()).await;
    assert_eq!(body["error"]["details"], json!([{"field": "recurrence.timezone", "message": "unknown time zone"}]));
}

#[tokio::test]
async fn too_many_requests_and_not_ready_send_retry_after() {
    let err = CoreError::TooManyRequests { message: "limit".into(), retry_after_secs: 30 };
    let (status, headers, body) = render(err.into()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers[header::RETRY_AFTER], "30");
    assert_eq!(body["error"]["code"], "too_many_requests");

    let (status, headers, body) = render(CoreError::NotReady { retry_after_secs: 5 }.into()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(headers[header::RETRY_AFTER], "5");
    assert_eq!(body["error"]["code"], "export_not_ready");
}

#[tokio::test]
async fn export_failed_shows_the_exports_error_but_port_errors_stay_internal() {
    let (_, _, body) = render(CoreError::ExportFailed("the JQL is invalid".into()).into()).await;
    assert_eq!(body["error"]["message"], "the JQL is invalid");

    let secret = "sqlite: disk I/O error at /var/lib/ferry/state.db";
    let (_, _, body) = render(CoreError::from(PortError::backend(secret)).into()).await;
    assert!(!body.to_string().contains("sqlite"), "{body}");
}

#[tokio::test]
async fn export_running_includes_the_running_export_only_when_given() {
    let (status, _, body) = render(ApiError::ExportRunning(Some(Box::new(sample_view())))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "export_running");
    assert_eq!(body["export"]["id"], "exp_1");
    assert_eq!(body["export"]["status"], "RUNNING");

    let (_, _, body) = render(ApiError::ExportRunning(None)).await;
    assert!(body.get("export").is_none(), "{body}");
}

#[tokio::test]
async fn body_and_routing_errors_have_their_codes() {
    let cases = [
        (ApiError::PayloadTooLarge { limit: 1 }, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        (ApiError::UnsupportedMediaType, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        (ApiError::RouteNotFound { path: "/v1/x".into() }, StatusCode::NOT_FOUND, "not_found"),
        (
            ApiError::MethodNotAllowed { method: "PATCH".into(), path: "/v1/keys".into() },
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
    ];
    for (err, status, code) in cases {
        let (got, _, body) = render(err).await;
        assert_eq!((got, body["error"]["code"].as_str().unwrap()), (status, code));
    }
}
