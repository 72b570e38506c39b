//! `Recurrence::wall_clock_on`: which runs a DST change moved or doubled,
//! without changing when they run.

use jiff::civil::date;
use serde_json::json;

use super::support::{rec, runs};
use crate::recurrence::WallClock;

#[test]
fn a_run_in_the_spring_gap_is_marked_moved_and_still_runs_an_hour_later() {
    let r = rec(json!({"frequency": "daily", "time": "02:30", "timezone": "America/New_York", "start": "2027-03-13"}));
    assert_eq!(r.wall_clock_on(date(2027, 3, 13)), WallClock::Exact);
    assert_eq!(r.wall_clock_on(date(2027, 3, 14)), WallClock::MovedByGap);
    assert_eq!(r.wall_clock_on(date(2027, 3, 15)), WallClock::Exact);
    // 03:30 EDT on the gap day: 07:30 UTC, as before the flag existed.
    assert_eq!(runs(&r, "2027-03-13T08:00:00Z", 1), ["2027-03-14T07:30:00Z"]);
}

#[test]
fn a_run_in_the_autumn_overlap_is_marked_repeated() {
    let r = rec(json!({"frequency": "daily", "time": "01:30", "timezone": "America/New_York", "start": "2027-11-06"}));
    assert_eq!(r.wall_clock_on(date(2027, 11, 7)), WallClock::RepeatedHour);
    assert_eq!(r.wall_clock_on(date(2027, 11, 8)), WallClock::Exact);
    // The first of the two 01:30s (EDT, UTC-4).
    assert_eq!(runs(&r, "2027-11-07T00:00:00Z", 1), ["2027-11-07T05:30:00Z"]);
}
