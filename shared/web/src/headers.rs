//! Headers on every dashboard response: a strict Content-Security-Policy
//! (our own origin only, no inline script or style), no caching of pages that
//! show data, and no framing or sniffing. Static assets set their own
//! `Cache-Control` first and keep it.

use axum::http::{header, HeaderValue};
use axum::response::Response;

/// The pages' policy: scripts, styles, images and `fetch` from our origin
/// only; frames only of `data:` URLs, which only our pages hold (a PDF
/// report's preview page, written by our server).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self'; connect-src 'self'; frame-src data:; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

pub async fn page_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}
