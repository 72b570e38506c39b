//! The schedule form, new (`/schedules/new?report=`) and edit
//! (`/schedules/{id}/edit`): recurrence fields per frequency, a searchable
//! time zone list, `Next runs`, `Run as` when the admin allows app
//! permissions, `Incremental` or `Range`, `Deliver when`, and the
//! destinations. It posts to its own page (see [`crate::form_input`]):
//! `Save` stores it and redirects; the list buttons draw it again as typed.
//! `Next runs` is drawn with the form and again, as the fields change, by
//! `POST /schedules/next-runs` (the same form, the same decoding).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use ferry_core::json_input::from_json_value;
use ferry_core::model::api_key::Principal;
use ferry_core::model::page::PageRequest;
use ferry_core::recurrence::WallClock;
use ferry_core::usecases::schedule_preview::{self, MarkedRun, PreviewInput};
use ferry_core::usecases::schedules::{self, ScheduleInput};
use ferry_core::usecases::{connections, reports, settings};
use ferry_core::CoreError;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::destination_helpers::{self, people_names, Helper, RowNotes};
use crate::destination_kinds::{DestinationKind, KINDS};
use crate::error::WebError;
use crate::flash::Flash;
use crate::form_input::{self, control};
use crate::form_view::FormView;
use crate::frame::{render, Frame, Viewer};
use crate::list_edit::ListEdit;
use crate::{time_zones, WebState};

/// Reports offered at most in the `Report` list.
const REPORTS_OFFERED: u32 = 1000;
/// Runs `Next runs` shows.
const NEXT_RUNS: u32 = 5;
/// Where a drawn row was (its stored index): the form's own key in a row.

#[derive(Deserialize)]
pub struct NewQuery {
    report: Option<String>,
}

#[derive(Template)]
#[template(path = "schedule_form.html")]
pub(crate) struct ScheduleFormPage {
    pub(crate) frame: Frame,
    pub(crate) title: String,
    pub(crate) action: String,
    pub(crate) form: FormView,
    /// Reports this person may schedule: (id, name).
    pub(crate) reports: Vec<(String, String)>,
    pub(crate) zones: &'static [String],
    pub(crate) allow_app: bool,
    pub(crate) kinds: &'static [DestinationKind],
    /// Where `Cancel` goes.
    pub(crate) back: String,
    pub(crate) next_runs: NextRuns,
    /// What `Send test` or `Find people` drew beside a destination row.
    pub(crate) notes: Option<RowNotes>,
    /// Names of the Jira people chosen in this form (account id, name).
    pub(crate) people: Vec<(String, String)>,
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

    /// The helpers' notes for the row at `index`.
    fn notes_of(&self, index: impl std::borrow::Borrow<usize>) -> Option<&RowNotes> {
        self.notes.as_ref().filter(|n| n.index == *index.borrow())
    }

    /// A chosen account's name, when this form learned it.
    fn person(&self, account_id: &str) -> Option<&str> {
        self.people.iter().find(|(id, _)| id == account_id).map(|(_, name)| name.as_str())
    }

    /// The account ids of a row's `toUsers` (`a, b` as the field holds them).
    fn ids(&self, list: &str) -> Vec<String> {
        list.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
    }
}

/// `Next runs`: a sentence, and each run in the schedule's zone and in UTC.
#[derive(Debug, Clone, Default)]
pub(crate) struct NextRuns {
    pub(crate) status: String,
    pub(crate) runs: Vec<NextRun>,
}

/// One of `Next runs`: `Sun 2027-03-14 03:30 EDT (America/New_York)`, why a
/// DST change moved it or doubled its hour, and the same instant in UTC.
#[derive(Debug, Clone)]
pub(crate) struct NextRun {
    pub(crate) local: String,
    pub(crate) note: Option<String>,
    pub(crate) utc: String,
}

impl NextRun {
    fn new(run: &MarkedRun, tz: &jiff::tz::TimeZone, zone: &str, time: &str) -> Self {
        let local = run.at.to_zoned(tz.clone()).strftime("%a %Y-%m-%d %H:%M %Z").to_string();
        let note = match run.wall_clock {
            WallClock::Exact => None,
            WallClock::MovedByGap => Some(format!("moved: {time} does not exist that day (clocks go forward)")),
            WallClock::RepeatedHour => {
                Some(format!("{time} happens twice that day (clocks go back): runs at the first"))
            }
        };
        let utc = run.at.to_zoned(jiff::tz::TimeZone::UTC).strftime("%a %Y-%m-%d %H:%M UTC").to_string();
        NextRun {
            local: if local.ends_with(&format!(" {zone}")) { local } else { format!("{local} ({zone})") },
            note,
            utc,
        }
    }
}

#[derive(Template)]
#[template(path = "next_runs.html")]
struct NextRunsPart {
    next_runs: NextRuns,
}

