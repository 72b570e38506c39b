//! The report form, new (`/reports/new`) and edit (`/reports/{id}/edit`):
//! connection, report type, query with `Check query`, columns picked from the
//! connection's fields, the `timeInStatus` options (for that report type
//! only), format and its options, file name, compress, and `Preview` of the
//! unsaved report. It posts to its own page (see [`crate::form_input`]):
//! `Save` stores it and redirects; `Check query`, `Preview` and the column
//! buttons draw the form again as typed, nothing saved. `Copy` ("Save as")
//! is a form of its own.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use ferry_core::model::api_key::Principal;
use ferry_core::model::format_options::Format;
use ferry_core::model::page::PageRequest;
use ferry_core::model::time_in_status::{TimeInStatusOptions, FIELD as TIME_IN_STATUS};
use ferry_core::usecases::reports::{self, CopyInput, ReportInput};
use ferry_core::usecases::{connections, pdf_preview, previews};
use ferry_core::CoreError;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::WebError;
use crate::flash::Flash;
use crate::form_input::{self, control};
use crate::form_view::FormView;
use crate::frame::{render, Frame, Viewer};
use crate::list_edit::ListEdit;
use crate::reports::PreviewTable;
use crate::{time_zones, WebState};

/// Connections offered at most in the `Connection` list.
const CONNECTIONS_OFFERED: u32 = 1000;
/// Format options the form draws for one format only: sent for it alone.
const PDF_OPTIONS: [&str; 3] = ["paper", "orientation", "maxRows"];
const CSV_OPTIONS: [&str; 7] =
    ["delimiter", "lineTerminator", "bom", "lineBreaks", "escapeChar", "sanitizeFormulas", "profile"];

#[derive(Template)]
#[template(path = "report_form.html")]
pub(crate) struct ReportFormPage {
    pub(crate) frame: Frame,
    pub(crate) title: String,
    pub(crate) action: String,
    pub(crate) form: FormView,
    /// (id, name, kind) of the connections this person may use.
    pub(crate) connections: Vec<(String, String, &'static str)>,
    pub(crate) zones: &'static [String],
    pub(crate) back: String,
    /// What `Check query` found.
    pub(crate) checked: Option<String>,
    /// `Preview`'s rows, and Jira's estimate of how many match.
    pub(crate) preview: Option<PreviewTable>,
    pub(crate) approximate: Option<u64>,
    /// A PDF report's preview: the PDF writer's first page, as a `data:` URL.
    pub(crate) pdf_page: Option<String>,
}

impl ReportFormPage {
    fn weekdays(&self) -> &'static [(&'static str, &'static str)] {
        &crate::schedule_form::WEEKDAYS
    }
}

