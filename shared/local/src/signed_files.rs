//! `GET /v1/local-files/{*key}`: serves a file of an `FsFileStore` to anyone
//! holding a valid, unexpired signed URL (no API key), as the S3 presigned
//! URL does on AWS. Refusals carry Ferry's standard error body.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ferry_core::PortError;
use tokio_util::io::ReaderStream;

use crate::fs_file_store::{FsFileStore, READ_CHUNK};
use crate::url_signing::SignedFile;
use ferry_core::model::content_disposition::attachment;
use ferry_core::model::error_body::ErrorBody;

/// The router of signed local file URLs; merge it into the API router.
pub fn signed_files_router(store: Arc<FsFileStore>) -> Router {
    Router::new().route("/v1/local-files/{*key}", get(serve_signed_file)).with_state(store)
}

async fn serve_signed_file(
    State(store): State<Arc<FsFileStore>>,
    key: Result<Path<String>, PathRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let (Ok(Path(key)), Ok(Query(query))) = (key, query) else {
        return invalid_signature();
    };
    let param = |name: &str| query.get(name).map(String::as_str);
    let (Some(expires), Some(name), Some(content_type), Some(sig)) =
        (param("expires").and_then(|e| e.parse::<i64>().ok()), param("name"), param("type"), param("sig"))
    else {
        return invalid_signature();
    };
    let file = SignedFile { key: &key, expires, name, content_type };
    if !store.signer().verify(&file, sig) {
        return invalid_signature();
    }
    if store.clock().now().as_second() >= expires {
        return refusal(
            StatusCode::FORBIDDEN,
            "link_expired",
            "This download link has expired; ask Ferry for a new one.",
        );
    }
    let (handle, len) = match store.open_file(&key).await {
        Ok(opened) => opened,
        Err(PortError::NotFound(_)) => {
            return refusal(StatusCode::GONE, "file_gone", "This file has been deleted or has passed its retention.")
        }
        Err(e) => {
            tracing::error!(error = %e, key = %key, "serving a signed local file");
            return refusal(StatusCode::INTERNAL_SERVER_ERROR, "internal", "The file could not be read.");
        }
    };
    let content_type =
        HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&attachment(name)).expect("attachment() writes only visible ASCII");
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CONTENT_LENGTH, HeaderValue::from(len)),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        Body::from_stream(ReaderStream::with_capacity(handle, READ_CHUNK)),
    )
        .into_response()
}

fn invalid_signature() -> Response {
    refusal(StatusCode::FORBIDDEN, "invalid_signature", "This download link is not valid.")
}

fn refusal(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(ErrorBody::new(code, message))).into_response()
}
