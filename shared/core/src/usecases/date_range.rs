//! `range` of a schedule: the local calendar period before (or up to) a run,
//! computed in the schedule's zone at run time and turned into instants.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::model::schedule::DateRange;

/// `(fromDate, toDate)` of a run at `at` (toDate exclusive).
pub fn range_bounds(range: DateRange, tz: &TimeZone, at: Timestamp) -> (Timestamp, Timestamp) {
    let today = at.to_zoned(tz.clone()).date();
    let start_of = |d: Date| -> Timestamp {
        // Midnight can fall in a gap in a few zones; `compatible` moves it forward.
        d.to_zoned(tz.clone()).map(|z| z.timestamp()).unwrap_or(at)
    };
    match range {
        DateRange::PreviousDay => (start_of(today - 1.day()), start_of(today)),
        DateRange::PreviousWeek => {
            let monday = today - (today.weekday().to_monday_zero_offset() as i64).days();
            (start_of(monday - 7.days()), start_of(monday))
        }
        DateRange::PreviousMonth => {
            let first = today.first_of_month();
            (start_of(first - 1.month()), start_of(first))
        }
        DateRange::MonthToDate => (start_of(today.first_of_month()), at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_are_local_calendar_periods() {
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        // Wednesday 2026-04-01 09:00 in Berlin (summer time, +02:00).
        let at = ts("2026-04-01T07:00:00Z");
        assert_eq!(
            range_bounds(DateRange::PreviousDay, &berlin, at),
            (ts("2026-03-30T22:00:00Z"), ts("2026-03-31T22:00:00Z"))
        );
        assert_eq!(
            range_bounds(DateRange::PreviousWeek, &berlin, at),
            (ts("2026-03-22T23:00:00Z"), ts("2026-03-29T22:00:00Z"))
        );
        assert_eq!(
            range_bounds(DateRange::PreviousMonth, &berlin, at),
            (ts("2026-02-28T23:00:00Z"), ts("2026-03-31T22:00:00Z"))
        );
        assert_eq!(range_bounds(DateRange::MonthToDate, &berlin, at), (ts("2026-03-31T22:00:00Z"), at));
    }
}
