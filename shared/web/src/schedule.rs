//! One schedule's page: its settings read-only (secrets as `•••`) and its
//! run history with every delivery and attempt; `Redeliver` on runs whose
//! file is kept. Failure and pause emails link here.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use ferry_core::model::deliver_when::DeliverWhen;
use ferry_core::usecases::dashboard;
use ferry_core::usecases::deliveries::redeliver::{self, DestinationRef, RedeliverInput};
use serde::Deserialize;

use crate::error::WebError;
use crate::fields::flatten;
use crate::frame::{render, Frame, Viewer};
use crate::history::{self, destination_name};
use crate::recurrence_words::describe;
use crate::schedules::{paused_why, state_of, Instant};
use crate::WebState;
use ferry_core::model::schedule::ScheduleState;

#[derive(Template)]
#[template(path = "schedule.html")]
struct SchedulePage {
    frame: Frame,
    id: String,
    report: String,
    report_id: String,
    recurrence: String,
    state: String,
    state_class: &'static str,
    /// The banner of a schedule Ferry paused.
    paused_by_ferry: Option<PausedByFerry>,
    paused: bool,
    failures: u32,
    next_run: Option<Instant>,
    run_as: String,
    deliver_when: &'static str,
    /// Each destination by kind and target, in the form's order, with its fields.
    destinations: Vec<DestinationLine>,
    /// The history partial, drawn by its own (escaping) template.
    history: String,
}

/// Why, since when and after what error Ferry paused a schedule.
struct PausedByFerry {
    why: String,
    since: Option<Instant>,
    last_error: Option<String>,
}

/// A destination as the settings show it: `Webhook hooks.example.org`, then
/// its fields (secrets as dots) for whoever opens them.
struct DestinationLine {
    name: String,
    fields: Vec<(String, String)>,
}

/// `GET /schedules/{id}`.
pub async fn show(State(state): State<WebState>, viewer: Viewer, Path(id): Path<String>) -> Result<Response, WebError> {
    let row = dashboard::schedule_row(&state.ports, &viewer.principal, &id).await.map_err(|e| viewer.fail(e))?;
    let (s, report) = (row.schedule, row.report_name);
    let history = history::load(&state, &viewer, &id).await?.render()?;
    let zone = s.recurrence.timezone.clone();
    let destinations = s
        .destinations
        .iter()
        .map(|d| {
            let json = serde_json::to_value(&d.destination).unwrap_or_default();
            let fields = flatten(&json).into_iter().filter(|(k, _)| k != "type").collect();
            DestinationLine { name: destination_name(&d.destination), fields }
        })
        .collect();
    render(SchedulePage {
        frame: viewer.frame("Schedules"),
        report: report.unwrap_or_else(|| format!("(deleted report {})", s.report_id)),
        report_id: s.report_id.clone(),
        recurrence: describe(&s.recurrence),
        state: state_of(&s).words(),
        state_class: state_of(&s).css_class(),
        paused_by_ferry: (state_of(&s) == ScheduleState::PausedByFerry).then(|| PausedByFerry {
            why: paused_why(s.paused_reason),
            since: s.paused_at.map(|t| Instant::new(t, &zone)),
            last_error: s.last_error.clone(),
        }),
        paused: s.paused,
        failures: s.consecutive_failures,
        next_run: if s.paused { None } else { s.next_run_at.map(|t| Instant::new(t, &zone)) },
        run_as: serde_json::to_value(s.run_as).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
        deliver_when: deliver_when_words(s.deliver_when),
        destinations,
        history,
        id: s.id,
    })
}

/// `deliverWhen` in the words of the schedule form's `Deliver when`.
fn deliver_when_words(when: DeliverWhen) -> &'static str {
    match when {
        DeliverWhen::Always => "Always",
        DeliverWhen::NonEmpty => "Only when the export has rows",
        DeliverWhen::Changed => "Only when the data changed",
    }
}

/// The `Redeliver` form: the chosen destinations' indexes as checkboxes.
#[derive(Deserialize)]
pub struct RedeliverForm {
    #[serde(default)]
    csrf: String,
    /// Comma-separated indexes or `dst_…` ids: the page's select offers
    /// each destination alone and all of them together (`0,1,2`).
    #[serde(default)]
    destinations: String,
}

/// `POST /schedules/{id}/runs/{export_id}/redeliver`.
pub async fn redeliver(
    State(state): State<WebState>,
    viewer: Viewer,
    Path((id, export_id)): Path<(String, String)>,
    Form(form): Form<RedeliverForm>,
) -> Result<Response, WebError> {
    viewer.check_csrf(&form.csrf)?;
    let destinations = form
        .destinations
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| d.parse().map_or_else(|_| DestinationRef::Id(d.to_string()), DestinationRef::Index))
        .collect();
    redeliver::redeliver(&state.ports, &viewer.principal, &id, &export_id, RedeliverInput { destinations })
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(Redirect::to(&viewer.link(&format!("/schedules/{id}"))).into_response())
}
