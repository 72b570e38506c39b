//! Which local dates are occurrences: the frequency's pattern, `interval`
//! counted in periods from `start`, and the inclusive `start`/`end` bounds.
//!
//! Pure civil-date arithmetic; time zones enter only in `dst.rs`. Keeping the
//! date rule separate from the clock is what lets an occurrence be identified
//! by its local date (SPEC: "the same date fired twice makes one export").

use jiff::civil::{Date, Weekday};
use jiff::Span;

/// A day of the month as the user chose it. A day past the month's end runs on
/// the month's last day: RFC 7529 `SKIP=BACKWARD`, which SPEC adopts instead of
/// RFC 5545's rule of dropping the invalid date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MonthDay {
    /// 1–31.
    Day(i8),
    /// `-1`: the last day of the month.
    Last,
}

impl MonthDay {
    /// The day of `month` in `year` this resolves to.
    pub(crate) fn in_month(self, year: i16, month: i8) -> i8 {
        let last = days_in_month(year, month);
        match self {
            MonthDay::Last => last,
            MonthDay::Day(d) => d.min(last),
        }
    }

    /// The JSON value (`-1` for the last day).
    pub(crate) fn as_i32(self) -> i32 {
        match self {
            MonthDay::Last => -1,
            MonthDay::Day(d) => i32::from(d),
        }
    }
}

/// A set of weekdays; bit `i` is the weekday `i` days after Monday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WeekdaySet(u8);

impl WeekdaySet {
    pub(crate) fn from_weekdays(days: impl IntoIterator<Item = Weekday>) -> Self {
        WeekdaySet(days.into_iter().fold(0, |bits, d| bits | 1 << d.to_monday_zero_offset()))
    }

    pub(crate) fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.to_monday_zero_offset()) != 0
    }

    /// Monday first.
    pub(crate) fn iter(self) -> impl Iterator<Item = Weekday> {
        (0..7).filter(move |i| self.0 & (1 << i) != 0).map(|i| Weekday::from_monday_zero_offset(i).expect("0..7"))
    }
}

/// The shape of the dates inside one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pattern {
    Daily,
    Weekly(WeekdaySet),
    Monthly(MonthDay),
    Yearly { month: i8, day: MonthDay },
}

/// The date rule of a recurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Calendar {
    pub(crate) pattern: Pattern,
    /// ≥ 1: every Nth period.
    pub(crate) interval: u32,
    pub(crate) start: Date,
    /// Inclusive.
    pub(crate) end: Option<Date>,
}

impl Calendar {
    /// Whether `date` is an occurrence date.
    pub(crate) fn contains(&self, date: Date) -> bool {
        if date < self.start || self.end.is_some_and(|end| date > end) {
            return false;
        }
        if self.period(date).rem_euclid(i64::from(self.interval)) != 0 {
            return false;
        }
        match self.pattern {
            Pattern::Daily => true,
            Pattern::Weekly(days) => days.contains(date.weekday()),
            Pattern::Monthly(day) => date.day() == day.in_month(date.year(), date.month()),
            Pattern::Yearly { month, day } => date.month() == month && date.day() == day.in_month(date.year(), month),
        }
    }

    /// The first occurrence date on or after `from`; `None` past `end` (or past
    /// the end of jiff's calendar, year 9999).
    pub(crate) fn first_on_or_after(&self, from: Date) -> Option<Date> {
        let n = i64::from(self.interval);
        let mut d = from.max(self.start);
        // Each pass either returns or jumps to the start of the next period that
        // the interval keeps, so two or three passes suffice; the bound only
        // guards against a logic error turning into a hang.
        for _ in 0..8 {
            if self.end.is_some_and(|end| d > end) {
                return None;
            }
            let behind = self.period(d).rem_euclid(n);
            let found = match self.pattern {
                Pattern::Daily => {
                    if behind == 0 {
                        Some(d)
                    } else {
                        d = add_days(d, n - behind)?;
                        continue;
                    }
                }
                Pattern::Weekly(days) => {
                    let monday = add_days(d, -i64::from(d.weekday().to_monday_zero_offset()))?;
                    if behind != 0 {
                        d = add_days(monday, 7 * (n - behind))?;
                        continue;
                    }
                    let from_offset = d.weekday().to_monday_zero_offset();
                    match days.iter().map(|w| w.to_monday_zero_offset()).find(|&o| o >= from_offset) {
                        Some(o) => Some(add_days(monday, i64::from(o))?),
                        None => {
                            d = add_days(monday, 7 * n)?;
                            continue;
                        }
                    }
                }
                Pattern::Monthly(day) => {
                    let skip = if behind != 0 { n - behind } else { 0 };
                    let first = add_months(d.first_of_month(), skip)?;
                    let target = first.with().day(day.in_month(first.year(), first.month())).build().ok()?;
                    if target >= d {
                        Some(target)
                    } else {
                        d = add_months(first, n)?;
                        continue;
                    }
                }
                Pattern::Yearly { month, day } => {
                    let skip = if behind != 0 { n - behind } else { 0 };
                    let year = i16::try_from(i64::from(d.year()) + skip).ok()?;
                    let target = Date::new(year, month, day.in_month(year, month)).ok()?;
                    if target >= d {
                        Some(target)
                    } else {
                        d = Date::new(i16::try_from(i64::from(year) + n).ok()?, 1, 1).ok()?;
                        continue;
                    }
                }
            };
            return found.filter(|f| self.end.is_none_or(|end| *f <= end));
        }
        unreachable!("first_on_or_after did not settle for {self:?} from {from}")
    }

