//! Connections, read-only: name, kind, scope, owner and settings, with the
//! secrets the API keeps write-only drawn as `•••`.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use ferry_core::model::page::PageRequest;
use ferry_core::usecases::connections;
use serde::Deserialize;
use serde_json::Value;

use crate::error::WebError;
use crate::fields::flatten;
use crate::frame::{render, Frame, Viewer};
use crate::schedules::{encode, PAGE_SIZE};
use crate::WebState;

#[derive(Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "connections.html")]
struct ConnectionsPage {
    frame: Frame,
    connections: Vec<Line>,
    next_page: Option<String>,
}

struct Line {
    id: String,
    name: String,
    kind: &'static str,
    scope: String,
    owner: String,
    settings: Vec<(String, String)>,
}

/// `GET /connections`.
pub async fn list(
    State(state): State<WebState>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = PageRequest::parse(Some(PAGE_SIZE), query.cursor).map_err(|e| viewer.fail(e))?;
    let found =
        connections::list_connections(&state.ports, &viewer.principal, page).await.map_err(|e| viewer.fail(e))?;
    let next_page = found.next_cursor.map(|c| viewer.link(&format!("/connections?cursor={}", encode(&c))));
    let lines = found
        .items
        .into_iter()
        .map(|c| Line {
            kind: c.kind.as_str(),
            scope: serde_json::to_value(c.scope).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
            settings: flatten(&Value::Object(c.settings)),
            id: c.id,
            name: c.name,
            owner: c.owner,
        })
        .collect();
    render(ConnectionsPage { frame: viewer.frame("Connections"), connections: lines, next_page })
}
