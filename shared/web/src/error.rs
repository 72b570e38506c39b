//! Everything a page can fail with, and the one place it becomes a response:
//! a redirect to sign in, or an error page in the person's frame, with the
//! status the API gives the same error (`ferry_inbound::status_of`). Adapter
//! text (`PortError`) is logged, never shown.

use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use ferry_core::{CoreError, PortError};
use ferry_inbound::status::{status_of, NO_SPACE_MESSAGE};

use crate::frame::Frame;
pub use crate::frame::WebError;
use crate::session::SESSION_COOKIE;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    frame: Frame,
    title: String,
    message: String,
    /// Ways on: back where the person came from, to what the error names.
    links: Vec<(String, String)>,
}

/// The list a kind of thing lives in, by the noun errors use.
fn list_of(what: &str) -> Option<(&'static str, &'static str)> {
    Some(match what {
        "schedule" | "run" => ("Your schedules", "/schedules"),
        "report" => ("Reports", "/reports"),
        "connection" => ("Connections", "/connections"),
        "export" | "download" => ("Exports", "/exports"),
        "key" => ("Keys", "/keys"),
        _ => return None,
    })
}

impl WebError {
    fn status_title_message(&self) -> (StatusCode, &'static str, String) {
        match self {
            // The status is the API's (one map for both adapters); only the words are the page's.
            WebError::Shown { error, .. } => {
                let (title, message) = title_and_message(error);
                (status_of(error).0, title, message)
            }
            WebError::Csrf { .. } => (
                StatusCode::FORBIDDEN,
                "Form not accepted",
                "The form did not come from this page or your session changed: go back, reload and try again.".into(),
            ),
            WebError::NoSuchPage { .. } => (StatusCode::NOT_FOUND, "Not found", "There is no such page.".into()),
            WebError::Template(e) => {
                tracing::error!(error = %e, "template failed");
                internal()
            }
            WebError::SignInRequired { .. } => (StatusCode::SEE_OTHER, "Sign in", String::new()),
        }
    }
}

/// The page's title and sentence for a use case's error.
fn title_and_message(error: &CoreError) -> (&'static str, String) {
    match error {
        CoreError::NotFound { what, .. } => ("Not found", format!("There is no such {what} that you may see.")),
        CoreError::Forbidden(m) => ("Not allowed", m.clone()),
        CoreError::Unauthorized => ("Not signed in", "Sign in again.".into()),
        CoreError::Invalid { message, .. } => ("Not accepted", message.clone()),
        CoreError::Conflict { message, .. } => ("Not possible now", message.clone()),
        CoreError::ExportRunning { .. } => {
            ("Already running", "This report already has an export in progress: see it on Exports.".into())
        }
        CoreError::TooManyRequests { message, .. } => ("Too many requests", message.clone()),
        CoreError::NotReady { .. } => ("Not ready", "The export is not finished yet; try again when it is.".into()),
        CoreError::Gone(m) => ("Gone", m.clone()),
        CoreError::ExportFailed(m) => ("Export failed", m.clone()),
        CoreError::Port(PortError::BadCursor) => {
            ("Not accepted", "The query parameter cursor is not a page of this list: go back to its first page.".into())
        }
        CoreError::Port(PortError::NoSpace(source)) => {
            tracing::error!(error = %source, "page failed: storage full");
            ("Storage full", format!("{NO_SPACE_MESSAGE}."))
        }
        CoreError::Port(source) => {
            tracing::error!(error = %source, "page failed in an adapter");
            let (_, title, message) = internal();
            (title, message)
        }
    }
}

/// Back where the person came from, to the list of what the error names,
/// and home; each once.
fn links(frame: &Frame, named: &Option<&'static str>) -> Vec<(String, String)> {
    let mut links: Vec<(String, String)> = Vec::new();
    if frame.user.is_none() {
        return vec![("Sign in".into(), format!("{}/sign-in", frame.base))];
    }
    if let Some(back) = &frame.came_from {
        links.push(("Back to the page you came from".into(), back.clone()));
    }
    if let Some((label, path)) = named.and_then(list_of) {
        links.push((label.into(), format!("{}{path}", frame.base)));
    }
    let home = format!("{}/schedules", frame.base);
    if !links.iter().any(|(_, href)| *href == home) {
        links.push(("Your schedules".into(), home));
    }
    links
}

fn internal() -> (StatusCode, &'static str, String) {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "An internal error occurred; please try again later.".into(),
    )
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::SignInRequired { base, clear_cookie } = &self {
            let mut response = Redirect::to(&format!("{base}/sign-in")).into_response();
            if *clear_cookie {
                let expired =
                    format!("{SESSION_COOKIE}=; Path={}; Max-Age=0; HttpOnly; SameSite=Strict", cookie_path(base));
                if let Ok(v) = HeaderValue::from_str(&expired) {
                    response.headers_mut().insert(header::SET_COOKIE, v);
                }
            }
            return response;
        }
        let (status, title, message) = self.status_title_message();
        let retry_after = match &self {
            WebError::Shown { error: CoreError::TooManyRequests { retry_after_secs, .. }, .. } => {
                Some(*retry_after_secs)
            }
            _ => None,
        };
        let error_named = match &self {
            WebError::Shown { error: CoreError::NotFound { what, .. }, .. } => Some(*what),
            WebError::Shown { error: CoreError::ExportRunning { .. }, .. } => Some("export"),
            _ => None,
        };
        let frame = match self {
            WebError::Shown { frame, .. } => *frame,
            WebError::Csrf { base } | WebError::NoSuchPage { base } => Frame::anonymous(&base),
            _ => Frame::anonymous(""),
        };
        let links = links(&frame, &error_named);
        let page = ErrorPage { frame, title: title.to_string(), message, links };
        let mut response = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, title).into_response(),
        };
        if let Some(secs) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// The cookie path of a base path (`""` → `/`).
pub fn cookie_path(base: &str) -> &str {
    if base.is_empty() {
        "/"
    } else {
        base
    }
}
