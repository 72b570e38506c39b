//! `Keys` (admins): the list (never a key itself: only hashes are stored),
//! a plain form that creates one and shows it once, with a copy button and a
//! warning, and `Delete` (see [`crate::deletes`]).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use ferry_core::model::api_key::Role;
use ferry_core::model::page::PageRequest;
use ferry_core::usecases::keys::{self, KeyInput, KeyView};
use ferry_core::CoreError;
use serde::Deserialize;

use crate::error::WebError;
use crate::frame::{render, Frame, Viewer};
use crate::times::utc;
use crate::WebState;

/// Keys listed at most (an install has a handful).
const KEYS_SHOWN: u32 = 500;

#[derive(Template)]
#[template(path = "keys.html")]
struct KeysPage {
    frame: Frame,
    keys: Vec<(KeyView, String)>,
    form: KeyForm,
    /// The refusal of a create: (field, message).
    problem: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "key_created.html")]
struct KeyCreatedPage {
    frame: Frame,
    user: String,
    role: &'static str,
    key: String,
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
) -> Result<Response, WebError> {
    let found = keys::list_keys(&state.ports, &viewer.principal, PageRequest::first(KEYS_SHOWN))
        .await
        .map_err(|e| viewer.fail(e))?;
    let keys = found.items.into_iter().map(|k| {
        let created = utc(k.created_at);
        (k, created)
    });
    render(KeysPage { frame: viewer.frame("Keys"), keys: keys.collect(), form, problem })
}

/// `GET /keys` (admins).
pub async fn list(State(state): State<WebState>, viewer: Viewer) -> Result<Response, WebError> {
    page(&state, &viewer, KeyForm { role: "member".into(), ..KeyForm::default() }, None).await
}

/// `POST /keys` (admins): the new key, shown on this answer only (the page
/// is `no-store`, and no redirect carries it anywhere).
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
        Ok(created) => render(KeyCreatedPage {
            frame: viewer.frame("Keys"),
            user: created.view.user,
            role: created.view.role.as_str(),
            key: created.key,
        }),
        Err(CoreError::Invalid { message, details }) => {
            let problem = details.into_iter().next().map(|d| (d.field, d.message)).unwrap_or(("".into(), message));
            let mut response = page(&state, &viewer, form, Some(problem)).await?;
            *response.status_mut() = StatusCode::BAD_REQUEST;
            Ok(response)
        }
        Err(e) => Err(viewer.fail(e)),
    }
}
