//! The request-body extractor [`ApiJson`]: size limit, content type, and
//! errors that name the offending field by its JSON path as sent
//! (`formatOptions.delimiter`, `columns[0].header`), so a typo never passes
//! silently and a client can point at the field.
//!
//! Content type: a body declared as anything but JSON (`application/json` or
//! `application/*+json`) is a 415, and so is a non-empty body sent without a
//! `Content-Type` (as axum's `Json` does): guessing would accept form posts by
//! accident. An empty body is a 400 naming `body` whatever its type.

use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap};
use ferry_core::json_input::from_json_value;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Largest accepted request body: 1 MiB.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// A JSON request body deserialized into `T`.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let declared_json = declared_json(&parts.headers);
        if declared_json == Some(false) {
            return Err(ApiError::UnsupportedMediaType);
        }
        // A declared length over the limit is refused before reading a byte;
        // a chunked body is counted as it arrives.
        if content_length(&parts.headers).is_some_and(|n| n > BODY_LIMIT as u64) {
            return Err(ApiError::PayloadTooLarge { limit: BODY_LIMIT });
        }
        let bytes = read_limited(body).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::invalid("body", "a JSON body is required"));
        }
        if declared_json.is_none() {
            return Err(ApiError::UnsupportedMediaType);
        }
        parse_json(&bytes).map(ApiJson)
    }
}

/// None without a `Content-Type`; otherwise whether it names JSON.
fn declared_json(headers: &HeaderMap) -> Option<bool> {
    let value = headers.get(header::CONTENT_TYPE)?;
    let Ok(text) = value.to_str() else { return Some(false) };
    let mime = text.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    Some(mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json")))
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

async fn read_limited(body: Body) -> Result<bytes::Bytes, ApiError> {
    match Limited::new(body, BODY_LIMIT).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            Err(ApiError::PayloadTooLarge { limit: BODY_LIMIT })
        }
        Err(e) => {
            tracing::debug!(error = %e, "could not read a request body");
            Err(ApiError::invalid("body", "the request body could not be read"))
        }
    }
}

/// Deserializes `bytes` into `T`, naming the failing field by its JSON path.
/// Every Ferry request body is an object; serde would otherwise also accept
/// a struct written as an array, which no client means. The text is read as
/// JSON first, so a wrong type (`"format": 5`) is told apart from bad syntax.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::invalid("body", "must be a JSON object"));
    }
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| ApiError::invalid("body", format!("is not valid JSON: {e}")))?;
    from_json_value(&value, "").map_err(|e| ApiError::invalid(e.field, e.message))
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
