//! A working calendar: the time between two instants that falls on working
//! hours of working days in a zone, holidays left out.
//!
//! Working time is the measure of the instants whose *local* wall time is
//! on a workday, not a holiday, inside the daily hours. Counting it day by
//! day from wall-clock windows converted to instants goes wrong on DST days
//! (a window starting in a gap, an hour repeated in an overlap), so the
//! interval is first cut at the zone's transitions: between two transitions
//! the offset is constant, local time is the instant plus that offset, and
//! the count is plain arithmetic on local milliseconds. A 09:00-17:00 day
//! is then 8 hours on both DST change days (the change is at night), and
//! hours that span a change count the hours that really passed.

use std::collections::BTreeSet;

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::model::time_in_status::CalendarInput;
use crate::FieldError;

const DAY_MS: i64 = 86_400_000;
const WEEKDAY_NAMES: [&str; 7] = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

/// A parsed, valid working calendar.
#[derive(Debug, Clone)]
pub struct WorkingCalendar {
    zone: TimeZone,
    /// Monday first.
    workdays: [bool; 7],
    /// Milliseconds after local midnight: the working window `[start, end)`.
    start: i64,
    end: i64,
    holidays: BTreeSet<Date>,
}

impl WorkingCalendar {
    /// Parses `input`; errors name `field` + the option (`….hours`).
    pub fn parse(input: &CalendarInput, field: &str) -> Result<WorkingCalendar, FieldError> {
        let err = |name: &str, message: String| FieldError::new(format!("{field}.{name}"), message);
        let zone = TimeZone::get(input.timezone.trim()).map_err(|_| {
            err("timezone", format!("\"{}\" is not an IANA time zone (like Europe/Berlin)", input.timezone))
        })?;
        if input.workdays.is_empty() {
            return Err(err("workdays", "must list at least one of MON, TUE, WED, THU, FRI, SAT, SUN".into()));
        }
        let mut workdays = [false; 7];
        for name in &input.workdays {
            let upper = name.trim().to_ascii_uppercase();
            let Some(i) = WEEKDAY_NAMES.iter().position(|w| *w == upper) else {
                return Err(err(
                    "workdays",
                    format!("\"{name}\" is not a weekday; use MON, TUE, WED, THU, FRI, SAT, SUN"),
                ));
            };
            if workdays[i] {
                return Err(err("workdays", format!("lists {upper} more than once")));
            }
            workdays[i] = true;
        }
        let (start, end) = parse_hours(&input.hours).ok_or_else(|| {
            err(
                "hours",
                format!("must be HH:MM-HH:MM with the end after the start (like 09:00-17:00), got \"{}\"", input.hours),
            )
        })?;
        let mut holidays = BTreeSet::new();
        for (i, h) in input.holidays.iter().enumerate() {
            let date = parse_date(h)
                .ok_or_else(|| err(&format!("holidays[{i}]"), format!("must be a date YYYY-MM-DD, got \"{h}\"")))?;
            holidays.insert(date);
        }
        Ok(WorkingCalendar { zone, workdays, start, end, holidays })
    }

    /// The zone the hours are read in.
    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }

    /// The length of one working day in milliseconds (the `days` unit on a calendar).
    pub fn day_millis(&self) -> i64 {
        self.end - self.start
    }

    /// Whether `date` is worked at all.
    pub fn is_working_day(&self, date: Date) -> bool {
        self.workdays[date.weekday().to_monday_zero_offset() as usize] && !self.holidays.contains(&date)
    }

    /// Whether wall time `time` is inside the daily hours.
    pub fn is_working_time(&self, time: Time) -> bool {
        let ms = time_millis(time);
        self.start <= ms && ms < self.end
    }

    /// Working milliseconds in `[from, to)`; 0 when `to` is not after `from`.
    pub fn working_millis(&self, from: Timestamp, to: Timestamp) -> i64 {
        let mut total = 0;
        let mut at = from;
        while at < to {
            let next =
                self.zone.following(at).map(|t| t.timestamp()).find(|t| *t > at).filter(|t| *t < to).unwrap_or(to);
            let offset = self.zone.to_offset(at).seconds() as i64 * 1000;
            total += self.local_working(at.as_millisecond() + offset, next.as_millisecond() + offset);
            at = next;
        }
        total
    }

    /// Working milliseconds in `[a, b)` of local time (milliseconds since local 1970-01-01 00:00).
    fn local_working(&self, a: i64, b: i64) -> i64 {
        let first = a.div_euclid(DAY_MS);
        let last = (b - 1).div_euclid(DAY_MS);
        let mut date = epoch_day(first);
        let mut total = 0;
        for day in first..=last {
            if self.is_working_day(date) {
                let (lo, hi) = (day * DAY_MS + self.start, day * DAY_MS + self.end);
                total += (b.min(hi) - a.max(lo)).max(0);
            }
            date = date.tomorrow().unwrap_or(date);
        }
        total
    }
}

fn time_millis(t: Time) -> i64 {
    ((t.hour() as i64 * 60 + t.minute() as i64) * 60 + t.second() as i64) * 1000 + t.millisecond() as i64
}

fn epoch_day(day: i64) -> Date {
    Date::constant(1970, 1, 1).checked_add((day as i32).days()).unwrap_or(Date::MAX)
}

/// `HH:MM-HH:MM` as milliseconds after midnight; the end may be `24:00`.
fn parse_hours(s: &str) -> Option<(i64, i64)> {
    let (a, b) = s.trim().split_once('-')?;
    let (start, end) = (parse_clock(a.trim())?, parse_clock(b.trim())?);
    (start < end && start < DAY_MS).then_some((start, end))
}

fn parse_clock(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' || ![0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit()) {
        return None;
    }
    let hour = ((b[0] - b'0') * 10 + (b[1] - b'0')) as i64;
    let minute = ((b[3] - b'0') * 10 + (b[4] - b'0')) as i64;
    let ok = (hour < 24 && minute < 60) || (hour == 24 && minute == 0);
    ok.then_some((hour * 60 + minute) * 60_000)
}

/// Strictly `YYYY-MM-DD`.
fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if shaped {
        s.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
