//! Our own CSS, JavaScript and icon, compiled into the binary (no CDN, no
//! build step) and served from our origin.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::WebState;

const APP_JS: &str = include_str!("../static/app.js");
const FORMS_JS: &str = include_str!("../static/forms.js");
const EDITORS_JS: &str = include_str!("../static/editors.js");
const APP_CSS: &str = include_str!("../static/app.css");
const FAVICON_SVG: &str = include_str!("../static/favicon.svg");

pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/static/app.js", get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }))
        .route("/static/forms.js", get(|| async { asset("text/javascript; charset=utf-8", FORMS_JS) }))
        .route("/static/editors.js", get(|| async { asset("text/javascript; charset=utf-8", EDITORS_JS) }))
        .route("/static/app.css", get(|| async { asset("text/css; charset=utf-8", APP_CSS) }))
        .route("/static/favicon.svg", get(|| async { asset("image/svg+xml", FAVICON_SVG) }))
        // Browsers ask for this path whatever the page says.
        .route("/favicon.ico", get(|| async { asset("image/svg+xml", FAVICON_SVG) }))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // Short: a new release's script must reach open tabs soon.
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    r
}
