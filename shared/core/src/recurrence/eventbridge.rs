//! A recurrence translated for EventBridge Scheduler: one `cron(...)` schedule
//! in the recurrence's zone that fires at every occurrence (sometimes more
//! often), plus the one-time `at()` instants its cron cannot express.
//!
//! EventBridge's cron dialect ("Cron expressions reference", EventBridge User
//! Guide) has six fields `minutes hours day-of-month month day-of-week year`;
//! one of day-of-month / day-of-week must be `?`; day-of-week is 1–7 = SUN–SAT
//! or the names; `L` in day-of-month is the month's last day; `a/n` steps. It
//! has no "every Nth week/day", and no "day 30, or the last day if shorter".
//! So the plan may fire on extra days and the trigger keeps only the real
//! occurrences with [`Recurrence::occurrence_for_firing`].
//!
//! DST (EventBridge Scheduler User Guide, "Schedule types" → "Daylight savings
//! time"): "When the time shifts forward in Spring, your schedule invocation
//! gets skipped if the cron expression falls on a non-existent date and time.
//! When the time shifts back in the Fall, your schedule runs only once" — and
//! it does not say at which of the two instants. SPEC wants neither: a gap
//! occurrence runs at the wall time moved forward, an overlap occurrence at the
//! earlier instant. [`gap_fixups`] lists the `at()` instants for both cases.

use jiff::civil::{Date, Time};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::calendar::{days_in_month, MonthDay, Pattern};
use super::dst::{self, WallTime};
use super::input::weekday_name;
use super::rule::Recurrence;

/// What to send to `CreateSchedule` / `UpdateSchedule` for the recurring part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchedulerPlan {
    /// `ScheduleExpression`: `cron(m h dom mon dow year)` in EventBridge's dialect.
    pub expression: String,
    /// `ScheduleExpressionTimezone`: the IANA name.
    pub timezone: String,
    /// `StartDate`: the start of the `start` day in the zone. EventBridge
    /// rejects a StartDate more than 5 minutes in the past; see
    /// [`SchedulerPlan::starting_no_earlier_than`].
    pub start_date: Option<Timestamp>,
    /// `EndDate` (exclusive): the start of the day after `end` in the zone.
    pub end_date: Option<Timestamp>,
}

impl SchedulerPlan {
    /// The plan with a `start_date` that has passed removed (EventBridge
    /// answers "The StartDate you specify cannot be earlier than 5 minutes
    /// ago"). Dropping it is safe: dates before `start` are filtered by the
    /// trigger anyway, and a past StartDate constrains nothing.
    pub fn starting_no_earlier_than(mut self, now: Timestamp) -> Self {
        if self.start_date.is_some_and(|s| s <= now) {
            self.start_date = None;
        }
        self
    }
}

/// The cron schedule of `r`. Per frequency (M H = the time's minute and hour):
/// - daily: `cron(M H * * ? *)`; interval N fires daily, N−1 of N filtered out.
/// - weekly: `cron(M H ? * MON,WED *)`; interval N fires every week.
/// - monthly: day 1–28 → that day; 31 or -1 → `L`; 29 → `28-29`, 30 → `28-30`
///   (a short month's last day is its 28th or 29th; the filter keeps the one
///   that is the occurrence). Month `*`, or `a/N` when N divides 12.
/// - yearly: `cron(M H D MON ? *)` with `L` when the day is at or past the
///   month's longest length (Feb 29–31 → `L`: Feb 28 or 29); interval N fires
///   every year.
pub fn scheduler_plan(r: &Recurrence) -> SchedulerPlan {
    let c = r.calendar();
    let (dom, month, dow) = match c.pattern {
        Pattern::Daily => ("*".to_string(), "*".to_string(), "?".to_string()),
        Pattern::Weekly(days) => {
            ("?".to_string(), "*".to_string(), days.iter().map(weekday_name).collect::<Vec<_>>().join(","))
        }
        Pattern::Monthly(day) => (monthly_days(day), monthly_months(c.interval, c.start), "?".to_string()),
        Pattern::Yearly { month, day } => (yearly_day(month, day), month.to_string(), "?".to_string()),
    };
    let time = r.time();
    let tz = r.timezone();
    let start_of = |d: Date| d.to_zoned(tz.clone()).ok().map(|z| z.timestamp());
    SchedulerPlan {
        expression: format!("cron({} {} {dom} {month} {dow} *)", time.minute(), time.hour()),
        timezone: r.timezone_name().to_string(),
        start_date: start_of(c.start),
        end_date: c.end.and_then(|e| e.tomorrow().ok()).and_then(start_of),
    }
}