    /// The index of the period holding `date`, counted from the period holding
    /// `start` (0). Weeks start on Monday (SPEC; RFC 5545's default WKST=MO).
    fn period(&self, date: Date) -> i64 {
        match self.pattern {
            Pattern::Daily => epoch_day(date) - epoch_day(self.start),
            Pattern::Weekly(_) => (epoch_monday(date) - epoch_monday(self.start)) / 7,
            Pattern::Monthly(_) => month_index(date) - month_index(self.start),
            Pattern::Yearly { .. } => i64::from(date.year()) - i64::from(self.start.year()),
        }
    }
}

pub(crate) fn is_leap_year(year: i16) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub(crate) fn days_in_month(year: i16, month: i8) -> i8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 31,
    }
}

fn epoch_day(date: Date) -> i64 {
    date.duration_since(Date::constant(1970, 1, 1)).as_secs().div_euclid(86_400)
}

fn epoch_monday(date: Date) -> i64 {
    epoch_day(date) - i64::from(date.weekday().to_monday_zero_offset())
}

fn month_index(date: Date) -> i64 {
    i64::from(date.year()) * 12 + i64::from(date.month()) - 1
}

fn add_days(date: Date, days: i64) -> Option<Date> {
    date.checked_add(Span::new().try_days(days).ok()?).ok()
}

/// The first of the month `months` after `first` (which is a first of month).
fn add_months(first: Date, months: i64) -> Option<Date> {
    let index = month_index(first) + months;
    let year = i16::try_from(index.div_euclid(12)).ok()?;
    Date::new(year, (index.rem_euclid(12) + 1) as i8, 1).ok()
}

#[cfg(test)]
mod unit {
    use super::*;
    use jiff::civil::date;

    fn cal(pattern: Pattern, interval: u32, start: Date) -> Calendar {
        Calendar { pattern, interval, start, end: None }
    }

    /// `first_on_or_after` agrees with scanning `contains` day by day.
    #[test]
    fn first_on_or_after_agrees_with_contains_day_by_day() {
        let patterns = [
            Pattern::Daily,
            Pattern::Weekly(WeekdaySet::from_weekdays([Weekday::Tuesday, Weekday::Sunday])),
            Pattern::Monthly(MonthDay::Day(31)),
            Pattern::Monthly(MonthDay::Day(29)),
            Pattern::Monthly(MonthDay::Last),
            Pattern::Yearly { month: 2, day: MonthDay::Day(29) },
            Pattern::Yearly { month: 4, day: MonthDay::Day(31) },
        ];
        for pattern in patterns {
            for interval in [1, 2, 3, 7] {
                let c = Calendar { end: Some(date(2031, 6, 30)), ..cal(pattern, interval, date(2026, 1, 21)) };
                let mut expected = Vec::new();
                let mut d = date(2025, 12, 1);
                while d <= date(2031, 12, 31) {
                    if c.contains(d) {
                        expected.push(d);
                    }
                    d = d.tomorrow().unwrap();
                }
                let mut got = Vec::new();
                let mut from = date(2025, 12, 1);
                while let Some(d) = c.first_on_or_after(from) {
                    got.push(d);
                    from = d.tomorrow().unwrap();
                }
                assert_eq!(got, expected, "{pattern:?} every {interval}");
            }
        }
    }

    #[test]
    fn month_day_past_the_end_of_the_month_is_its_last_day() {
        assert_eq!(MonthDay::Day(31).in_month(2026, 4), 30);
        assert_eq!(MonthDay::Day(30).in_month(2026, 2), 28);
        assert_eq!(MonthDay::Day(30).in_month(2028, 2), 29);
        assert_eq!(MonthDay::Last.in_month(2100, 2), 28);
        assert_eq!(MonthDay::Day(15).in_month(2026, 2), 15);
    }

    #[test]
    fn iteration_stops_at_the_end_of_the_calendar_instead_of_overflowing() {
        let c = cal(Pattern::Yearly { month: 12, day: MonthDay::Last }, 1000, date(9000, 1, 1));
        assert_eq!(c.first_on_or_after(date(9000, 1, 1)), Some(date(9000, 12, 31)));
        assert_eq!(c.first_on_or_after(date(9001, 1, 1)), None);
        let c = cal(Pattern::Daily, 1, date(2026, 1, 1));
        assert_eq!(c.first_on_or_after(date(9999, 12, 31)), Some(date(9999, 12, 31)));
        let c = cal(Pattern::Weekly(WeekdaySet::from_weekdays([Weekday::Monday])), 3, date(9999, 12, 1));
        assert_eq!(c.first_on_or_after(date(9999, 12, 21)), None);
    }
}
