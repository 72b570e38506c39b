//! The report form, new (`/reports/new`) and edit (`/reports/{id}/edit`):
//! connection, report type, query with `Check query`, columns picked from the
//! connection's fields, the `timeInStatus` options (shown for that report
//! type only), format and its options, file name, compress, and `Preview` of
//! the unsaved report (`POST /v1/reports/preview`). Saving goes through `/v1`
//! (see [`crate::editor`]). `Copy` ("Save as") is a plain form.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use ferry_core::model::api_key::Principal;
use ferry_core::model::page::PageRequest;
use ferry_core::model::time_in_status::{TimeInStatusOptions, FIELD as TIME_IN_STATUS};
use ferry_core::usecases::connections;
use ferry_core::usecases::reports::{self, CopyInput};
use ferry_core::CoreError;
use serde::Deserialize;
use serde_json::json;

use crate::editor::Editor;
use crate::error::WebError;
use crate::frame::{render, Frame, Viewer};
use crate::{time_zones, WebState};

/// Connections offered at most in the `Connection` list.
const CONNECTIONS_OFFERED: u32 = 1000;

#[derive(Template)]
#[template(path = "report_form.html")]
struct ReportFormPage {
    frame: Frame,
    title: String,
    editor: Editor,
    /// (id, name, kind) of the connections this person may use.
    connections: Vec<(String, String, &'static str)>,
    zones: &'static [String],
    back: String,
}

impl ReportFormPage {
    fn weekdays(&self) -> &'static [(&'static str, &'static str)] {
        &crate::schedule_form::WEEKDAYS
    }
}

/// The report's JSON with the `timeInStatus` options' defaults filled in
/// where it has none, so their fields show wide and hours when someone
/// switches the report type (they are sent only for that type).
fn with_time_in_status_defaults(mut initial: serde_json::Value) -> serde_json::Value {
    if let Some(object) = initial.as_object_mut() {
        if object.get(TIME_IN_STATUS).is_none_or(serde_json::Value::is_null) {
            let defaults = serde_json::to_value(TimeInStatusOptions::default()).unwrap_or_default();
            object.insert(TIME_IN_STATUS.into(), defaults);
        }
    }
    initial
}

/// Connections the person may use in a report: (id, name, kind).
pub async fn usable_connections(
    state: &WebState,
    actor: &Principal,
) -> Result<Vec<(String, String, &'static str)>, CoreError> {
    let found = connections::list_connections(&state.ports, actor, PageRequest::first(CONNECTIONS_OFFERED)).await?;
    Ok(found.items.into_iter().map(|c| (c.id, c.name, c.kind.as_str())).collect())
}

async fn page(
    state: &WebState,
    viewer: &Viewer,
    title: &str,
    editor: Editor,
    back: String,
) -> Result<Response, WebError> {
    let connections = usable_connections(state, &viewer.principal).await.map_err(|e| viewer.fail(e))?;
    render(ReportFormPage {
        frame: viewer.frame("Reports"),
        title: title.into(),
        editor,
        connections,
        zones: time_zones::names(),
        back,
    })
}

/// `GET /reports/new`.
pub async fn new(State(state): State<WebState>, viewer: Viewer) -> Result<Response, WebError> {
    let initial = json!({"visibility": "private", "reportType": "issues", "format": "csv", "columns": []});
    let initial = with_time_in_status_defaults(initial);
    let editor = Editor::create("/reports", viewer.link("/reports/{id}"), &initial);
    let back = viewer.link("/reports");
    page(&state, &viewer, "New report", editor, back).await
}

/// `GET /reports/{id}/edit` (its owner or an admin; others are refused on save).
pub async fn edit(State(state): State<WebState>, viewer: Viewer, Path(id): Path<String>) -> Result<Response, WebError> {
    let report = reports::get_report(&state.ports, &viewer.principal, &id).await.map_err(|e| viewer.fail(e))?;
    let initial = with_time_in_status_defaults(serde_json::to_value(&report).unwrap_or_default());
    let editor = Editor::update(format!("/reports/{id}"), viewer.link("/reports/{id}"), &initial);
    let back = viewer.link(&format!("/reports/{id}"));
    page(&state, &viewer, "Edit report", editor, back).await
}

#[derive(Template)]
#[template(path = "report_copy.html")]
struct CopyPage {
    frame: Frame,
    id: String,
    original: String,
    name: String,
    connections: Vec<(String, String, &'static str)>,
    connection_id: String,
    problem: Option<(String, String)>,
}

#[derive(Deserialize)]
pub struct CopyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    connection_id: String,
}

/// `GET /reports/{id}/copy`: "Save as", a new private report of one's own.
pub async fn copy_form(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let report = reports::get_report(&state.ports, &viewer.principal, &id).await.map_err(|e| viewer.fail(e))?;
    let connections = usable_connections(&state, &viewer.principal).await.map_err(|e| viewer.fail(e))?;
    render(CopyPage {
        frame: viewer.frame("Reports"),
        name: format!("Copy of {}", report.name),
        original: report.name,
        connection_id: report.connection_id,
        connections,
        problem: None,
        id,
    })
}

/// `POST /reports/{id}/copy`: the copy's page; a refusal shows beside its field.
pub async fn copy(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<CopyForm>,
) -> Result<Response, WebError> {
    viewer.check_csrf(&form.csrf)?;
    let report = reports::get_report(&state.ports, &viewer.principal, &id).await.map_err(|e| viewer.fail(e))?;
    let connection_id = Some(form.connection_id.clone()).filter(|c| !c.is_empty());
    let input = CopyInput { name: form.name.clone(), connection_id };
    match reports::copy_report(&state.ports, &viewer.principal, &id, input).await {
        Ok(copy) => Ok(Redirect::to(&viewer.link(&format!("/reports/{}", copy.id))).into_response()),
        Err(CoreError::Invalid { message, details }) => {
            let connections = usable_connections(&state, &viewer.principal).await.map_err(|e| viewer.fail(e))?;
            let field = details.first().map(|d| d.field.clone()).unwrap_or_default();
            let message = details.first().map(|d| d.message.clone()).unwrap_or(message);
            let page = CopyPage {
                frame: viewer.frame("Reports"),
                original: report.name,
                name: form.name,
                connection_id: form.connection_id,
                connections,
                problem: Some((field, message)),
                id,
            };
            let mut response = render(page)?;
            *response.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            Ok(response)
        }
        Err(e) => Err(viewer.fail(e)),
    }
}