/// Reports the person may schedule: their own (admins: all).
async fn schedulable(state: &WebState, actor: &Principal) -> Result<Vec<(String, String)>, CoreError> {
    let found = reports::list_reports(&state.ports, actor, PageRequest::first(REPORTS_OFFERED)).await?;
    Ok(found.items.into_iter().filter(|r| actor.is_admin() || r.owner == actor.user).map(|r| (r.id, r.name)).collect())
}

/// Where the editor of schedule `id` (None: a new one) posts.
fn action_of(viewer: &Viewer, id: Option<&str>) -> String {
    match id {
        Some(id) => viewer.link(&format!("/schedules/{id}/edit")),
        None => viewer.link("/schedules/new"),
    }
}

/// `Run as` shows when the admin allows app permissions, or when the form
/// holds `app` already (left out, the form would quietly switch it to the
/// owner; shown, the API says why not).
async fn page(state: &WebState, viewer: &Viewer, id: Option<&str>, form: FormView) -> Result<Response, WebError> {
    page_with(state, viewer, id, form, None, Vec::new()).await
}

async fn page_with(
    state: &WebState,
    viewer: &Viewer,
    id: Option<&str>,
    form: FormView,
    notes: Option<RowNotes>,
    people: Vec<(String, String)>,
) -> Result<Response, WebError> {
    let reports = schedulable(state, &viewer.principal).await.map_err(|e| viewer.fail(e))?;
    let allowed = settings::current(&state.ports).await.map_err(|e| viewer.fail(e))?.allow_app_permissions;
    let allow_app = allowed || form.is("runAs", "app");
    let next_runs = next_runs(state, form.values()).await;
    let status = if form.is_refused() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let mut response = render(ScheduleFormPage {
        frame: viewer.frame("Schedules"),
        title: if id.is_some() { "Edit schedule" } else { "New schedule" }.into(),
        action: action_of(viewer, id),
        form,
        reports,
        zones: time_zones::names(),
        allow_app,
        kinds: &KINDS,
        back: viewer.link(&id.map_or("/schedules".to_string(), |id| format!("/schedules/{id}"))),
        next_runs,
        notes,
        people,
    })?;
    *response.status_mut() = status;
    Ok(response)
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
    page(&state, &viewer, None, FormView::new(initial)).await
}

/// `GET /schedules/{id}/edit`: each destination row carries its `id`, so its
/// stored secrets follow it wherever it is moved.
pub async fn edit(State(state): State<WebState>, viewer: Viewer, Path(id): Path<String>) -> Result<Response, WebError> {
    let schedule = schedules::get_schedule(&state.ports, &viewer.principal, &id).await.map_err(|e| viewer.fail(e))?;
    let initial = serde_json::to_value(&schedule).unwrap_or_default();
    // Stored `toUsers` show by name, as they did when they were chosen.
    let ids: Vec<String> = initial["destinations"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|d| d["toUsers"].as_array().into_iter().flatten())
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    let people = connections::people_names(&state.ports, &viewer.principal, &schedule.report_id, &ids)
        .await
        .map_err(|e| viewer.fail(e))?;
    page_with(&state, &viewer, Some(&id), FormView::new(initial), None, people).await
}

/// `POST /schedules/new`.
pub async fn submit_new(
    State(state): State<WebState>,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    submit(&state, &viewer, None, pairs).await
}

/// `POST /schedules/{id}/edit`.
pub async fn submit_edit(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    submit(&state, &viewer, Some(id), pairs).await
}

