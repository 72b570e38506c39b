//! A schedule's run history as people read it: each delivery named by its
//! destination's kind and target (`Webhook 127.0.0.1`) and numbered as the
//! form numbers it, statuses in words, times to the second in the schedule's
//! zone (UTC on hover), every attempt's answer, bytes and duration, a link's
//! URL and the run's `Download` while the file is kept. The same partial is
//! drawn inside the schedule's page and alone at `GET /schedules/{id}/history`,
//! which the page's script polls while a run is in progress, so the history
//! moves without a reload and its drawing stays in one template.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use ferry_core::model::deliver_when::SkipReason;
use ferry_core::model::delivery::{AttemptOutcome, DeliveryAttempt, DeliveryStatus};
use ferry_core::model::destination::Destination;
use ferry_core::model::export::Trigger;
use ferry_core::model::page::PageRequest;
use ferry_core::model::schedule::RunStatus;
use ferry_core::model::schedule_destination::ScheduleDestination;
use ferry_core::usecases::schedule_runs::{self, DeliveryView, RunView};
use ferry_core::usecases::schedules;
use jiff::Timestamp;

use crate::destination_kinds::label_of;
use crate::error::WebError;
use crate::frame::{render, Viewer};
use crate::schedules::run_status;
use crate::times::size;
use crate::WebState;

/// Runs shown (newest first).
pub const RUNS_SHOWN: u32 = 20;

/// The history partial: `schedule_history.html`.
#[derive(Template)]
#[template(path = "schedule_history.html")]
pub struct History {
    pub base: String,
    pub csrf: String,
    pub schedule_id: String,
    pub runs: Vec<Run>,
    /// The schedule's destinations now, for the `Redeliver` select.
    pub destinations: Vec<(usize, String)>,
    /// A run is in progress: the page's script keeps polling.
    pub live: bool,
}

impl History {
    /// `0,1,2`: every destination, for the `Redeliver` select.
    pub fn all_destinations(&self) -> String {
        self.destinations.iter().map(|(i, _)| i.to_string()).collect::<Vec<_>>().join(",")
    }
}

/// An instant to the second in the schedule's zone, with its UTC for the hover.
pub struct Moment {
    pub iso: String,
    pub text: String,
    pub utc: String,
}

pub struct Run {
    pub export_id: Option<String>,
    pub when: Option<Moment>,
    pub trigger: &'static str,
    pub status: &'static str,
    pub status_class: &'static str,
    pub rows: String,
    pub size: String,
    pub error: Option<String>,
    pub deliveries: Vec<Delivery>,
    /// The file is kept: `Download` and `Redeliver` are offered.
    pub file_kept: bool,
    pub redeliverable: bool,
}

pub struct Delivery {
    /// The destination's number in the form (1-based place now).
    pub number: usize,
    /// `Webhook 127.0.0.1`, `Email team@example.org`, `Link`.
    pub name: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub next_attempt: Option<Moment>,
    /// A link destination's URL while the file is kept.
    pub url: Option<String>,
    pub attempts: Vec<Attempt>,
}

pub struct Attempt {
    pub at: Moment,
    pub outcome: &'static str,
    /// The peer's answer, or the error of a failed attempt.
    pub answer: String,
    pub failed: bool,
    pub bytes: String,
    pub duration: String,
}

/// `GET /schedules/{id}/history`: the history partial alone.
pub async fn part(State(state): State<WebState>, viewer: Viewer, Path(id): Path<String>) -> Result<Response, WebError> {
    let history = load(&state, &viewer, &id).await?;
    render(history)
}

/// The schedule's history as the page draws it.
pub async fn load(state: &WebState, viewer: &Viewer, id: &str) -> Result<History, WebError> {
    let s = schedules::get_schedule(&state.ports, &viewer.principal, id).await.map_err(|e| viewer.fail(e))?;
    let runs = schedule_runs::list_runs(&state.ports, &viewer.principal, id, PageRequest::first(RUNS_SHOWN))
        .await
        .map_err(|e| viewer.fail(e))?;
    let zone = s.recurrence.timezone.clone();
    let runs: Vec<Run> = runs.items.iter().map(|r| run(r, &zone, &s.destinations)).collect();
    Ok(History {
        base: state.base.clone(),
        csrf: viewer.frame("Schedules").csrf,
        schedule_id: s.id.clone(),
        live: runs.iter().any(|r| r.status == run_status(RunStatus::Running)),
        destinations: s.destinations.iter().enumerate().map(|(i, d)| (i, destination_name(&d.destination))).collect(),
        runs,
    })
}

fn run(r: &RunView, zone: &str, destinations: &[ScheduleDestination]) -> Run {
    let when = r.scheduled_for.or(r.started_at).or(r.finished_at);
    Run {
        export_id: r.export_id.clone(),
        when: when.map(|t| moment(t, zone)),
        trigger: trigger_words(r.trigger),
        status: run_status(r.status),
        status_class: match r.status {
            RunStatus::Succeeded => "ok",
            RunStatus::Running => "running",
            RunStatus::Failed | RunStatus::Missed => "bad",
        },
        rows: r.rows.map(|n| n.to_string()).unwrap_or_default(),
        size: r.bytes.map(size).unwrap_or_default(),
        error: r.error.clone(),
        file_kept: r.file_kept && r.export_id.is_some(),
        redeliverable: !destinations.is_empty() && r.file_kept && r.export_id.is_some() && r.finished_at.is_some(),
        deliveries: r.deliveries.iter().map(|d| delivery(d, zone, destinations, r.file_kept)).collect(),
    }
}

