//! An independent evaluator of EventBridge Scheduler's cron dialect, for the
//! property test. Written from the documentation only, sharing no code with
//! `eventbridge.rs` (or the rest of the engine):
//!
//! - EventBridge User Guide, "Cron expressions reference": six fields
//!   `minutes hours day-of-month month day-of-week year`; minutes 0–59, hours
//!   0–23, day-of-month 1–31 (`, - * ? / L W`), month 1–12 or JAN–DEC
//!   (`, - * /`), day-of-week 1–7 or SUN–SAT (`, - * ? L #`), year 1970–2199
//!   (`, - * /`); `a/n` is a, a+n, …; one of day-of-month and day-of-week must
//!   be `?`; `L` in day-of-month is the last day of the month.
//! - EventBridge Scheduler User Guide, "Daylight savings time": a cron time on
//!   a non-existent local time (a gap) is skipped; in an overlap the schedule
//!   runs once (which instant is not said, so the caller picks).
//!
//! `W`, `#` and `L` in day-of-week are not needed by Ferry's plans and panic.

use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OverlapPick {
    Earlier,
    Later,
}

#[derive(Debug)]
enum DayOfMonth {
    Unspecified,
    Days(Vec<bool>), // index 1..=31
    Last,
}

#[derive(Debug)]
pub(super) struct Cron {
    minutes: Vec<bool>,
    hours: Vec<bool>,
    day_of_month: DayOfMonth,
    months: Vec<bool>,               // 1..=12
    days_of_week: Option<Vec<bool>>, // 1..=7 = SUN..SAT; None = `?`
    years: Vec<bool>,                // index year - 1970
}

const MONTH_NAMES: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAY_NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// One field's set of values in `min..=max`: `*`, `a`, `a-b`, `a/n`, `a-b/n`,
/// `*/n`, comma lists; `names[i]` spells `min + i`.
fn field(text: &str, min: u32, max: u32, names: &[&str]) -> Vec<bool> {
    let value = |s: &str| -> u32 {
        let v = match names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
            Some(i) => min + i as u32,
            None => s.parse().unwrap_or_else(|_| panic!("not a value: {s:?} in {text:?}")),
        };
        assert!((min..=max).contains(&v), "{v} outside {min}-{max} in {text:?}");
        v
    };
    let mut set = vec![false; max as usize + 1];
    for item in text.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().unwrap_or_else(|_| panic!("bad step in {text:?}"))),
            None => (item, 1),
        };
        assert!(step >= 1, "step 0 in {text:?}");
        let (lo, hi) = match range {
            "*" => (min, max),
            r => match r.split_once('-') {
                Some((a, b)) => (value(a), value(b)),
                // `a/n` runs from a to the field's end; a plain `a` is just a.
                None if item.contains('/') => (value(r), max),
                None => (value(r), value(r)),
            },
        };
        assert!(lo <= hi, "descending range in {text:?}");
        let mut v = lo;
        while v <= hi {
            set[v as usize] = true;
            v += step;
        }
    }
    set
}

/// Parses `cron(m h dom mon dow year)`; panics on anything EventBridge rejects.
pub(super) fn parse(expression: &str) -> Cron {
    let inner = expression.strip_prefix("cron(").and_then(|e| e.strip_suffix(')')).expect("cron(...)");
    let f: Vec<&str> = inner.split(' ').collect();
    assert_eq!(f.len(), 6, "six fields in {expression}");
    assert!(f.iter().all(|x| !x.is_empty()), "single spaces in {expression}");
    assert!((f[2] == "?") != (f[4] == "?"), "exactly one of day-of-month / day-of-week is ? in {expression}");
    // (Day names like WED contain a W, so only day-of-month is checked for it.)
    assert!(!f[2].contains('W'), "W in day-of-month not supported by this evaluator");
    assert!(!f[4].contains('#'), "# in day-of-week not supported by this evaluator");
    let day_of_month = match f[2] {
        "?" => DayOfMonth::Unspecified,
        "L" => DayOfMonth::Last,
        t => {
            assert!(!t.contains('L'), "L combined with other days in {expression}");
            DayOfMonth::Days(field(t, 1, 31, &[]))
        }
    };
    let days_of_week = match f[4] {
        "?" => None,
        t => {
            assert!(!t.contains('L'), "L in day-of-week not supported by this evaluator");
            Some(field(t, 1, 7, &DAY_NAMES))
        }
    };
    let years_abs = field(f[5], 1970, 2199, &[]);
    Cron {
        minutes: field(f[0], 0, 59, &[]),
        hours: field(f[1], 0, 23, &[]),
        day_of_month,
        months: field(f[3], 1, 12, &MONTH_NAMES),
        days_of_week,
        years: years_abs[1970..].to_vec(),
    }
}

