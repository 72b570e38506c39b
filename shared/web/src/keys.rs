//! `Keys` (admins): the list (never a key itself: only hashes are stored),
//! a plain form that creates one and shows it once, with a copy button and a
//! warning, each key's email (where its user's notices go) changed in place,
//! and `Delete` (see [`crate::deletes`]).
//!
//! Creating answers with a redirect (a reload creates no second key): the
//! new key rides to `/keys/created` in a one-time flash cookie, sealed
//! (AES-GCM under a subkey of the sessions' key), bound to the session,
//! living 5 minutes and cleared by the page that shows it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use ferry_core::model::api_key::Role;
use ferry_core::model::page::PageRequest;
use ferry_core::sealing::SEALED_PREFIX;
use ferry_core::usecases::keys::{self, KeyInput, KeyPatch, KeyView};
use ferry_core::CoreError;
use serde::{Deserialize, Serialize};

use crate::error::WebError;
use crate::frame::{render, Frame, Viewer};
use crate::session;
use crate::times::utc;
use crate::WebState;

/// The one-time flash cookie of a new key.
const NEW_KEY_COOKIE: &str = "ferry_new_key";
/// How long a new key waits in its flash for the page that shows it.
const NEW_KEY_SECONDS: i64 = 300;

/// What the flash carries: the key and who it is for, bound to the session.
#[derive(Serialize, Deserialize)]
struct NewKeyFlash {
    csrf: String,
    user: String,
    role: String,
    key: String,
}

/// Keys listed at most (an install has a handful).
const KEYS_SHOWN: u32 = 500;

#[derive(Template)]
#[template(path = "keys.html")]
struct KeysPage {
    frame: Frame,
    keys: Vec<KeyLine>,
    form: KeyForm,
    /// `Email saved` after a change.
    saved: bool,
    /// The refusal of a create: (field, message).
    problem: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "key_created.html")]
struct KeyCreatedPage {
    frame: Frame,
    user: String,
    role: String,
    key: String,
}

/// A key as listed, with its times in words.
struct KeyLine {
    key: KeyView,
    created: String,
    last_used: String,
}

/// The email form of one key.
#[derive(Debug, Default, Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct KeysQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// The create form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct KeyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

async fn page(
    state: &WebState,
    viewer: &Viewer,
    form: KeyForm,
    problem: Option<(String, String)>,
    saved: bool,
) -> Result<Response, WebError> {
    let found = keys::list_keys(&state.ports, &viewer.principal, PageRequest::first(KEYS_SHOWN))
        .await
        .map_err(|e| viewer.fail(e))?;
    let keys = found.items.into_iter().map(|k| KeyLine {
        created: utc(k.created_at),
        last_used: k.last_used_at.map(utc).unwrap_or_else(|| "never".into()),
        key: k,
    });
    render(KeysPage { frame: viewer.frame("Keys"), keys: keys.collect(), form, problem, saved })
}

/// `GET /keys` (admins).
pub async fn list(
    State(state): State<WebState>,
    viewer: Viewer,
    axum::extract::Query(q): axum::extract::Query<KeysQuery>,
) -> Result<Response, WebError> {
    let form = KeyForm { role: "member".into(), ..KeyForm::default() };
    page(&state, &viewer, form, None, q.saved.is_some()).await
}

/// `POST /keys/{id}/email` (admins): sets or (empty) removes the key's email.
pub async fn set_email(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<EmailForm>,
) -> Result<Response, WebError> {
    viewer.check_csrf(&form.csrf)?;
    let patch = KeyPatch { email: Some(form.email.trim().to_string()).filter(|e| !e.is_empty()) };
    match keys::patch_key(&state.ports, &viewer.principal, &id, patch).await {
        Ok(_) => Ok(Redirect::to(&viewer.link("/keys?saved=email")).into_response()),
        Err(CoreError::Invalid { message, details }) => {
            let problem = details.into_iter().next().map(|d| (d.field, d.message)).unwrap_or(("".into(), message));
            let problem = (problem.0, format!("{} (the email of key {id} was not changed)", problem.1));
            let form = KeyForm { role: "member".into(), ..KeyForm::default() };
            let mut response = page(&state, &viewer, form, Some(problem), false).await?;
            *response.status_mut() = StatusCode::BAD_REQUEST;
            Ok(response)
        }
        Err(e) => Err(viewer.fail(e)),
    }
}

/// `POST /keys` (admins): creates the key and redirects to the page that
/// shows it once (see the module's comment).
pub async fn create(
    State(state): State<WebState>,
    viewer: Viewer,
    Form(form): Form<KeyForm>,
) -> Result<Response, WebError> {
    viewer.check_csrf(&form.csrf)?;
    let role = match form.role.as_str() {
        "admin" => Role::Admin,
        _ => Role::Member,
    };
    let email = Some(form.email.trim().to_string()).filter(|e| !e.is_empty());
    let input = KeyInput { user: form.user.trim().to_string(), email, role };
    match keys::create_key(&state.ports, &viewer.principal, input).await {
        Ok(created) => {
            let flash = NewKeyFlash {
                csrf: viewer.session.csrf.clone(),
                user: created.view.user,
                role: created.view.role.as_str().to_string(),
                key: created.key,
            };
            let text = serde_json::to_string(&flash).unwrap_or_default();
            let sealed = state.keys.flash_box().seal(&text).map_err(|e| viewer.fail(e.into()))?;
            let mut response = Redirect::to(&viewer.link("/keys/created")).into_response();
            response.headers_mut().append(header::SET_COOKIE, flash_cookie(&state, &sealed, NEW_KEY_SECONDS));
            Ok(response)
        }
        Err(CoreError::Invalid { message, details }) => {
            let problem = details.into_iter().next().map(|d| (d.field, d.message)).unwrap_or(("".into(), message));
            let mut response = page(&state, &viewer, form, Some(problem), false).await?;
            *response.status_mut() = StatusCode::BAD_REQUEST;
            Ok(response)
        }
        Err(e) => Err(viewer.fail(e)),
    }
}

/// `GET /keys/created`: the new key of this session's last create, once;
/// afterwards (a reload) the list of keys.
pub async fn created(State(state): State<WebState>, viewer: Viewer, headers: HeaderMap) -> Result<Response, WebError> {
    let flash = session::cookie(&headers, NEW_KEY_COOKIE)
        .filter(|v| v.starts_with(SEALED_PREFIX))
        .and_then(|v| state.keys.flash_box().open(v).ok())
        .and_then(|text| serde_json::from_str::<NewKeyFlash>(&text).ok())
        .filter(|f| session::equal(&f.csrf, &viewer.session.csrf));
    let mut response = match flash {
        Some(f) => render(KeyCreatedPage { frame: viewer.frame("Keys"), user: f.user, role: f.role, key: f.key })?,
        None => Redirect::to(&viewer.link("/keys")).into_response(),
    };
    response.headers_mut().append(header::SET_COOKIE, flash_cookie(&state, "", 0));
    Ok(response)
}

/// The flash cookie, sent only to the keys pages.
fn flash_cookie(state: &WebState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.secure { "; Secure" } else { "" };
    let path = format!("{}/keys", state.base);
    let text = format!("{NEW_KEY_COOKIE}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("ferry_new_key=; Max-Age=0"))
}