fn delivery(d: &DeliveryView, zone: &str, destinations: &[ScheduleDestination], file_kept: bool) -> Delivery {
    let placed = destinations.iter().position(|p| p.id == d.destination_id);
    let name = match placed {
        Some(i) => destination_name(&destinations[i].destination),
        // Removed since the run: its kind is all that is known.
        None => format!("{} (removed)", label_of(d.kind.as_str())),
    };
    let (status, status_class) = match d.status {
        DeliveryStatus::Pending => ("Pending", "running"),
        DeliveryStatus::Delivered => ("Delivered", "ok"),
        DeliveryStatus::Failed => ("Failed", "bad"),
        DeliveryStatus::Skipped => match d.reason {
            Some(SkipReason::Empty) => ("Skipped (no rows)", "skipped"),
            Some(SkipReason::Unchanged) => ("Skipped (unchanged)", "skipped"),
            None => ("Skipped", "skipped"),
        },
    };
    Delivery {
        number: placed.unwrap_or(d.destination as usize) + 1,
        name,
        status,
        status_class,
        next_attempt: d.next_attempt_at.map(|t| moment(t, zone)),
        url: d.url.clone().filter(|_| file_kept),
        attempts: d.attempts.iter().map(|a| attempt(a, zone)).collect(),
    }
}

fn attempt(a: &DeliveryAttempt, zone: &str) -> Attempt {
    let failed = a.outcome != AttemptOutcome::Delivered;
    Attempt {
        at: moment(a.at, zone),
        outcome: match a.outcome {
            AttemptOutcome::Delivered => "Delivered",
            AttemptOutcome::Failed => "Failed",
            AttemptOutcome::Sending => "Sending",
        },
        answer: if failed { a.error.clone() } else { a.answer.clone() }.unwrap_or_default(),
        failed,
        bytes: size(a.bytes_sent),
        duration: a.duration_ms.map(duration).unwrap_or_default(),
    }
}

/// `Webhook hooks.example.org`, `Email team@example.org (+2)`, `Link`,
/// `SFTP files.example.org`, `S3 my-bucket`: what the destination is and where
/// it sends, never a secret (a webhook URL's path and query may hold tokens:
/// only its host is shown).
pub fn destination_name(d: &Destination) -> String {
    match d {
        Destination::Email(e) => {
            let mut all = e.to.iter().map(String::as_str);
            let first = all.next();
            let others = e.to.len().saturating_sub(1) + e.to_users.len();
            match (first, others) {
                (Some(a), 0) => format!("Email {a}"),
                (Some(a), n) => format!("Email {a} (+{n})"),
                (None, n) => format!("Email {n} Jira user{}", if n == 1 { "" } else { "s" }),
            }
        }
        Destination::Link(_) => "Link".to_string(),
        Destination::Sftp(s) => format!("SFTP {}", s.host),
        Destination::Webhook(w) => {
            let host = url::Url::parse(&w.url).ok().and_then(|u| u.host_str().map(str::to_string));
            format!("Webhook {}", host.unwrap_or_else(|| "(no host)".into()))
        }
        Destination::S3(s) => format!("S3 {}", s.bucket().as_str()),
    }
}

/// What started a run, in words.
fn trigger_words(t: Trigger) -> &'static str {
    match t {
        Trigger::Schedule => "Scheduled",
        Trigger::RunNow => "Run now",
        Trigger::Api => "API",
    }
}

/// `2026-12-07 09:00:05 CET`, with the instant in UTC for the hover.
pub fn moment(at: Timestamp, zone: &str) -> Moment {
    let text = match jiff::tz::TimeZone::get(zone) {
        Ok(tz) => at.to_zoned(tz).strftime("%Y-%m-%d %H:%M:%S %Z").to_string(),
        Err(_) => at.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
    };
    Moment { iso: at.to_string(), text, utc: at.strftime("%Y-%m-%d %H:%M:%S UTC").to_string() }
}

/// `340 ms`, `2.4 s`, `3 min 5 s`.
pub fn duration(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{:.1} s", ms as f64 / 1000.0),
        _ => format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_to_the_second_in_the_zone_with_utc_beside() {
        let t: Timestamp = "2026-12-07T08:00:05Z".parse().unwrap();
        let m = moment(t, "Europe/Berlin");
        assert_eq!((m.text.as_str(), m.utc.as_str()), ("2026-12-07 09:00:05 CET", "2026-12-07 08:00:05 UTC"));
    }

    #[test]
    fn durations_read_like_durations() {
        assert_eq!(duration(340), "340 ms");
        assert_eq!(duration(2_400), "2.4 s");
        assert_eq!(duration(185_000), "3 min 5 s");
    }

    #[test]
    fn destinations_are_named_by_kind_and_target_without_secrets() {
        let webhook: Destination = serde_json::from_value(serde_json::json!(
            {"type": "webhook", "url": "https://hooks.example.org/t/SECRET?k=1", "headers": {}}
        ))
        .unwrap();
        assert_eq!(destination_name(&webhook), "Webhook hooks.example.org");
        let email: Destination = serde_json::from_value(serde_json::json!(
            {"type": "email", "to": ["team@example.org", "b@example.org"], "cc": []}
        ))
        .unwrap();
        assert_eq!(destination_name(&email), "Email team@example.org (+1)");
    }
}
