//! The preview of a recurrence's next runs, before or without saving it
//! (`POST /v1/schedules/preview`, and the schedule form's `Next runs`).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::CoreError;
use crate::recurrence::{RecurrenceInput, WallClock};
use crate::usecases::schedules::{parse_recurrence, UPCOMING};
use crate::Ports;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreviewInput {
    pub recurrence: RecurrenceInput,
    #[serde(default)]
    pub count: Option<u32>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub after: Option<Timestamp>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PreviewView {
    #[schema(value_type = Vec<String>)]
    pub runs: Vec<Timestamp>,
}

/// `POST /v1/schedules/preview`: the next `count` (default 5, at most 100) runs after `after` (default now).
pub async fn preview(ports: &Ports, input: PreviewInput) -> Result<PreviewView, CoreError> {
    Ok(PreviewView { runs: preview_marked(ports, input).await?.into_iter().map(|run| run.at).collect() })
}

/// A previewed run and whether a DST change moved it or doubled its hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkedRun {
    pub at: Timestamp,
    pub wall_clock: WallClock,
}

/// [`preview`]'s runs, each with its [`WallClock`] (the dashboard's `Next runs`).
pub async fn preview_marked(ports: &Ports, input: PreviewInput) -> Result<Vec<MarkedRun>, CoreError> {
    let now = ports.clock.now();
    let count = input.count.unwrap_or(UPCOMING as u32);
    if !(1..=100).contains(&count) {
        return Err(CoreError::invalid("count", "must be between 1 and 100"));
    }
    let r = parse_recurrence(&input.recurrence, now)?;
    let runs = r.occurrences_after(input.after.unwrap_or(now)).take(count as usize);
    Ok(runs.map(|o| MarkedRun { at: o.at, wall_clock: r.wall_clock_on(o.date) }).collect())
}