impl Cron {
    fn matches_day(&self, d: Date) -> bool {
        let year_ok = (1970..=2199).contains(&d.year()) && self.years[(d.year() - 1970) as usize];
        let dom_ok = match &self.day_of_month {
            DayOfMonth::Unspecified => true,
            DayOfMonth::Last => d == d.last_of_month(),
            DayOfMonth::Days(set) => set[d.day() as usize],
        };
        let dow_ok = match &self.days_of_week {
            None => true,
            Some(set) => set[d.weekday().to_sunday_one_offset() as usize],
        };
        year_ok && self.months[d.month() as usize] && dom_ok && dow_ok
    }

    /// Every instant EventBridge would invoke the target for local dates
    /// `from..until` in `tz`, within `[start_date, end_date)`: wall times in a
    /// gap are skipped, a wall time in an overlap fires once, at `pick`.
    pub(super) fn firings(
        &self,
        tz: &TimeZone,
        from: Date,
        until: Date,
        start_date: Option<Timestamp>,
        end_date: Option<Timestamp>,
        pick: OverlapPick,
    ) -> Vec<Timestamp> {
        let hours: Vec<i8> = (0..24).filter(|h| self.hours[*h as usize]).collect();
        let minutes: Vec<i8> = (0..60).filter(|m| self.minutes[*m as usize]).collect();
        let mut out = Vec::new();
        let mut day = from;
        while day < until {
            if self.matches_day(day) {
                for &h in &hours {
                    for &m in &minutes {
                        let wall = DateTime::from_parts(day, jiff::civil::time(h, m, 0, 0));
                        let instant = match tz.to_ambiguous_timestamp(wall).offset() {
                            AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(wall).ok(),
                            AmbiguousOffset::Gap { .. } => None,
                            AmbiguousOffset::Fold { before, after } => {
                                // `before` is the offset in force before the
                                // transition, i.e. the earlier of the two instants.
                                let offset = if pick == OverlapPick::Earlier { before } else { after };
                                offset.to_timestamp(wall).ok()
                            }
                        };
                        let Some(instant) = instant else { continue };
                        if start_date.is_some_and(|s| instant < s) || end_date.is_some_and(|e| instant >= e) {
                            continue;
                        }
                        out.push(instant);
                    }
                }
            }
            day = day.tomorrow().unwrap();
        }
        out
    }
}

#[cfg(test)]
mod unit {
    use super::*;
    use jiff::civil::date;

    fn tz(name: &str) -> TimeZone {
        jiff::tz::TimeZoneDatabase::bundled().get(name).unwrap()
    }

    #[test]
    fn the_evaluator_reads_the_documented_examples() {
        // "cron(0 18 ? * MON-FRI *)": 18:00 on weekdays.
        let c = parse("cron(0 18 ? * MON-FRI *)");
        let f = c.firings(&TimeZone::UTC, date(2026, 1, 1), date(2026, 1, 8), None, None, OverlapPick::Earlier);
        let days: Vec<i8> = f.iter().map(|t| t.to_zoned(TimeZone::UTC).day()).collect();
        assert_eq!(days, [1, 2, 5, 6, 7]); // Thu, Fri, Mon, Tue, Wed
                                           // "1/10" in minutes: 1, 11, 21, …
        let c = parse("cron(1/10 0 1 1 ? 2026)");
        let f = c.firings(&TimeZone::UTC, date(2026, 1, 1), date(2026, 1, 2), None, None, OverlapPick::Earlier);
        assert_eq!(f.len(), 6);
        // L is the last day; 1 = SUN.
        let c = parse("cron(0 0 L 2 ? *)");
        let f = c.firings(&TimeZone::UTC, date(2028, 1, 1), date(2028, 12, 31), None, None, OverlapPick::Earlier);
        assert_eq!(f, ["2028-02-29T00:00:00Z".parse::<Timestamp>().unwrap()]);
        let c = parse("cron(0 0 ? * 1 *)");
        let f = c.firings(&TimeZone::UTC, date(2026, 3, 1), date(2026, 3, 8), None, None, OverlapPick::Earlier);
        assert_eq!(f, ["2026-03-01T00:00:00Z".parse::<Timestamp>().unwrap()]);
    }

    #[test]
    fn the_evaluator_skips_gap_times_and_fires_once_in_an_overlap() {
        let berlin = tz("Europe/Berlin");
        let c = parse("cron(30 2 * * ? *)");
        let spring = c.firings(&berlin, date(2026, 3, 28), date(2026, 3, 31), None, None, OverlapPick::Earlier);
        assert_eq!(spring.len(), 2, "03-29 02:30 does not exist: {spring:?}");
        for (pick, expected) in
            [(OverlapPick::Earlier, "2026-10-25T00:30:00Z"), (OverlapPick::Later, "2026-10-25T01:30:00Z")]
        {
            let fall = c.firings(&berlin, date(2026, 10, 25), date(2026, 10, 26), None, None, pick);
            assert_eq!(fall, [expected.parse::<Timestamp>().unwrap()]);
        }
    }

    #[test]
    #[should_panic(expected = "exactly one of day-of-month / day-of-week")]
    fn the_evaluator_rejects_both_day_fields() {
        parse("cron(0 0 * * MON *)");
    }
}
