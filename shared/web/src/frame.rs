//! The signed-in person ([`Viewer`], an extractor), the frame every page
//! is drawn in ([`Frame`]: who is signed in, their role, the navigation, the
//! CSRF token for forms and for the script's `/v1` calls), and what a page
//! can fail with ([`WebError`], drawn in that frame by `error.rs`, which
//! is why it is defined here: the error needs the frame, the frame's
//! extractor the error, and the two files must not import each other).

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use ferry_core::model::api_key::Principal;
use ferry_core::usecases::dashboard::{self, Attention};
use ferry_core::CoreError;

use crate::session::{self, Session, SessionError, SESSION_COOKIE};
use crate::WebState;

/// A request with a valid session whose key still exists. Pages without one
/// redirect to the sign-in page.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub principal: Principal,
    pub session: Session,
    pub base: String,
    /// Schedules needing attention, and whether notices can be mailed (admins).
    pub attention: Attention,
    /// What the previous form did (`?done=`), said once at the top.
    pub flash: Option<&'static str>,
    /// The dashboard page the person came from (the `Referer` on this host),
    /// for error pages' way back.
    pub came_from: Option<String>,
}

impl FromRequestParts<WebState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Self::Rejection> {
        let base = state.base.clone();
        let cookie = session::cookie(&parts.headers, SESSION_COOKIE)
            .ok_or_else(|| WebError::SignInRequired { base: base.clone(), clear_cookie: false })?;
        let refused = |e: SessionError| match e {
            SessionError::Core(error) => WebError::Shown { frame: Box::new(Frame::anonymous(&state.base)), error },
            _ => WebError::SignInRequired { base: state.base.clone(), clear_cookie: true },
        };
        let session = state.keys.open(cookie, state.ports.clock.now()).map_err(refused)?;
        let principal = session::principal(&state.ports, &session).await.map_err(refused)?;
        let attention = match dashboard::attention(&state.ports, &principal).await {
            Ok(a) => a,
            Err(err) => {
                // The page itself still works without the count.
                tracing::warn!(error = %err, "counting schedules that need attention");
                Attention::default()
            }
        };
        let flash = crate::flash::Flash::sentence_of(parts.uri.query());
        let came_from = came_from(&parts.headers, &base);
        Ok(Viewer { principal, session, base, attention, flash, came_from })
    }
}

impl Viewer {
    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, presented: &str) -> Result<(), WebError> {
        self.session.check_csrf(presented).map_err(|_| WebError::Csrf { base: self.base.clone() })
    }

    /// A use case's error, shown inside this person's frame.
    pub fn fail(&self, err: CoreError) -> WebError {
        WebError::Shown { frame: Box::new(self.frame("")), error: err }
    }

    /// The frame of a page; `active` names the navigation entry it belongs to.
    pub fn frame(&self, active: &'static str) -> Frame {
        Frame {
            base: self.base.clone(),
            user: Some(self.principal.user.clone()),
            role: self.principal.role.as_str(),
            is_admin: self.principal.is_admin(),
            csrf: self.session.csrf.clone(),
            active,
            attention: self.attention.schedules,
            notices_unmailable: self.attention.notices_unmailable,
            flash: self.flash,
            came_from: self.came_from.clone(),
        }
    }

    /// A dashboard path under the public URL's path.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

/// What the layout needs.
#[derive(Debug, Clone)]
pub struct Frame {
    pub base: String,
    /// None on the sign-in page and on errors before sign-in.
    pub user: Option<String>,
    pub role: &'static str,
    pub is_admin: bool,
    pub csrf: String,
    pub active: &'static str,
    /// Schedules needing attention (shown beside `Schedules`).
    pub attention: usize,
    /// Admins only: no address is known for pause notices.
    pub notices_unmailable: bool,
    /// What the previous form did (`Saved.`).
    pub flash: Option<&'static str>,
    /// The dashboard page the person came from, if known.
    pub came_from: Option<String>,
}

impl Frame {
    /// The frame of pages shown to nobody in particular.
    pub fn anonymous(base: &str) -> Self {
        Frame {
            base: base.to_string(),
            user: None,
            role: "",
            is_admin: false,
            csrf: String::new(),
            active: "",
            attention: 0,
            notices_unmailable: false,
            flash: None,
            came_from: None,
        }
    }

    /// The navigation entries this person sees.
    pub fn nav(&self) -> Vec<NavLink> {
        let mut nav = vec![
            ("Exports", "/exports"),
            ("Reports", "/reports"),
            ("Schedules", "/schedules"),
            ("Connections", "/connections"),
        ];
        if self.is_admin {
            nav.extend([("Settings", "/settings"), ("Keys", "/keys")]);
        }
        nav.into_iter()
            .map(|(label, path)| NavLink {
                label,
                href: format!("{}{path}", self.base),
                current: self.active == label,
                attention: if label == "Schedules" { self.attention } else { 0 },
            })
            .collect()
    }
}

/// The path of the `Referer` when it is a page of this dashboard (same
/// host, under the base path, not the API): where "Back" goes.
fn came_from(headers: &axum::http::HeaderMap, base: &str) -> Option<String> {
    let referer = headers.get(axum::http::header::REFERER)?.to_str().ok()?;
    let host = headers.get(axum::http::header::HOST)?.to_str().ok()?;
    let rest = referer.strip_prefix("https://").or_else(|| referer.strip_prefix("http://"))?;
    let path = rest.strip_prefix(host)?;
    let under_base = path.strip_prefix(base)?;
    (under_base.starts_with('/') && !under_base.starts_with("/v1") && !under_base.starts_with("/sign-in"))
        .then(|| path.to_string())
}

/// One entry of the navigation.
#[derive(Debug, Clone)]
pub struct NavLink {
    pub label: &'static str,
    pub href: String,
    pub current: bool,
    /// Items there that need attention (0: none shown).
    pub attention: usize,
}

/// A template as a 200 HTML response (the headers come from the pages' layer).
pub fn render<T: Template>(page: T) -> Result<Response, WebError> {
    Ok(Html(page.render()?).into_response())
}

/// Everything a page can fail with; `error.rs` turns it into a response.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No valid session: go to the sign-in page (and forget a stale cookie).
    #[error("sign in first")]
    SignInRequired {
        base: String,
        /// The cookie was there but is no good any more (expired, key deleted).
        clear_cookie: bool,
    },
    /// A POST without this session's CSRF token.
    #[error("the form was not accepted")]
    Csrf { base: String },
    /// A use case refused or failed; shown in the person's frame.
    #[error("{error}")]
    Shown { frame: Box<Frame>, error: CoreError },
    /// A path no page has.
    #[error("no such page")]
    NoSuchPage { base: String },
    #[error("a page failed to render: {0}")]
    Template(#[from] askama::Error),
}
