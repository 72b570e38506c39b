//! Bad input gets 400 (or 413) naming the field and the problem.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{error_of, spawn_app, ADMIN_KEY};

async fn field_of(app: &crate::helpers::TestApp, path: &str, body: serde_json::Value) -> String {
    let (status, body) = error_of(app.post(ADMIN_KEY, path, &body).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    body["error"]["details"][0]["field"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn unknown_fields_bad_enums_bad_dates_and_bad_options_name_their_field() {
    let app = spawn_app().await;
    let connection = app.sample_connection(ADMIN_KEY, 10, 1).await;
    let base = json!({"name": "r", "connectionId": connection, "reportType": "issues"});
    let with = |k: &str, v: serde_json::Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    assert_eq!(field_of(&app, "/reports", with("colums", json!([]))).await, "colums");
    assert_eq!(field_of(&app, "/reports", with("format", json!("xml"))).await, "format");
    assert_eq!(field_of(&app, "/reports", with("visibility", json!("secret"))).await, "visibility");
    assert_eq!(
        field_of(&app, "/reports", with("formatOptions", json!({"delimiter": ";;"}))).await,
        "formatOptions.delimiter"
    );
    assert_eq!(
        field_of(&app, "/reports", with("formatOptions", json!({"timezone": "Mars/Base"}))).await,
        "formatOptions.timezone"
    );
    assert_eq!(field_of(&app, "/reports", with("formatOptions", json!({"bogus": 1}))).await, "formatOptions.bogus");
    assert_eq!(field_of(&app, "/reports", with("columns", json!([{"field": "nope"}]))).await, "columns[0].field");
    assert_eq!(field_of(&app, "/reports", with("fileName", json!("{{whoami}}.csv"))).await, "fileName");
    assert_eq!(field_of(&app, "/reports", with("reportType", json!("worklogs"))).await, "reportType");

    let created: serde_json::Value = app.post(ADMIN_KEY, "/reports", &base).await.json().await.unwrap();
    let report = created["id"].as_str().unwrap();
    assert_eq!(field_of(&app, "/exports", json!({"reportId": report, "fromDate": "yesterday"})).await, "fromDate");
    assert_eq!(field_of(&app, "/exports", json!({"reportId": report, "format": "docx"})).await, "format");
    assert_eq!(
        field_of(
            &app,
            "/exports",
            json!({"reportId": report, "fromDate": "2026-02-01T00:00:00Z", "toDate": "2026-01-01T00:00:00Z"})
        )
        .await,
        "toDate"
    );
    assert_eq!(
        field_of(&app, "/connections", json!({"name": "x", "kind": "sample", "settings": {"rows": "many"}})).await,
        "settings.rows"
    );

    let r = app.get(ADMIN_KEY, "/reports?pageSize=0").await;
    let (status, body) = error_of(r).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["details"][0]["field"], "pageSize");

    // Read-only fields a GET returns may be sent back and are ignored.
    let mut round_trip = created.clone();
    round_trip["name"] = json!("renamed");
    let r = app.put(ADMIN_KEY, &format!("/reports/{report}"), &round_trip).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
}

#[tokio::test]
async fn bodies_over_one_mebibyte_get_413() {
    let app = spawn_app().await;
    let huge = json!({"name": "x".repeat(1024 * 1024 + 10), "kind": "sample"});
    let (status, body) = error_of(app.post(ADMIN_KEY, "/connections", &huge).await).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
}

#[tokio::test]
async fn unknown_report_is_404_and_errors_share_one_shape() {
    let app = spawn_app().await;
    let (status, body) = error_of(app.post(ADMIN_KEY, "/exports", &json!({"reportId": "rep_nothing"})).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    let (status, _) = error_of(app.get(ADMIN_KEY, "/no-such-route").await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
