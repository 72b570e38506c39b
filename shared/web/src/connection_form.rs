//! The connection form, new (`/connections/new`) and edit
//! (`/connections/{id}/edit`): name, kind and the kind's settings, the Jira
//! API token write-only (`•••` when stored). It posts to its own page
//! (see [`crate::form_input`]): `Save` stores it and redirects; `Test
//! connection` logs in with exactly what the form holds (stored secrets
//! fill those left as `•••`), nothing saved, and says what it tested.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use ferry_core::usecases::connections::{self, ConnectionInput, ConnectionTestResult, UnsavedConnection};
use ferry_core::CoreError;
use serde_json::{json, Value};

use crate::error::WebError;
use crate::flash::Flash;
use crate::form_input::{self, control};
use crate::form_view::FormView;
use crate::frame::{render, Frame, Viewer};
use crate::WebState;

/// The settings the form draws for Jira and Confluence, and for `sample`:
/// a kind's form sends only its own (without script both boxes show).
const ATLASSIAN_SETTINGS: [&str; 5] = ["baseUrl", "email", "apiToken", "maxRequestsPerSecond", "timeoutSeconds"];
const SAMPLE_SETTINGS: [&str; 3] = ["rows", "seed", "rowsPerSecond"];

#[derive(Template)]
#[template(path = "connection_form.html")]
pub(crate) struct ConnectionFormPage {
    pub(crate) frame: Frame,
    pub(crate) title: String,
    /// Where the form posts (its own page).
    pub(crate) action: String,
    pub(crate) form: FormView,
    /// The outcome of `Test connection`: (worked, sentence).
    pub(crate) tested: Option<(bool, String)>,
    pub(crate) is_admin: bool,
    /// A dashboard path to go back to after saving (`Copy` sends people here
    /// to make the connection it needs).
    pub(crate) return_to: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct NewQuery {
    #[serde(rename = "return")]
    return_to: Option<String>,
}

/// A path of this dashboard (`/reports/rep_1/copy`), nothing that leaves it.
fn dashboard_path(path: Option<&str>) -> Option<String> {
    let path = path?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || "/_-.".contains(c);
    (path.starts_with('/') && !path.starts_with("//") && path.chars().all(allowed)).then(|| path.to_string())
}

fn page(viewer: &Viewer, id: Option<&str>, title: String, form: FormView) -> ConnectionFormPage {
    let action = match id {
        Some(id) => viewer.link(&format!("/connections/{id}/edit")),
        None => viewer.link("/connections/new"),
    };
    ConnectionFormPage {
        is_admin: viewer.principal.is_admin(),
        frame: viewer.frame("Connections"),
        title,
        action,
        form,
        tested: None,
        return_to: None,
    }
}

/// `GET /connections/new?return=`.
pub async fn new(viewer: Viewer, Query(query): Query<NewQuery>) -> Result<Response, WebError> {
    let initial = json!({"kind": "jira", "scope": "user", "settings": {}});
    let mut shown = page(&viewer, None, "New connection".into(), FormView::new(initial));
    shown.return_to = dashboard_path(query.return_to.as_deref());
    render(shown)
}

/// `GET /connections/{id}/edit`.
pub async fn edit(State(state): State<WebState>, viewer: Viewer, Path(id): Path<String>) -> Result<Response, WebError> {
    let connection =
        connections::get_connection(&state.ports, &viewer.principal, &id).await.map_err(|e| viewer.fail(e))?;
    let title = format!("Connection “{}”", connection.name);
    let values = serde_json::to_value(&connection).unwrap_or_default();
    render(page(&viewer, Some(&id), title, FormView::new(values)))
}

/// `POST /connections/new`: `Save` or `Test connection`.
pub async fn submit_new(
    State(state): State<WebState>,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    submit(&state, &viewer, None, "New connection".into(), pairs).await
}

/// `POST /connections/{id}/edit`: `Save` or `Test connection`.
pub async fn submit_edit(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let stored = connections::get_connection(&state.ports, &viewer.principal, &id).await.map_err(|e| viewer.fail(e))?;
    let title = format!("Connection “{}”", stored.name);
    submit(&state, &viewer, Some(id), title, pairs).await
}

async fn submit(
    state: &WebState,
    viewer: &Viewer,
    id: Option<String>,
    title: String,
    pairs: Vec<(String, String)>,
) -> Result<Response, WebError> {
    viewer.check_csrf(control(&pairs, "csrf").unwrap_or(""))?;
    let return_to = dashboard_path(control(&pairs, "_return"));
    let shown = |form: FormView| {
        let mut shown = page(viewer, id.as_deref(), title.clone(), form);
        shown.return_to = return_to.clone();
        shown
    };
    let values = match form_input::tree(&pairs) {
        Ok(values) => own_settings(values),
        Err(e) => return refused(viewer, shown, json!({}), e),
    };
    let input = match form_input::decode::<ConnectionInput>(&values) {
        Ok(input) => input,
        Err(e) => return refused(viewer, shown, values, e),
    };
    if control(&pairs, "_action") == Some("test") {
        let unsaved = UnsavedConnection { stored_id: id.clone(), input };
        return match connections::test_unsaved_connection(&state.ports, &viewer.principal, unsaved).await {
            Ok(result) => {
                let mut tested = shown(FormView::new(values));
                tested.tested = Some(said(&result));
                render(tested)
            }
            Err(e) => refused(viewer, shown, values, e),
        };
    }
    let saved = match &id {
        None => connections::create_connection(&state.ports, &viewer.principal, input).await,
        Some(id) => connections::update_connection(&state.ports, &viewer.principal, id, input).await,
    };
    match saved {
        Ok(view) => {
            let next = return_to.unwrap_or_else(|| format!("/connections/{}/edit", view.id));
            Ok(Redirect::to(&Flash::Saved.after(&viewer.link(&next))).into_response())
        }
        Err(e) => refused(viewer, shown, values, e),
    }
}

/// The form drawn again as typed, each error beside its field: 400.
fn refused(
    viewer: &Viewer,
    shown: impl Fn(FormView) -> ConnectionFormPage,
    values: Value,
    e: CoreError,
) -> Result<Response, WebError> {
    let status = if matches!(e, CoreError::Forbidden(_)) { StatusCode::FORBIDDEN } else { StatusCode::BAD_REQUEST };
    let form = FormView::refused(values, e).map_err(|e| viewer.fail(e))?;
    let mut response = render(shown(form))?;
    *response.status_mut() = status;
    Ok(response)
}

/// Only the chosen kind's settings: without script both boxes are posted.
fn own_settings(mut values: Value) -> Value {
    let sample = values.get("kind").and_then(Value::as_str) == Some("sample");
    let others: &[&str] = if sample { &ATLASSIAN_SETTINGS } else { &SAMPLE_SETTINGS };
    if let Some(settings) = values.get_mut("settings").and_then(Value::as_object_mut) {
        for key in others {
            settings.remove(*key);
        }
    }
    values
}

/// What `Test connection` says, naming what it tested.
fn said(result: &ConnectionTestResult) -> (bool, String) {
    const TESTED: &str = "Tested the values on this form; nothing was saved.";
    if result.ok {
        let user = result.user.clone().unwrap_or_default();
        let site = result.site.as_deref().map(|s| format!(" on {s}")).unwrap_or_default();
        (true, format!("Connection works: signed in as {user}{site}. {TESTED}"))
    } else {
        (false, format!("Connection refused: {}. {TESTED}", result.error.clone().unwrap_or_default()))
    }
}

#[cfg(test)]
#[path = "connection_form_tests.rs"]
mod tests;