fn monthly_days(day: MonthDay) -> String {
    match day {
        MonthDay::Last | MonthDay::Day(31) => "L".to_string(),
        MonthDay::Day(d) if d <= 28 => d.to_string(),
        MonthDay::Day(d) => format!("28-{d}"),
    }
}

/// Months of a monthly recurrence. When N divides 12 the kept months repeat
/// every year, so `a/N` (a, a+N, … ≤ 12) names them exactly.
fn monthly_months(interval: u32, start: Date) -> String {
    match interval {
        1 => "*".to_string(),
        12 => start.month().to_string(),
        n if 12 % n == 0 => format!("{}/{n}", (start.month() as u32 - 1) % n + 1),
        _ => "*".to_string(),
    }
}

fn yearly_day(month: i8, day: MonthDay) -> String {
    // The longest this month ever is (February: 29, in leap years).
    let longest = days_in_month(2000, month);
    match day {
        MonthDay::Day(d) if d < longest => d.to_string(),
        _ => "L".to_string(),
    }
}

/// Whether EventBridge's cron firing for an occurrence on `date` is unusable:
/// skipped (gap) or at an unspecified one of two instants (overlap).
fn needs_fixup(r: &Recurrence, date: Date, time: Time) -> bool {
    matches!(dst::classify(r.timezone(), date.to_datetime(time)), WallTime::InGap | WallTime::InOverlap)
}

/// One-time `at()` instants (UTC) to schedule so that occurrences EventBridge's
/// cron would get wrong still run as SPEC says: the occurrences in
/// `(after, until]` whose wall time falls in a DST gap (cron skips them; the
/// instant is the wall time moved forward by the gap) or in an overlap (cron
/// fires once at either instant; this is the earlier one, and the later cron
/// firing then maps to the same date and is deduplicated). In order.
pub fn gap_fixups(r: &Recurrence, after: Timestamp, until: Timestamp) -> Vec<Timestamp> {
    let margin = jiff::SignedDuration::from_hours(48);
    let from = after.checked_sub(margin).unwrap_or(after);
    let to = until.checked_add(margin).unwrap_or(until);
    let mut out: Vec<Timestamp> = dst::jumps_from(r.timezone(), from)
        .take_while(|jump| jump.at <= to)
        .flat_map(|jump| jump.dates())
        .filter(|date| needs_fixup(r, *date, r.time()))
        .filter_map(|date| r.occurrence_on(date))
        .map(|o| o.at)
        .filter(|at| *at > after && *at <= until)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The first [`gap_fixups`] instant after `after`, for keeping one `at()`
/// schedule arranged one fix-up ahead. Looks through the recurrence's `end`,
/// or 200 years when it has none (EventBridge's year field stops at 2199).
pub fn next_gap_fixup(r: &Recurrence, after: Timestamp) -> Option<Timestamp> {
    let horizon = match r.end() {
        Some(end) => end.tomorrow().ok()?.to_zoned(r.timezone().clone()).ok()?.timestamp(),
        None => after.checked_add(jiff::SignedDuration::from_hours(24 * 366 * 200)).unwrap_or(after),
    };
    let from = after.checked_sub(jiff::SignedDuration::from_hours(48)).unwrap_or(after);
    dst::jumps_from(r.timezone(), from)
        .take_while(|jump| jump.at <= horizon)
        .flat_map(|jump| jump.dates())
        .filter(|date| needs_fixup(r, *date, r.time()))
        .filter_map(|date| r.occurrence_on(date))
        .map(|o| o.at)
        .find(|at| *at > after)
}
