//! The schedule form, new (`/schedules/new?report=`) and edit
//! (`/schedules/{id}/edit`): recurrence fields per frequency, a searchable
//! time zone list, `Next runs` as you type, `Run as` when the admin allows
//! app permissions, `Incremental` or `Range`, `Deliver when`, and the
//! destinations editor.
//! The page draws the fields; the script fills them from the API's JSON,
//! previews and saves through `/v1` (see [`crate::editor`]).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use ferry_core::model::api_key::Principal;
use ferry_core::model::page::PageRequest;
use ferry_core::model::schedule::RunAs;
use ferry_core::usecases::{reports, schedules, settings};
use serde::Deserialize;
use serde_json::json;

use crate::destination_kinds::{DestinationKind, KINDS};
use crate::editor::Editor;
use crate::error::WebError;
use crate::frame::{render, Frame, Viewer};
use crate::{time_zones, WebState};

/// Reports offered at most in the `Report` list.
const REPORTS_OFFERED: u32 = 1000;

#[derive(Deserialize)]
pub struct NewQuery {
    report: Option<String>,
}

#[derive(Template)]
#[template(path = "schedule_form.html")]
struct ScheduleFormPage {
    frame: Frame,
    title: String,
    editor: Editor,
    /// Reports this person may schedule: (id, name).
    reports: Vec<(String, String)>,
    zones: &'static [String],
    allow_app: bool,
    kinds: &'static [DestinationKind],
    /// Where `Cancel` goes.
    back: String,
}

/// (API code, label) of each weekday, Monday first; the report form's workdays use it too.
pub(crate) const WEEKDAYS: [(&str, &str); 7] =
    [("MON", "Mon"), ("TUE", "Tue"), ("WED", "Wed"), ("THU", "Thu"), ("FRI", "Fri"), ("SAT", "Sat"), ("SUN", "Sun")];

impl ScheduleFormPage {
    fn weekdays(&self) -> &'static [(&'static str, &'static str)] {
        &WEEKDAYS
    }

    fn months(&self) -> Vec<(usize, &'static str)> {
        crate::recurrence_words::MONTHS.iter().enumerate().map(|(i, m)| (i + 1, *m)).collect()
    }
}

/// Reports the person may schedule: their own (admins: all).
async fn schedulable(state: &WebState, actor: &Principal) -> Result<Vec<(String, String)>, ferry_core::CoreError> {
    let found = reports::list_reports(&state.ports, actor, PageRequest::first(REPORTS_OFFERED)).await?;
    Ok(found.items.into_iter().filter(|r| actor.is_admin() || r.owner == actor.user).map(|r| (r.id, r.name)).collect())
}

/// `runs_as_app`: the schedule being edited runs as the app, so `Run as`
/// shows even after the admin turned app permissions off (left out, the
/// form would quietly switch it to the owner; shown, the API says why not).
async fn page(
    state: &WebState,
    viewer: &Viewer,
    title: String,
    editor: Editor,
    runs_as_app: bool,
) -> Result<Response, WebError> {
    let reports = schedulable(state, &viewer.principal).await.map_err(|e| viewer.fail(e))?;
    let allowed = settings::current(&state.ports).await.map_err(|e| viewer.fail(e))?.allow_app_permissions;
    let allow_app = allowed || runs_as_app;
    render(ScheduleFormPage {
        frame: viewer.frame("Schedules"),
        title,
        editor,
        reports,
        zones: time_zones::names(),
        allow_app,
        kinds: &KINDS,
        back: viewer.link("/schedules"),
    })
}

/// `GET /schedules/new?report=`: weekly on Monday at 09:00 in the browser's
/// zone (the script fills it in), starting today.
pub async fn new(
    State(state): State<WebState>,
    viewer: Viewer,
    Query(query): Query<NewQuery>,
) -> Result<Response, WebError> {
    let initial = json!({
        "reportId": query.report.unwrap_or_default(),
        "recurrence": {"frequency": "weekly", "interval": 1, "weekdays": ["MON"], "time": "09:00"},
        "destinations": [],
        "runAs": "owner",
        "incremental": false,
        "deliverWhen": "always",
    });
    let editor = Editor::create("/schedules", viewer.link("/schedules/{id}"), &initial);
    page(&state, &viewer, "New schedule".into(), editor, false).await
}

/// `GET /schedules/{id}/edit`.
pub async fn edit(State(state): State<WebState>, viewer: Viewer, Path(id): Path<String>) -> Result<Response, WebError> {
    let schedule = schedules::get_schedule(&state.ports, &viewer.principal, &id).await.map_err(|e| viewer.fail(e))?;
    let initial = serde_json::to_value(&schedule).unwrap_or_default();
    let runs_as_app = schedule.run_as == RunAs::App;
    let editor = Editor::update(format!("/schedules/{id}"), viewer.link("/schedules/{id}"), &initial);
    page(&state, &viewer, "Edit schedule".into(), editor, runs_as_app).await
}