async fn submit(
    state: &WebState,
    viewer: &Viewer,
    id: Option<String>,
    pairs: Vec<(String, String)>,
) -> Result<Response, WebError> {
    viewer.check_csrf(control(&pairs, "csrf").unwrap_or(""))?;
    let id = id.as_deref();
    let mut values = match form_input::tree(&pairs) {
        Ok(values) => values,
        Err(e) => return refused(state, viewer, id, json!({}), e).await,
    };
    let mut people = people_names(&pairs);
    if let Some(helper) = Helper::parse(control(&pairs, "_action").unwrap_or("save")) {
        let notes = destination_helpers::run(state, viewer, id, &pairs, &mut values, &mut people, helper).await;
        return page_with(state, viewer, id, FormView::new(values), notes, people).await;
    }
    if let Some(edit) = ListEdit::parse(control(&pairs, "_action").unwrap_or("save")) {
        let chosen = control(&pairs, "_new_destination").unwrap_or("email").to_string();
        edit.apply(&mut values, |kind| json!({"type": kind.unwrap_or(&chosen)}));
        return page_with(state, viewer, id, FormView::new(values), None, people).await;
    }
    match save(state, viewer, id, &values).await {
        Ok(saved) => {
            let to = Flash::Saved.after(&viewer.link(&format!("/schedules/{saved}")));
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => refused(state, viewer, id, values, e).await,
    }
}

/// Decodes the form as the API would and saves it; the schedule's id.
async fn save(state: &WebState, viewer: &Viewer, id: Option<&str>, values: &Value) -> Result<String, CoreError> {
    let sent = only_what_applies(values.clone());
    let input: ScheduleInput = form_input::decode(&sent)?;
    let saved = match id {
        None => schedules::create_schedule(&state.ports, &viewer.principal, input).await?,
        Some(id) => schedules::update_schedule(&state.ports, &viewer.principal, id, input).await?,
    };
    Ok(saved.id)
}

async fn refused(
    state: &WebState,
    viewer: &Viewer,
    id: Option<&str>,
    values: Value,
    e: CoreError,
) -> Result<Response, WebError> {
    let forbidden = matches!(e, CoreError::Forbidden(_));
    let form = FormView::refused(values, e).map_err(|e| viewer.fail(e))?;
    let mut response = page(state, viewer, id, form).await?;
    if forbidden {
        *response.status_mut() = StatusCode::FORBIDDEN;
    }
    Ok(response)
}

/// `POST /schedules/next-runs`: the `Next runs` part for the form as it is.
pub async fn next_runs_part(
    State(state): State<WebState>,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    viewer.check_csrf(control(&pairs, "csrf").unwrap_or(""))?;
    let values = form_input::tree(&pairs).unwrap_or_default();
    render(NextRunsPart { next_runs: next_runs(&state, &values).await })
}

/// The body the form means: recurrence fields of other frequencies are left
/// out (without script all are posted; with it, hidden ones are disabled).
pub(crate) fn only_what_applies(mut values: Value) -> Value {
    if let Some(recurrence) = values.get_mut("recurrence").and_then(Value::as_object_mut) {
        let frequency = recurrence.get("frequency").and_then(Value::as_str).unwrap_or("").to_string();
        let unused: &[&str] = match frequency.as_str() {
            "daily" => &["weekdays", "monthDay", "month"],
            "weekly" => &["monthDay", "month"],
            "monthly" => &["weekdays", "month"],
            "yearly" => &["weekdays"],
            _ => &[],
        };
        for key in unused {
            recurrence.remove(*key);
        }
    }
    values
}

/// `Next runs` of the form's recurrence; asks only for one that can be whole,
/// so half a typed zone name is no refusal.
async fn next_runs(state: &WebState, values: &Value) -> NextRuns {
    const FILL_IN: &str = "Fill in the time, the time zone and the days to see the next runs.";
    let recurrence = only_what_applies(values.clone()).get("recurrence").cloned().unwrap_or_default();
    let text = |key: &str| recurrence.get(key).and_then(Value::as_str).unwrap_or("").to_string();
    let zone = text("timezone");
    let time = text("time");
    let whole_time = time.len() == 5 && time.as_bytes()[2] == b':';
    let days_given = match text("frequency").as_str() {
        "weekly" => recurrence.get("weekdays").and_then(Value::as_array).is_some_and(|d| !d.is_empty()),
        "monthly" => recurrence.get("monthDay").is_some(),
        "yearly" => recurrence.get("monthDay").is_some() && recurrence.get("month").is_some(),
        _ => true,
    };
    if !whole_time || !days_given || !time_zones::names().contains(&zone) {
        return NextRuns { status: FILL_IN.into(), runs: Vec::new() };
    }
    let asked = from_json_value(&recurrence, "recurrence").map_err(CoreError::from).map(|recurrence| PreviewInput {
        recurrence,
        count: Some(NEXT_RUNS),
        after: None,
    });
    let answer = match asked {
        Ok(input) => schedule_preview::preview_marked(&state.ports, input).await,
        Err(e) => Err(e),
    };
    match answer {
        Ok(found) if found.is_empty() => {
            NextRuns { status: "No more runs: the schedule ends before the next one.".into(), runs: Vec::new() }
        }
        Ok(found) => {
            let tz = jiff::tz::TimeZone::get(&zone).unwrap_or(jiff::tz::TimeZone::UTC);
            let runs = found.iter().map(|run| NextRun::new(run, &tz, &zone, &time)).collect::<Vec<_>>();
            NextRuns { status: format!("The next {} runs, in {zone} and in UTC:", runs.len()), runs }
        }
        Err(CoreError::Invalid { message, .. }) => NextRuns { status: format!("No runs: {message}"), runs: Vec::new() },
        Err(_) => NextRuns { status: FILL_IN.into(), runs: Vec::new() },
    }
}

/// Each destination of a decoded form, parsed as the API parses it (the
/// name test: a destination's misspelt field is unknown there).
#[cfg(test)]
pub(crate) fn parse_destinations(input: &ScheduleInput) -> Result<(), ferry_core::FieldError> {
    for (i, d) in input.destinations.iter().enumerate() {
        d.parse(&format!("destinations[{i}]"))?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "schedule_form_tests.rs"]
mod tests;
