//! What a correct `timeInStatus` file holds, computed here from the
//! simulator's changelog functions, independently of Ferry's engine: the
//! intervals are walked directly, working time is counted from each day's
//! 09:00–17:00 window resolved in the zone (a different method from Ferry's
//! cut at DST transitions), and cells are judged by their distance from the
//! exact duration, so rounding is checked rather than re-implemented.

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::{json, Value};

use crate::jira_sim::changelog::{initial_status, status_changes};
use crate::jira_sim::dataset::created;

/// The test calendar: Berlin, every day but Saturday (so the Sunday DST
/// days are worked), 09:00–17:00, two holidays.
pub const HOLIDAYS: [&str; 2] = ["2025-12-25", "2026-03-30"];

pub fn calendar_json() -> Value {
    json!({"timezone": "Europe/Berlin", "workdays": ["MON", "TUE", "WED", "THU", "FRI", "SUN"],
           "hours": "09:00-17:00", "holidays": HOLIDAYS})
}

pub const DAY_MS: i64 = 86_400_000;
pub const WORKING_DAY_MS: i64 = 8 * 3_600_000;

/// Working milliseconds of the test calendar in `[from, to)`.
fn working_ms(from: Timestamp, to: Timestamp) -> i64 {
    let tz = TimeZone::get("Europe/Berlin").unwrap();
    let holidays: Vec<Date> = HOLIDAYS.iter().map(|d| d.parse().unwrap()).collect();
    let mut day = from.to_zoned(tz.clone()).date();
    let last = to.to_zoned(tz.clone()).date();
    let mut total = 0;
    while day <= last {
        if day.weekday() != Weekday::Saturday && !holidays.contains(&day) {
            let open = day.at(9, 0, 0, 0).to_zoned(tz.clone()).unwrap().timestamp();
            let close = day.at(17, 0, 0, 0).to_zoned(tz.clone()).unwrap().timestamp();
            let (a, b) = (from.max(open), to.min(close));
            if a < b {
                total += b.as_millisecond() - a.as_millisecond();
            }
        }
        day = day.tomorrow().unwrap();
    }
    total
}

/// One status of one issue, as the file should tell it.
#[derive(Debug, Clone)]
pub struct Expected {
    pub status: &'static str,
    pub ms: i64,
    pub entered: u32,
    pub first: Timestamp,
    pub last_exited: Option<Timestamp>,
}

/// Issue `n`'s statuses in the order first entered, as of `as_of`.
pub fn expected(n: u32, as_of: Timestamp, on_calendar: bool) -> Vec<Expected> {
    let mut intervals: Vec<(&'static str, Timestamp, Timestamp, bool)> = Vec::new();
    let (mut status, mut since) = (initial_status(n), created(n));
    for c in status_changes(n).into_iter().filter(|c| c.at < as_of) {
        intervals.push((status, since, c.at, true));
        (status, since) = (c.to, c.at);
    }
    intervals.push((status, since, as_of, false));
    let mut out: Vec<Expected> = Vec::new();
    for (status, from, to, exited) in intervals {
        let ms = if on_calendar { working_ms(from, to) } else { to.as_millisecond() - from.as_millisecond() };
        let i = match out.iter().position(|e| e.status == status) {
            Some(i) => i,
            None => {
                out.push(Expected { status, ms: 0, entered: 0, first: from, last_exited: None });
                out.len() - 1
            }
        };
        out[i].ms += ms;
        out[i].entered += 1;
        if exited {
            out[i].last_exited = Some(to);
        }
    }
    out
}

/// Whether `cell` (CSV text, or an XLSX number's text) writes `ms` in `unit`.
pub fn duration_is(unit: &str, cell: &str, ms: i64, day_ms: i64) -> bool {
    let close = |value: f64, exact: f64, tolerance: f64| (value - exact).abs() <= tolerance + 1e-9;
    let number = cell.parse::<f64>();
    match unit {
        "hours" => {
            number.is_ok_and(|v| close(v, ms as f64 / 3.6e6, 0.005) && close(v * 100.0, (v * 100.0).round(), 0.0))
        }
        "days" => number.is_ok_and(|v| close(v, ms as f64 / day_ms as f64, 0.005)),
        "minutes" => number.is_ok_and(|v| v.fract() == 0.0 && close(v, ms as f64 / 60_000.0, 0.5)),
        "seconds" => number.is_ok_and(|v| v.fract() == 0.0 && close(v, ms as f64 / 1000.0, 0.5)),
        "duration" => {
            let mut minutes = 0i64;
            for part in cell.split(' ') {
                let (digits, suffix) = part.split_at(part.len().saturating_sub(1));
                let Ok(k) = digits.parse::<i64>() else { return false };
                minutes += match suffix {
                    "d" => k * day_ms / 60_000,
                    "h" if k * 60 < day_ms / 60_000 => k * 60,
                    "m" if k < 60 => k,
                    _ => return false,
                };
            }
            close(minutes as f64, ms as f64 / 60_000.0, 0.5)
        }
        other => panic!("unit {other}"),
    }
}
