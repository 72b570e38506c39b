//! The JSON shape of a recurrence (SPEC "Schedules", `"recurrence": {...}`) and
//! its parsing into a valid [`Recurrence`].
//!
//! Parse, don't validate: every rule of SPEC is checked here once, and each
//! error names the field as `recurrence.<field>` so the HTTP layer can answer
//! 400 with `details[].field`.

use jiff::civil::{Date, Time, Weekday};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::calendar::{Calendar, MonthDay, Pattern, WeekdaySet};
use super::rule::Recurrence;
use crate::FieldError;

/// The largest `interval` accepted: every 1000 days/weeks/months/years is
/// already beyond any real report schedule, and a bound keeps arithmetic small.
pub const MAX_INTERVAL: u32 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

impl Frequency {
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
            Frequency::Monthly => "monthly",
            Frequency::Yearly => "yearly",
        }
    }
}

/// When a schedule runs, as clients send it. Defaults: `interval` 1, `start`
/// today in `timezone`, `end` none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecurrenceInput {
    pub frequency: Frequency,
    /// Every Nth day/week/month/year counted from `start` (1–1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 1000, example = 1)]
    pub interval: Option<u32>,
    /// Weekly only: `MON`…`SUN`, at least one, no repeats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = json!(["MON", "WED"]))]
    pub weekdays: Option<Vec<String>>,
    /// Monthly and yearly: 1–31, or -1 for the last day. A day past the month's
    /// end runs on its last day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = 15)]
    pub month_day: Option<i32>,
    /// Yearly only: 1–12.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = 3)]
    pub month: Option<i32>,
    /// Wall-clock `HH:MM` in `timezone`.
    #[schema(example = "09:00")]
    pub time: String,
    /// IANA time zone name.
    #[schema(example = "Europe/Berlin")]
    pub timezone: String,
    /// First local date (inclusive), `YYYY-MM-DD`; default today in `timezone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "2026-12-01")]
    pub start: Option<String>,
    /// Last local date (inclusive), `YYYY-MM-DD`, or null for no end.
    #[serde(default)]
    pub end: Option<String>,
}

const WEEKDAY_NAMES: [&str; 7] = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

