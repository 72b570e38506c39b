//! The schedules table (the dashboard's home) and its row actions: pause,
//! resume, run now. Each action is a plain form that redirects back
//! (POST-redirect-GET), so it works without JavaScript.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use ferry_core::model::page::PageRequest;
use ferry_core::model::schedule::{PausedReason, RunStatus, ScheduleState, MAX_CONSECUTIVE_FAILURES};
use ferry_core::usecases::dashboard::{self, ScheduleRow};
use ferry_core::usecases::schedules::ScheduleView;
use ferry_core::usecases::{schedule_runs, schedules};
use serde::Deserialize;

use crate::error::WebError;
use crate::flash::Flash;
use crate::frame::{render, Frame, Viewer};
use crate::recurrence_words::describe;
use crate::sign_in::CsrfOnly;
use crate::times::in_zone;
use crate::WebState;

/// Rows per page of the dashboard's tables.
pub const PAGE_SIZE: u32 = 50;

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "schedules.html")]
struct SchedulesPage {
    frame: Frame,
    q: String,
    rows: Vec<Row>,
    next_page: Option<String>,
}

/// One line of the table, already in words.
struct Row {
    id: String,
    report: String,
    recurrence: String,
    next_run: Option<Instant>,
    last_run: String,
    failures: u32,
    paused: bool,
    state: String,
    state_class: &'static str,
}

/// An instant as text in a zone, with its ISO form for the browser's script.
pub struct Instant {
    pub iso: String,
    pub text: String,
}

impl Instant {
    pub fn new(at: jiff::Timestamp, zone: &str) -> Self {
        Instant { iso: at.to_string(), text: in_zone(at, zone) }
    }
}

/// `GET /`: the schedules are the home page.
pub async fn home(State(state): State<WebState>) -> Redirect {
    Redirect::to(&state.link("/schedules"))
}

/// `GET /schedules?q=&cursor=`.
pub async fn list(
    State(state): State<WebState>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let page = PageRequest::parse(Some(PAGE_SIZE), query.cursor).map_err(|e| viewer.fail(e))?;
    let found =
        dashboard::schedule_rows(&state.ports, &viewer.principal, &query.q, page).await.map_err(|e| viewer.fail(e))?;
    let next_page =
        found.next_cursor.map(|c| viewer.link(&format!("/schedules?q={}&cursor={}", encode(&query.q), encode(&c))));
    render(SchedulesPage {
        frame: viewer.frame("Schedules"),
        q: query.q,
        rows: found.items.into_iter().map(row).collect(),
        next_page,
    })
}

fn row(r: ScheduleRow) -> Row {
    let s = r.schedule;
    let zone = s.recurrence.timezone.clone();
    Row {
        report: r.report_name.unwrap_or_else(|| format!("(deleted report {})", s.report_id)),
        recurrence: describe(&s.recurrence),
        next_run: if s.paused { None } else { s.next_run_at.map(|t| Instant::new(t, &zone)) },
        last_run: match &s.last_run {
            Some(l) => format!("{} at {}", run_status(l.status), in_zone(l.at, &zone)),
            None => "never run".into(),
        },
        failures: s.consecutive_failures,
        paused: s.paused,
        state: state_of(&s).words(),
        state_class: state_of(&s).css_class(),
        id: s.id,
    }
}

/// `Succeeded`, `Failed`, …
pub fn run_status(s: RunStatus) -> &'static str {
    match s {
        RunStatus::Running => "Running",
        RunStatus::Succeeded => "Succeeded",
        RunStatus::Failed => "Failed",
        RunStatus::Missed => "Missed",
    }
}

/// `Active`, `Failing (n in a row)`, `Paused by Ferry`, `Paused by hand`.
pub fn state_of(s: &ScheduleView) -> ScheduleState {
    ScheduleState::of(s.paused, s.paused_reason, s.consecutive_failures)
}

/// Why Ferry paused a schedule, for its page.
pub fn paused_why(reason: Option<PausedReason>) -> String {
    match reason {
        Some(PausedReason::OwnerRemoved) => "its owner's key was deleted".into(),
        _ => format!("{MAX_CONSECUTIVE_FAILURES} runs failed in a row"),
    }
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// `POST /schedules/{id}/pause`.
pub async fn pause(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    viewer.check_csrf(&form.csrf)?;
    schedules::pause_schedule(&state.ports, &viewer.principal, &id).await.map_err(|e| viewer.fail(e))?;
    Ok(Redirect::to(&Flash::Paused.after(&viewer.link("/schedules"))).into_response())
}

/// `POST /schedules/{id}/resume` (also clears the failure count).
pub async fn resume(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    viewer.check_csrf(&form.csrf)?;
    schedules::resume_schedule(&state.ports, &viewer.principal, &id).await.map_err(|e| viewer.fail(e))?;
    Ok(Redirect::to(&Flash::Resumed.after(&viewer.link("/schedules"))).into_response())
}

/// `POST /schedules/{id}/run`: runs now, then shows the schedule's history
/// where the new run is.
pub async fn run_now(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    viewer.check_csrf(&form.csrf)?;
    schedule_runs::run_now(&state.ports, &viewer.principal, &id).await.map_err(|e| viewer.fail(e))?;
    Ok(Redirect::to(&Flash::RunStarted.after(&viewer.link(&format!("/schedules/{id}")))).into_response())
}
