//! `ApiJson`: field paths in errors, the size limit and the content type.

use axum::body::Body;
use axum::extract::FromRequest;
use axum::http::{header, Request};
use ferry_core::model::settings::SettingsPatch;
use ferry_core::usecases::connections::ConnectionInput;
use ferry_core::usecases::exports::StartExport;
use ferry_core::usecases::keys::KeyInput;
use ferry_core::usecases::reports::ReportInput;
use ferry_core::CoreError;

use super::*;

/// The field and message of a 400.
fn invalid(err: ApiError) -> (String, String) {
    match err {
        ApiError::Core(CoreError::Invalid { details, .. }) => (details[0].field.clone(), details[0].message.clone()),
        other => panic!("expected invalid_request, got {other:?}"),
    }
}

fn report_with(extra: &str) -> String {
    format!(r#"{{"name": "r", "connectionId": "con_1", "reportType": "issues"{extra}}}"#)
}

#[test]
fn unknown_nested_field_is_named_by_its_full_path() {
    let err = parse_json::<ReportInput>(report_with(r#", "formatOptions": {"bogus": 1}"#).as_bytes()).unwrap_err();
    let (field, message) = invalid(err);
    assert_eq!(field, "formatOptions.bogus");
    assert!(message.contains("unknown field `bogus`"), "{message}");
}

#[test]
fn unknown_field_named_like_its_parent_keeps_both_segments() {
    let body = report_with(r#", "formatOptions": {"formatOptions": 1}"#);
    assert_eq!(invalid(parse_json::<ReportInput>(body.as_bytes()).unwrap_err()).0, "formatOptions.formatOptions");
}

#[test]
fn unknown_top_level_and_array_item_fields_are_named() {
    let (field, _) = invalid(parse_json::<KeyInput>(br#"{"user": "a", "role": "admin", "nmae": 1}"#).unwrap_err());
    assert_eq!(field, "nmae");
    let body = report_with(r#", "columns": [{"field": "key"}, {"field": "x", "hdr": "X"}]"#);
    let (field, _) = invalid(parse_json::<ReportInput>(body.as_bytes()).unwrap_err());
    assert_eq!(field, "columns[1].hdr");
}

#[test]
fn bad_enum_value_lists_the_allowed_values() {
    let (field, message) = invalid(parse_json::<KeyInput>(br#"{"user": "a", "role": "boss"}"#).unwrap_err());
    assert_eq!(field, "role");
    assert!(message.contains("boss") && message.contains("admin") && message.contains("member"), "{message}");
    let (field, _) = invalid(parse_json::<ReportInput>(report_with(r#", "format": "xml""#).as_bytes()).unwrap_err());
    assert_eq!(field, "format");
}

#[test]
fn bad_date_names_the_date_field() {
    let (field, message) =
        invalid(parse_json::<StartExport>(br#"{"reportId": "r", "fromDate": "2024-13-45"}"#).unwrap_err());
    assert_eq!(field, "fromDate");
    assert!(!message.contains(" at line "), "{message}");
}

#[test]
fn missing_field_is_named_by_its_own_path() {
    let (field, message) = invalid(parse_json::<ConnectionInput>(br#"{"kind": "sample"}"#).unwrap_err());
    assert_eq!(field, "name");
    assert!(message.contains("missing field `name`"), "{message}");
    let body = report_with(r#", "columns": [{"header": "Key"}]"#);
    assert_eq!(invalid(parse_json::<ReportInput>(body.as_bytes()).unwrap_err()).0, "columns[0].field");
}

#[test]
fn wrong_types_are_named_by_path() {
    let body = report_with(r#", "formatOptions": {"delimiter": 5}"#);
    assert_eq!(invalid(parse_json::<ReportInput>(body.as_bytes()).unwrap_err()).0, "formatOptions.delimiter");
    let body = report_with(r#", "columns": [{"field": "key", "header": 7}]"#);
    assert_eq!(invalid(parse_json::<ReportInput>(body.as_bytes()).unwrap_err()).0, "columns[0].header");
}

#[test]
fn malformed_json_trailing_data_and_a_non_object_name_the_body() {
    for body in [&br#"{"user": "a", "#[..], br#"{"user": "a", "role": "admin"} x"#, b"[1, 2]"] {
        let (field, _) = invalid(parse_json::<KeyInput>(body).unwrap_err());
        assert_eq!(field, "body", "{}", String::from_utf8_lossy(body));
    }
}

#[test]
fn read_only_fields_sent_back_are_ignored() {
    let body = report_with(r#", "id": "rep_1", "owner": "bob", "createdAt": "x", "updatedAt": 1"#);
    assert!(parse_json::<ReportInput>(body.as_bytes()).is_ok());
}

fn request(content_type: Option<&str>, body: Body) -> Request<Body> {
    let mut b = Request::builder().method("PUT").uri("/v1/settings");
    if let Some(ct) = content_type {
        b = b.header(header::CONTENT_TYPE, ct);
    }
    b.body(body).unwrap()
}

async fn extract(req: Request<Body>) -> Result<SettingsPatch, ApiError> {
    ApiJson::<SettingsPatch>::from_request(req, &()).await.map(|ApiJson(v)| v)
}

#[tokio::test]
async fn json_content_types_with_parameters_or_suffix_are_accepted() {
    for ct in
        ["application/json", "application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json"]
    {
        let patch = extract(request(Some(ct), Body::from(r#"{"maxAttachmentMb": 10}"#))).await.unwrap();
        assert_eq!(patch.max_attachment_mb, Some(10), "{ct}");
    }
}

#[tokio::test]
async fn other_or_missing_content_type_is_415_but_an_empty_body_is_400() {
    let err = extract(request(Some("text/plain"), Body::from("{}"))).await.unwrap_err();
    assert!(matches!(err, ApiError::UnsupportedMediaType));
    let err = extract(request(None, Body::from("{}"))).await.unwrap_err();
    assert!(matches!(err, ApiError::UnsupportedMediaType));
    for ct in [None, Some("application/json")] {
        let (field, _) = invalid(extract(request(ct, Body::empty())).await.unwrap_err());
        assert_eq!(field, "body");
    }
}

#[tokio::test]
async fn a_body_over_one_mib_is_413_by_content_length_or_by_counting() {
    let declared = Request::builder()
        .method("PUT")
        .uri("/v1/settings")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, (BODY_LIMIT + 1).to_string())
        .body(Body::from("{}"))
        .unwrap();
    assert!(matches!(extract(declared).await.unwrap_err(), ApiError::PayloadTooLarge { .. }));

    // Chunked: no length up front, 64 KiB pieces adding up to just over the limit.
    let chunks = (0..=BODY_LIMIT / 65536).map(|_| Ok::<_, std::io::Error>(vec![b' '; 65536]));
    let chunked = request(Some("application/json"), Body::from_stream(futures::stream::iter(chunks)));
    assert!(matches!(extract(chunked).await.unwrap_err(), ApiError::PayloadTooLarge { .. }));
}

#[tokio::test]
async fn a_body_of_exactly_one_mib_is_read() {
    let mut body = vec![b' '; BODY_LIMIT - 2];
    body.splice(0..0, *b"{}");
    let patch = extract(request(Some("application/json"), Body::from(body))).await.unwrap();
    assert_eq!(patch.max_attachment_mb, None);
}
