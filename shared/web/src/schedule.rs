//! One schedule's page: its settings read-only (secrets as `•••`) and its
//! run history with every delivery and attempt; `Redeliver` on runs whose
//! file is kept. Failure and pause emails link here.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use ferry_core::model::deliver_when::{DeliverWhen, SkipReason};
use ferry_core::model::delivery::{AttemptOutcome, DeliveryStatus};
use ferry_core::model::page::PageRequest;
use ferry_core::model::schedule_destination::ScheduleDestination;
use ferry_core::usecases::dashboard;
use ferry_core::usecases::deliveries::redeliver::{self, DestinationRef, RedeliverInput};
use ferry_core::usecases::schedule_runs::{self, RunView};
use serde::Deserialize;

use crate::error::WebError;
use crate::fields::flatten;
use crate::frame::{render, Frame, Viewer};
use crate::recurrence_words::describe;
use crate::schedules::{paused_why, run_status, state_of, Instant};
use crate::times::{in_zone, size};
use crate::WebState;
use ferry_core::model::schedule::ScheduleState;

/// Runs shown on the page (newest first).
const RUNS_SHOWN: u32 = 20;

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
    destinations: Vec<DestinationLine>,
    runs: Vec<Run>,
}

/// Why, since when and after what error Ferry paused a schedule.
struct PausedByFerry {
    why: String,
    since: Option<Instant>,
    last_error: Option<String>,
}

impl SchedulePage {
    /// `0,1,2`: every destination, for the `Redeliver` select.
    fn all_destinations(&self) -> String {
        self.destinations.iter().map(|d| d.index.to_string()).collect::<Vec<_>>().join(",")
    }
}

struct DestinationLine {
    index: usize,
    kind: String,
    fields: Vec<(String, String)>,
}

struct Run {
    export_id: Option<String>,
    when: String,
    trigger: String,
    status: &'static str,
    rows: String,
    size: String,
    error: Option<String>,
    deliveries: Vec<Delivery>,
    /// The file is kept: `Redeliver` is offered.
    redeliverable: bool,
}

struct Delivery {
    destination: usize,
    kind: String,
    status: &'static str,
    next_attempt: Option<String>,
    attempts: Vec<Attempt>,
}

struct Attempt {
    at: String,
    outcome: &'static str,
    error: String,
}

/// `GET /schedules/{id}`.
pub async fn show(State(state): State<WebState>, viewer: Viewer, Path(id): Path<String>) -> Result<Response, WebError> {
    let row = dashboard::schedule_row(&state.ports, &viewer.principal, &id).await.map_err(|e| viewer.fail(e))?;
    let (s, report) = (row.schedule, row.report_name);
    let runs = schedule_runs::list_runs(&state.ports, &viewer.principal, &id, PageRequest::first(RUNS_SHOWN))
        .await
        .map_err(|e| viewer.fail(e))?;
    let zone = s.recurrence.timezone.clone();
    let destinations = s
        .destinations
        .iter()
        .enumerate()
        .map(|(index, d)| {
            let json = serde_json::to_value(d).unwrap_or_default();
            let kind = json.get("type").and_then(|t| t.as_str()).unwrap_or("destination").to_string();
            let fields = flatten(&json).into_iter().filter(|(k, _)| k != "type" && k != "id").collect();
            DestinationLine { index, kind, fields }
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
        runs: runs.items.iter().map(|r| run(r, &zone, &s.destinations)).collect(),
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

/// A run of the history; each delivery names the destination it went to by
/// its place in the schedule now (its place then when it was removed).
fn run(r: &RunView, zone: &str, destinations: &[ScheduleDestination]) -> Run {
    let has_destinations = !destinations.is_empty();
    let when = r.scheduled_for.or(r.started_at).or(r.finished_at);
    Run {
        export_id: r.export_id.clone(),
        when: when.map(|t| in_zone(t, zone)).unwrap_or_default(),
        trigger: serde_json::to_value(r.trigger).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
        status: run_status(r.status),
        rows: r.rows.map(|n| n.to_string()).unwrap_or_default(),
        size: r.bytes.map(size).unwrap_or_default(),
        error: r.error.clone(),
        redeliverable: has_destinations && r.export_id.is_some() && r.bytes.is_some() && r.finished_at.is_some(),
        deliveries: r
            .deliveries
            .iter()
            .map(|d| Delivery {
                destination: destinations
                    .iter()
                    .position(|placed| placed.id == d.destination_id)
                    .unwrap_or(d.destination as usize),
                kind: serde_json::to_value(d.kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
                status: match d.status {
                    DeliveryStatus::Pending => "Pending",
                    DeliveryStatus::Delivered => "Delivered",
                    DeliveryStatus::Failed => "Failed",
                    DeliveryStatus::Skipped => match d.reason {
                        Some(SkipReason::Empty) => "Skipped (no rows)",
                        Some(SkipReason::Unchanged) => "Skipped (unchanged)",
                        None => "Skipped",
                    },
                },
                next_attempt: d.next_attempt_at.map(|t| in_zone(t, zone)),
                attempts: d
                    .attempts
                    .iter()
                    .map(|a| Attempt {
                        at: in_zone(a.at, zone),
                        outcome: match a.outcome {
                            AttemptOutcome::Delivered => "Delivered",
                            AttemptOutcome::Failed => "Failed",
                            AttemptOutcome::Sending => "Sending",
                        },
                        error: a.error.clone().unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect(),
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