/// The report's JSON with the `timeInStatus` options' defaults filled in
/// where it has none, so their fields show wide and hours when someone
/// switches the report type (they are sent only for that type).
fn with_time_in_status_defaults(mut initial: Value) -> Value {
    if let Some(object) = initial.as_object_mut() {
        if object.get(TIME_IN_STATUS).is_none_or(Value::is_null) {
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

/// Where the editor of report `id` (None: a new one) posts and goes back to.
struct Place {
    id: Option<String>,
    title: &'static str,
    action: String,
    back: String,
}

impl Place {
    fn of(viewer: &Viewer, id: Option<String>) -> Self {
        match id {
            Some(id) => Place {
                title: "Edit report",
                action: viewer.link(&format!("/reports/{id}/edit")),
                back: viewer.link(&format!("/reports/{id}")),
                id: Some(id),
            },
            None => Place {
                id: None,
                title: "New report",
                action: viewer.link("/reports/new"),
                back: viewer.link("/reports"),
            },
        }
    }
}

async fn page(state: &WebState, viewer: &Viewer, place: &Place, form: FormView) -> Result<ReportFormPage, WebError> {
    let connections = usable_connections(state, &viewer.principal).await.map_err(|e| viewer.fail(e))?;
    Ok(ReportFormPage {
        frame: viewer.frame("Reports"),
        title: place.title.into(),
        action: place.action.clone(),
        form,
        connections,
        zones: time_zones::names(),
        back: place.back.clone(),
        checked: None,
        preview: None,
        approximate: None,
        pdf_page: None,
    })
}

/// `GET /reports/new`.
pub async fn new(State(state): State<WebState>, viewer: Viewer) -> Result<Response, WebError> {
    let initial = json!({"visibility": "private", "reportType": "issues", "format": "csv", "columns": []});
    let place = Place::of(&viewer, None);
    render(page(&state, &viewer, &place, FormView::new(with_time_in_status_defaults(initial))).await?)
}

/// `GET /reports/{id}/edit` (its owner or an admin; others are refused on save).
pub async fn edit(State(state): State<WebState>, viewer: Viewer, Path(id): Path<String>) -> Result<Response, WebError> {
    let report = reports::get_report(&state.ports, &viewer.principal, &id).await.map_err(|e| viewer.fail(e))?;
    let initial = with_time_in_status_defaults(serde_json::to_value(&report).unwrap_or_default());
    let place = Place::of(&viewer, Some(id));
    render(page(&state, &viewer, &place, FormView::new(initial)).await?)
}

/// `POST /reports/new`.
pub async fn submit_new(
    State(state): State<WebState>,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    submit(&state, &viewer, Place::of(&viewer, None), pairs).await
}

/// `POST /reports/{id}/edit`.
pub async fn submit_edit(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    submit(&state, &viewer, Place::of(&viewer, Some(id)), pairs).await
}

async fn submit(
    state: &WebState,
    viewer: &Viewer,
    place: Place,
    pairs: Vec<(String, String)>,
) -> Result<Response, WebError> {
    viewer.check_csrf(control(&pairs, "csrf").unwrap_or(""))?;
    let mut values = match form_input::tree(&pairs) {
        Ok(values) => values,
        Err(e) => return refused(state, viewer, &place, json!({}), e).await,
    };
    let action = control(&pairs, "_action").unwrap_or("save");
    if let Some(edit) = ListEdit::parse(action) {
        let find = control(&pairs, "_find").unwrap_or("").trim().to_string();
        edit.apply(&mut values, |_| json!({"field": find}));
        return render(page(state, viewer, &place, FormView::new(values)).await?);
    }
    let calendar_on = control(&pairs, "_calendar") == Some("on");
    let sent = only_what_applies(values.clone(), calendar_on);
    let input = match form_input::decode::<ReportInput>(&sent) {
        Ok(input) => input,
        Err(e) => return refused(state, viewer, &place, values, e).await,
    };
    match action {
        "check" | "preview" => match previews::preview_draft(&state.ports, &viewer.principal, input.clone()).await {
            Ok(draft) => {
                let mut shown = page(state, viewer, &place, FormView::new(values)).await?;
                if action == "check" {
                    shown.checked = Some(match draft.approximate_count {
                        Some(n) => format!("The query is accepted: about {n} issues match."),
                        None => format!("The query is accepted: {} rows in the preview.", draft.preview.rows.len()),
                    });
                } else {
                    shown.approximate = draft.approximate_count;
                    shown.preview = Some(PreviewTable::from(draft.preview));
                    if input.format == Format::Pdf {
                        let pdf = pdf_preview::preview_draft_pdf(&state.ports, &viewer.principal, input).await;
                        let pdf = pdf.map_err(|e| viewer.fail(e))?;
                        shown.pdf_page = Some(format!("data:application/pdf;base64,{}", BASE64.encode(pdf)));
                    }
                }
                render(shown)
            }
            Err(e) => refused(state, viewer, &place, values, e).await,
        },
        _ => {
            let saved = match &place.id {
                None => reports::create_report(&state.ports, &viewer.principal, input).await,
                Some(id) => reports::update_report(&state.ports, &viewer.principal, id, input).await,
            };
            match saved {
                Ok(report) => {
                    let to = Flash::Saved.after(&viewer.link(&format!("/reports/{}", report.id)));
                    Ok(Redirect::to(&to).into_response())
                }
                Err(e) => refused(state, viewer, &place, values, e).await,
            }
        }
    }
}

/// The form drawn again as typed, each error beside its field.
async fn refused(
    state: &WebState,
    viewer: &Viewer,
    place: &Place,
    values: Value,
    e: CoreError,
) -> Result<Response, WebError> {
    let status = if matches!(e, CoreError::Forbidden(_)) { StatusCode::FORBIDDEN } else { StatusCode::BAD_REQUEST };
    let form = FormView::refused(values, e).map_err(|e| viewer.fail(e))?;
    let mut response = render(page(state, viewer, place, form).await?)?;
    *response.status_mut() = status;
    Ok(response)
}

/// The body the form means: options of another report type or format, and
/// the calendar with `Working time only` off, are left out (without script
/// every box is posted; with it, hidden boxes are disabled and not posted).
fn only_what_applies(mut values: Value, calendar_on: bool) -> Value {
    let Some(object) = values.as_object_mut() else { return values };
    if object.get("reportType").and_then(Value::as_str) != Some("dataset") {
        object.remove("dataset");
    }
    if object.get("reportType").and_then(Value::as_str) != Some("timeInStatus") {
        object.remove(TIME_IN_STATUS);
    } else if !calendar_on {
        if let Some(options) = object.get_mut(TIME_IN_STATUS).and_then(Value::as_object_mut) {
            options.remove("calendar");
        }
    }
    let format = object.get("format").and_then(Value::as_str).unwrap_or("csv").to_string();
    if let Some(options) = object.get_mut("formatOptions").and_then(Value::as_object_mut) {
        let others: Vec<&str> = match format.as_str() {
            "pdf" => CSV_OPTIONS.to_vec(),
            "csv" => PDF_OPTIONS.to_vec(),
            _ => PDF_OPTIONS.iter().chain(CSV_OPTIONS.iter()).copied().collect(),
        };
        for key in others {
            options.remove(key);
        }
    }
    values
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
        Ok(copy) => {
            Ok(Redirect::to(&Flash::Copied.after(&viewer.link(&format!("/reports/{}", copy.id)))).into_response())
        }
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

#[cfg(test)]
#[path = "report_form_tests.rs"]
mod tests;
