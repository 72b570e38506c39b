//! Admins' pages, read-only in this part: the settings and the keys (never a
//! key itself: only the store's hash exists, and pages do not show that).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use ferry_core::model::page::PageRequest;
use ferry_core::usecases::keys::KeyView;
use ferry_core::usecases::{keys, settings};

use crate::error::WebError;
use crate::fields::flatten;
use crate::frame::{render, Frame, Viewer};
use crate::times::utc;
use crate::WebState;

/// Keys listed at most (an install has a handful).
const KEYS_SHOWN: u32 = 500;

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    frame: Frame,
    settings: Vec<(String, String)>,
}

/// `GET /settings` (admins).
pub async fn settings(State(state): State<WebState>, viewer: Viewer) -> Result<Response, WebError> {
    let current = settings::get_settings(&state.ports, &viewer.principal).await.map_err(|e| viewer.fail(e))?;
    let json = serde_json::to_value(&current).unwrap_or_default();
    render(SettingsPage { frame: viewer.frame("Settings"), settings: flatten(&json) })
}

#[derive(Template)]
#[template(path = "keys.html")]
struct KeysPage {
    frame: Frame,
    keys: Vec<(KeyView, String)>,
}

/// `GET /keys` (admins).
pub async fn keys(State(state): State<WebState>, viewer: Viewer) -> Result<Response, WebError> {
    let found = keys::list_keys(&state.ports, &viewer.principal, PageRequest::first(KEYS_SHOWN))
        .await
        .map_err(|e| viewer.fail(e))?;
    let keys = found.items.into_iter().map(|k| {
        let created = utc(k.created_at);
        (k, created)
    });
    render(KeysPage { frame: viewer.frame("Keys"), keys: keys.collect() })
}
