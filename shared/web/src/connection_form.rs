//! The connection form, new (`/connections/new`) and edit
//! (`/connections/{id}/edit`): name, kind and the kind's settings, the Jira
//! API token write-only (`•••` when stored), and on a saved connection
//! `Test connection` (`POST /v1/connections/{id}/test`), which says who Ferry
//! is signed in as, or Jira's refusal in words.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use ferry_core::usecases::connections;
use serde_json::json;

use crate::editor::Editor;
use crate::error::WebError;
use crate::frame::{render, Frame, Viewer};
use crate::WebState;

#[derive(Template)]
#[template(path = "connection_form.html")]
struct ConnectionFormPage {
    frame: Frame,
    title: String,
    editor: Editor,
    /// The saved connection's id (edit only): `Test connection` needs one.
    id: Option<String>,
    is_admin: bool,
}

/// `GET /connections/new`.
pub async fn new(viewer: Viewer) -> Result<Response, WebError> {
    let initial = json!({"kind": "jira", "scope": "user", "settings": {}});
    let editor = Editor::create("/connections", viewer.link("/connections/{id}/edit"), &initial);
    render(ConnectionFormPage {
        is_admin: viewer.principal.is_admin(),
        frame: viewer.frame("Connections"),
        title: "New connection".into(),
        editor,
        id: None,
    })
}

/// `GET /connections/{id}/edit`.
pub async fn edit(State(state): State<WebState>, viewer: Viewer, Path(id): Path<String>) -> Result<Response, WebError> {
    let connection =
        connections::get_connection(&state.ports, &viewer.principal, &id).await.map_err(|e| viewer.fail(e))?;
    let initial = serde_json::to_value(&connection).unwrap_or_default();
    let editor = Editor::update(format!("/connections/{id}"), viewer.link("/connections/{id}/edit"), &initial);
    render(ConnectionFormPage {
        is_admin: viewer.principal.is_admin(),
        frame: viewer.frame("Connections"),
        title: format!("Connection “{}”", connection.name),
        editor,
        id: Some(id),
    })
}