impl RecurrenceInput {
    /// Validates and normalises. `now` fixes "today in the recurrence's zone"
    /// for the default `start`. Errors name `recurrence.<field>`.
    pub fn parse(&self, now: Timestamp) -> Result<Recurrence, FieldError> {
        let freq = self.frequency;
        let interval = self.interval.unwrap_or(1);
        if !(1..=MAX_INTERVAL).contains(&interval) {
            return Err(err("interval", format!("must be between 1 and {MAX_INTERVAL}, got {interval}")));
        }
        let weekdays = match (&self.weekdays, freq) {
            (None, Frequency::Weekly) => {
                return Err(err(
                    "weekdays",
                    "is required for weekly recurrences: one or more of MON, TUE, WED, THU, FRI, SAT, SUN",
                ));
            }
            (Some(_), Frequency::Daily | Frequency::Monthly | Frequency::Yearly) => {
                return Err(err("weekdays", format!("does not apply to {} recurrences (weekly only)", freq.as_str())));
            }
            (Some(names), _) => Some(parse_weekdays(names)?),
            (None, _) => None,
        };
        let month_day = match (self.month_day, freq) {
            (Some(_), Frequency::Daily | Frequency::Weekly) => {
                return Err(err(
                    "monthDay",
                    format!("does not apply to {} recurrences (monthly and yearly only)", freq.as_str()),
                ));
            }
            (None, Frequency::Monthly | Frequency::Yearly) => {
                return Err(err(
                    "monthDay",
                    format!("is required for {} recurrences: 1–31, or -1 for the last day", freq.as_str()),
                ));
            }
            (Some(-1), _) => Some(MonthDay::Last),
            (Some(d @ 1..=31), _) => Some(MonthDay::Day(d as i8)),
            (Some(d), _) => {
                return Err(err("monthDay", format!("must be 1–31, or -1 for the last day of the month, got {d}")))
            }
            (None, _) => None,
        };
        let month = match (self.month, freq) {
            (Some(_), Frequency::Daily | Frequency::Weekly | Frequency::Monthly) => {
                return Err(err("month", format!("does not apply to {} recurrences (yearly only)", freq.as_str())));
            }
            (None, Frequency::Yearly) => return Err(err("month", "is required for yearly recurrences: 1–12")),
            (Some(m @ 1..=12), _) => Some(m as i8),
            (Some(m), _) => return Err(err("month", format!("must be 1–12, got {m}"))),
            (None, _) => None,
        };
        let time = parse_time(&self.time)?;
        let tz = super::time_zone(&self.timezone).filter(|_| !self.timezone.trim().is_empty()).ok_or_else(|| {
            err("timezone", format!("\"{}\" is not a known IANA time zone (such as Europe/Berlin)", self.timezone))
        })?;
        let tz_name = tz.iana_name().unwrap_or(&self.timezone).to_string();
        let start = match &self.start {
            Some(s) => parse_date("start", s)?,
            None => now.to_zoned(tz.clone()).date(),
        };
        let end = self.end.as_deref().map(|s| parse_date("end", s)).transpose()?;
        if let Some(end) = end.filter(|end| *end < start) {
            return Err(err("end", format!("must not be before start ({start}), got {end}")));
        }
        let pattern = match freq {
            Frequency::Daily => Pattern::Daily,
            Frequency::Weekly => Pattern::Weekly(weekdays.expect("checked above")),
            Frequency::Monthly => Pattern::Monthly(month_day.expect("checked above")),
            Frequency::Yearly => {
                Pattern::Yearly { month: month.expect("checked above"), day: month_day.expect("checked above") }
            }
        };
        let normalised = RecurrenceInput {
            frequency: freq,
            interval: Some(interval),
            weekdays: weekdays.map(|set| set.iter().map(weekday_name).map(str::to_string).collect()),
            month_day: month_day.map(MonthDay::as_i32),
            month: month.map(i32::from),
            time: format!("{:02}:{:02}", time.hour(), time.minute()),
            timezone: tz_name.clone(),
            start: Some(start.to_string()),
            end: end.map(|d| d.to_string()),
        };
        Ok(Recurrence::new(normalised, tz, tz_name, time, Calendar { pattern, interval, start, end }))
    }
}

pub(crate) fn weekday_name(day: Weekday) -> &'static str {
    WEEKDAY_NAMES[day.to_monday_zero_offset() as usize]
}

fn err(field: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(format!("recurrence.{field}"), message)
}

fn parse_weekdays(names: &[String]) -> Result<WeekdaySet, FieldError> {
    if names.is_empty() {
        return Err(err("weekdays", "must list at least one of MON, TUE, WED, THU, FRI, SAT, SUN"));
    }
    let mut days = Vec::with_capacity(names.len());
    for name in names {
        let upper = name.trim().to_ascii_uppercase();
        let Some(i) = WEEKDAY_NAMES.iter().position(|w| *w == upper) else {
            return Err(err("weekdays", format!("\"{name}\" is not a weekday; use MON, TUE, WED, THU, FRI, SAT, SUN")));
        };
        let day = Weekday::from_monday_zero_offset(i as i8).expect("0..7");
        if days.contains(&day) {
            return Err(err("weekdays", format!("lists {upper} more than once")));
        }
        days.push(day);
    }
    Ok(WeekdaySet::from_weekdays(days))
}

/// Strictly `HH:MM`, 00:00–23:59 (no seconds: EventBridge fires per minute).
fn parse_time(s: &str) -> Result<Time, FieldError> {
    let bad = || err("time", format!("must be HH:MM between 00:00 and 23:59, got \"{s}\""));
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' || ![0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit()) {
        return Err(bad());
    }
    let hour = (b[0] - b'0') * 10 + (b[1] - b'0');
    let minute = (b[3] - b'0') * 10 + (b[4] - b'0');
    Time::new(hour as i8, minute as i8, 0, 0).map_err(|_| bad())
}

/// Strictly `YYYY-MM-DD` (jiff alone would also take `20261201` or a sign).
fn parse_date(field: &str, s: &str) -> Result<Date, FieldError> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let date = if shaped { s.parse::<Date>().ok() } else { None };
    date.ok_or_else(|| err(field, format!("must be a date YYYY-MM-DD, got \"{s}\"")))
}
