//! From a local date and wall-clock time to an instant, under SPEC's DST rule.
//!
//! - In a gap (the wall time does not exist) the time moves forward by the
//!   gap's length: 02:30 on a day that jumps 02:00→03:00 runs at 03:30, and on
//!   Lord Howe's 30-minute jump 02:15 runs at 02:45. That is RFC 5545 §3.3.5
//!   ("the DATE-TIME value is interpreted using the UTC offset before the gap")
//!   and Temporal's `compatible`.
//! - In an overlap (the wall time happens twice) the earlier instant.
//!
//! jiff's `Disambiguation::Compatible` is exactly this pair of rules.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{AmbiguousOffset, Disambiguation, TimeZone};
use jiff::{SignedDuration, Timestamp};

/// How a wall-clock time maps onto the time line in a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WallTime {
    /// Exactly one instant.
    Unique,
    /// No instant: skipped by a forward transition.
    InGap,
    /// Two instants: repeated by a backward transition.
    InOverlap,
}

/// The instant of `date` at `time` in `tz` (gap: forward by its length;
/// overlap: the earlier). `None` only at the edges of jiff's range.
pub(crate) fn instant_of(tz: &TimeZone, date: Date, time: Time) -> Option<Timestamp> {
    tz.to_ambiguous_timestamp(date.to_datetime(time)).disambiguate(Disambiguation::Compatible).ok()
}

pub(crate) fn classify(tz: &TimeZone, wall: DateTime) -> WallTime {
    match tz.to_ambiguous_timestamp(wall).offset() {
        AmbiguousOffset::Unambiguous { .. } => WallTime::Unique,
        AmbiguousOffset::Gap { .. } => WallTime::InGap,
        AmbiguousOffset::Fold { .. } => WallTime::InOverlap,
    }
}

/// A change of a zone's UTC offset: a forward jump (a gap) or a backward one
/// (an overlap), with the local dates its wall-clock range touches (one, or
/// two when it straddles midnight). Only on these dates can a wall time be in
/// a gap or an overlap, so DST work scans jumps, not every day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Jump {
    pub(crate) at: Timestamp,
    pub(crate) first_date: Date,
    pub(crate) last_date: Date,
}

impl Jump {
    pub(crate) fn dates(self) -> impl Iterator<Item = Date> {
        std::iter::successors(Some(self.first_date), move |d| d.tomorrow().ok().filter(|n| *n <= self.last_date))
    }
}

/// The jumps of `tz` at or after `from`, in order (endless for zones with DST
/// rules: bound it with `take_while`).
pub(crate) fn jumps_from(tz: &TimeZone, from: Timestamp) -> impl Iterator<Item = Jump> + '_ {
    // `following` is strictly after its argument.
    let start = from.checked_sub(SignedDuration::from_nanos(1)).unwrap_or(from);
    tz.following(start).filter_map(move |transition| {
        let at = transition.timestamp();
        let before = tz.to_offset(at.checked_sub(SignedDuration::from_nanos(1)).ok()?);
        let after = transition.offset();
        if before == after {
            return None; // only the abbreviation or the DST flag changed
        }
        let a = at.to_zoned(TimeZone::fixed(before)).date();
        let b = at.to_zoned(TimeZone::fixed(after)).date();
        Some(Jump { at, first_date: a.min(b), last_date: a.max(b) })
    })
}

#[cfg(test)]
mod unit {
    use super::*;
    use jiff::civil::{date, time};

    fn tz(name: &str) -> TimeZone {
        crate::recurrence::time_zone(name).unwrap()
    }

    #[test]
    fn a_wall_time_in_a_gap_moves_forward_by_the_gap_length() {
        let at = instant_of(&tz("Europe/Berlin"), date(2026, 3, 29), time(2, 30, 0, 0)).unwrap();
        assert_eq!(at.to_string(), "2026-03-29T01:30:00Z"); // 03:30 CEST
        let at = instant_of(&tz("Australia/Lord_Howe"), date(2026, 10, 4), time(2, 15, 0, 0)).unwrap();
        assert_eq!(at.to_zoned(tz("Australia/Lord_Howe")).time(), time(2, 45, 0, 0));
    }

    #[test]
    fn a_wall_time_in_an_overlap_takes_the_earlier_instant() {
        let at = instant_of(&tz("Europe/Berlin"), date(2026, 10, 25), time(2, 30, 0, 0)).unwrap();
        assert_eq!(at.to_string(), "2026-10-25T00:30:00Z"); // 02:30 CEST, not CET
    }

    #[test]
    fn jumps_are_found_with_the_days_they_touch() {
        let from: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let to: Timestamp = "2027-01-01T00:00:00Z".parse().unwrap();
        let berlin = tz("Europe/Berlin");
        let dates: Vec<Date> = jumps_from(&berlin, from).take_while(|j| j.at <= to).flat_map(Jump::dates).collect();
        assert_eq!(dates, vec![date(2026, 3, 29), date(2026, 10, 25)]);
        assert_eq!(jumps_from(&tz("Asia/Kolkata"), from).next(), None);
        assert_eq!(jumps_from(&TimeZone::UTC, from).next(), None);
        let samoa = tz("Pacific/Apia"); // skipped 2011-12-30 entirely
        let jump = jumps_from(&samoa, "2011-12-01T00:00:00Z".parse().unwrap()).next().unwrap();
        assert_eq!(jump.dates().collect::<Vec<_>>(), vec![date(2011, 12, 30), date(2011, 12, 31)]);
        assert_eq!(classify(&tz("America/New_York"), date(2026, 3, 8).at(2, 30, 0, 0)), WallTime::InGap);
        assert_eq!(classify(&tz("America/New_York"), date(2026, 11, 1).at(1, 30, 0, 0)), WallTime::InOverlap);
        assert_eq!(classify(&tz("America/New_York"), date(2026, 11, 1).at(2, 30, 0, 0)), WallTime::Unique);
    }
}
