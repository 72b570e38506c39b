//! SPEC's rules as tables of exact answers: DST gap and overlap days, month
//! ends, leap years, `interval` for each frequency, `start` and `end`.

use jiff::civil::date;
use serde_json::json;

use super::support::{dates, rec, runs, ts, NOW};
use crate::recurrence::{Occurrence, RecurrenceInput};

fn daily(time: &str, tz: &str, start: &str) -> serde_json::Value {
    json!({"frequency": "daily", "time": time, "timezone": tz, "start": start})
}

#[test]
fn berlin_daily_0230_on_the_2026_gap_runs_at_0330_and_on_the_overlap_at_the_earlier_0230() {
    let r = rec(daily("02:30", "Europe/Berlin", "2026-01-01"));
    // 2026-03-29 02:00 CET → 03:00 CEST: 02:30 does not exist, runs 03:30 CEST.
    assert_eq!(
        runs(&r, "2026-03-27T00:00:00Z", 4),
        ["2026-03-27T01:30:00Z", "2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"]
    );
    // 2026-10-25 03:00 CEST → 02:00 CET: 02:30 happens twice, runs at 02:30 CEST.
    assert_eq!(
        runs(&r, "2026-10-24T00:00:00Z", 3),
        ["2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]
    );
    // Exactly once on the overlap day.
    assert_eq!(dates(&r, "2026-10-24T00:00:00Z", 3), ["2026-10-24", "2026-10-25", "2026-10-26"]);
}

#[test]
fn new_york_daily_0230_on_the_2026_gap_runs_at_0330_and_0130_on_the_overlap_runs_at_the_earlier() {
    let r = rec(daily("02:30", "America/New_York", "2026-01-01"));
    // 2026-03-08 02:00 EST → 03:00 EDT.
    assert_eq!(
        runs(&r, "2026-03-07T00:00:00Z", 3),
        ["2026-03-07T07:30:00Z", "2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"]
    );
    // 2026-11-01 02:00 EDT → 01:00 EST: 02:30 is after the repeated hour, so plain EST.
    assert_eq!(
        runs(&r, "2026-10-31T00:00:00Z", 3),
        ["2026-10-31T06:30:00Z", "2026-11-01T07:30:00Z", "2026-11-02T07:30:00Z"]
    );
    // 01:30 is inside New York's repeated hour: the earlier, EDT instant.
    let r = rec(daily("01:30", "America/New_York", "2026-01-01"));
    assert_eq!(
        runs(&r, "2026-10-31T00:00:00Z", 3),
        ["2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"]
    );
}

#[test]
fn lord_howe_half_hour_gap_moves_0215_to_0245_and_its_half_hour_overlap_takes_the_earlier() {
    let r = rec(daily("02:15", "Australia/Lord_Howe", "2026-01-01"));
    // 2026-10-04 02:00 +10:30 → 02:30 +11.
    let gap_day = r.occurrence_on(date(2026, 10, 4)).unwrap();
    assert_eq!(gap_day.at, ts("2026-10-03T15:45:00Z")); // 02:45 +11
    assert_eq!(gap_day.at.to_zoned(r.timezone().clone()).time(), jiff::civil::time(2, 45, 0, 0));
    // 2026-04-05 02:00 +11 → 01:30 +10:30: 01:45 happens twice.
    let r = rec(daily("01:45", "Australia/Lord_Howe", "2026-01-01"));
    assert_eq!(r.occurrence_on(date(2026, 4, 5)).unwrap().at, ts("2026-04-04T14:45:00Z"));
    // +11
}

#[test]
fn chatham_gap_at_0245_moves_0300_to_0400() {
    // 2026-09-27 02:45 +12:45 → 03:45 +13:45.
    let r = rec(daily("03:00", "Pacific/Chatham", "2026-01-01"));
    assert_eq!(r.occurrence_on(date(2026, 9, 27)).unwrap().at, ts("2026-09-26T14:15:00Z"));
    assert_eq!(r.occurrence_on(date(2026, 9, 28)).unwrap().at, ts("2026-09-27T13:15:00Z"));
}

#[test]
fn kolkata_and_utc_have_no_transitions_so_every_day_is_the_same_offset() {
    let r = rec(daily("02:30", "Asia/Kolkata", "2026-03-01"));
    assert_eq!(runs(&r, "2026-03-01T00:00:00Z", 2), ["2026-03-01T21:00:00Z", "2026-03-02T21:00:00Z"]);
    let r = rec(daily("02:30", "UTC", "2026-03-01"));
    assert_eq!(runs(&r, "2026-03-28T00:00:00Z", 2), ["2026-03-28T02:30:00Z", "2026-03-29T02:30:00Z"]);
}

#[test]
fn the_31st_runs_on_the_last_day_of_february_and_april() {
    let r =
        rec(json!({"frequency": "monthly", "monthDay": 31, "time": "09:00", "timezone": "UTC", "start": "2026-01-01"}));
    assert_eq!(
        dates(&r, "2026-01-01T00:00:00Z", 5),
        ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"]
    );
    assert_eq!(r.occurrence_on(date(2028, 2, 29)).map(|o| o.date), Some(date(2028, 2, 29)));
    assert_eq!(r.occurrence_on(date(2028, 2, 28)), None);
    let r =
        rec(json!({"frequency": "monthly", "monthDay": 30, "time": "09:00", "timezone": "UTC", "start": "2027-12-01"}));
    assert_eq!(dates(&r, "2027-12-01T00:00:00Z", 4), ["2027-12-30", "2028-01-30", "2028-02-29", "2028-03-30"]);
    let r =
        rec(json!({"frequency": "monthly", "monthDay": -1, "time": "09:00", "timezone": "UTC", "start": "2026-01-01"}));
    assert_eq!(dates(&r, "2026-01-01T00:00:00Z", 4), ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"]);
}

#[test]
fn feb_29_yearly_runs_on_feb_28_in_non_leap_years() {
    let r = rec(
        json!({"frequency": "yearly", "month": 2, "monthDay": 29, "time": "08:00", "timezone": "Europe/Berlin", "start": "2026-01-01"}),
    );
    assert_eq!(dates(&r, "2026-01-01T00:00:00Z", 4), ["2026-02-28", "2027-02-28", "2028-02-29", "2029-02-28"]);
    // 2100 is not a leap year (divisible by 100, not 400); 2400 is.
    assert_eq!(r.occurrence_on(date(2100, 2, 28)).map(|o| o.date), Some(date(2100, 2, 28)));
    assert_eq!(r.occurrence_on(date(2400, 2, 29)).map(|o| o.date), Some(date(2400, 2, 29)));
    assert_eq!(r.occurrence_on(date(2400, 2, 28)), None);
    assert_eq!(runs(&r, "2026-01-01T00:00:00Z", 1), ["2026-02-28T07:00:00Z"]);
}

#[test]
fn daily_interval_2_and_3_count_days_from_start() {
    let r =
        rec(json!({"frequency": "daily", "interval": 2, "time": "09:00", "timezone": "UTC", "start": "2026-02-27"}));
    assert_eq!(dates(&r, "2026-01-01T00:00:00Z", 4), ["2026-02-27", "2026-03-01", "2026-03-03", "2026-03-05"]);
    let r =
        rec(json!({"frequency": "daily", "interval": 3, "time": "09:00", "timezone": "UTC", "start": "2026-01-30"}));
    assert_eq!(dates(&r, "2026-01-01T00:00:00Z", 3), ["2026-01-30", "2026-02-02", "2026-02-05"]);
    // Asking from later keeps the phase.
    assert_eq!(dates(&r, "2026-02-03T00:00:00Z", 2), ["2026-02-05", "2026-02-08"]);
}

#[test]
fn weekly_interval_2_and_3_count_monday_weeks_from_the_week_of_start_dropping_days_before_start() {
    // 2026-01-07 is a Wednesday; its week (Mon 01-05) is the first: Mon 01-05 is dropped.
    let r = rec(
        json!({"frequency": "weekly", "interval": 2, "weekdays": ["FRI", "MON"], "time": "09:00", "timezone": "UTC", "start": "2026-01-07"}),
    );
    assert_eq!(
        dates(&r, "2026-01-01T00:00:00Z", 5),
        ["2026-01-09", "2026-01-19", "2026-01-23", "2026-02-02", "2026-02-06"]
    );
    let r = rec(
        json!({"frequency": "weekly", "interval": 3, "weekdays": ["MON", "FRI"], "time": "09:00", "timezone": "UTC", "start": "2026-01-07"}),
    );
    assert_eq!(dates(&r, "2026-01-01T00:00:00Z", 4), ["2026-01-09", "2026-01-26", "2026-01-30", "2026-02-16"]);
    // A Sunday start: its week began on the Monday before.
    let r = rec(
        json!({"frequency": "weekly", "interval": 2, "weekdays": ["SUN", "SAT"], "time": "09:00", "timezone": "UTC", "start": "2026-01-11"}),
    );
    assert_eq!(dates(&r, "2026-01-01T00:00:00Z", 3), ["2026-01-11", "2026-01-24", "2026-01-25"]);
}

#[test]
fn monthly_interval_2_and_3_count_months_from_start_dropping_days_before_start() {
    let r = rec(
        json!({"frequency": "monthly", "interval": 2, "monthDay": 15, "time": "09:00", "timezone": "UTC", "start": "2026-01-20"}),
    );
    assert_eq!(dates(&r, "2026-01-01T00:00:00Z", 3), ["2026-03-15", "2026-05-15", "2026-07-15"]);
    let r = rec(
        json!({"frequency": "monthly", "interval": 3, "monthDay": 31, "time": "09:00", "timezone": "UTC", "start": "2026-01-10"}),
    );
    assert_eq!(
        dates(&r, "2026-01-01T00:00:00Z", 5),
        ["2026-01-31", "2026-04-30", "2026-07-31", "2026-10-31", "2027-01-31"]
    );
}

#[test]
fn yearly_interval_2_and_3_count_years_from_start_dropping_a_date_before_start() {
    let r = rec(
        json!({"frequency": "yearly", "interval": 2, "month": 3, "monthDay": 1, "time": "09:00", "timezone": "UTC", "start": "2026-06-01"}),
    );
    assert_eq!(dates(&r, "2026-01-01T00:00:00Z", 3), ["2028-03-01", "2030-03-01", "2032-03-01"]);
    let r = rec(
        json!({"frequency": "yearly", "interval": 3, "month": 12, "monthDay": -1, "time": "09:00", "timezone": "UTC", "start": "2026-01-01"}),
    );
    assert_eq!(dates(&r, "2026-01-01T00:00:00Z", 3), ["2026-12-31", "2029-12-31", "2032-12-31"]);
}

#[test]
fn end_is_inclusive_and_then_nothing() {
    let r = rec(
        json!({"frequency": "daily", "time": "23:30", "timezone": "America/New_York", "start": "2026-01-01", "end": "2026-01-03"}),
    );
    let all: Vec<Occurrence> = r.occurrences_after(ts("2025-12-01T00:00:00Z")).collect();
    assert_eq!(all.iter().map(|o| o.date.to_string()).collect::<Vec<_>>(), ["2026-01-01", "2026-01-02", "2026-01-03"]);
    // 23:30 EST on the end date is already the next UTC day: still included.
    assert_eq!(all[2].at, ts("2026-01-04T04:30:00Z"));
    assert_eq!(r.occurrences_after(all[2].at).next(), None);
    assert_eq!(r.occurrence_on(date(2026, 1, 4)), None);
    // start == end is one run.
    let r = rec(
        json!({"frequency": "weekly", "weekdays": ["WED"], "time": "09:00", "timezone": "UTC", "start": "2026-01-07", "end": "2026-01-07"}),
    );
    assert_eq!(r.occurrences_after(ts("2026-01-01T00:00:00Z")).count(), 1);
}

#[test]
fn start_defaults_to_today_in_the_zone_and_start_is_inclusive() {
    // NOW is 2026-01-15T12:00Z: already the 16th in Kiritimati (+14).
    let r = rec(json!({"frequency": "daily", "time": "23:00", "timezone": "Pacific/Kiritimati"}));
    assert_eq!(r.input().start.as_deref(), Some("2026-01-16"));
    let r = rec(json!({"frequency": "daily", "time": "13:00", "timezone": "UTC"}));
    assert_eq!(r.input().start.as_deref(), Some("2026-01-15"));
    assert_eq!(runs(&r, NOW, 1), ["2026-01-15T13:00:00Z"]);
    assert_eq!(dates(&r, "2000-01-01T00:00:00Z", 1), ["2026-01-15"]);
}

#[test]
fn a_firing_belongs_to_the_occurrence_of_its_local_date() {
    let r = rec(
        json!({"frequency": "weekly", "interval": 2, "weekdays": ["SUN"], "time": "02:30", "timezone": "Europe/Berlin", "start": "2026-10-19"}),
    );
    let overlap = r.occurrence_on(date(2026, 10, 25)).unwrap();
    assert_eq!(overlap.at, ts("2026-10-25T00:30:00Z"));
    // A minute late, or the later instant of the overlap, is the same occurrence.
    assert_eq!(r.occurrence_for_firing(ts("2026-10-25T00:31:00Z")), Some(overlap));
    assert_eq!(r.occurrence_for_firing(ts("2026-10-25T01:30:00Z")), Some(overlap));
    // The off week (cron fires weekly for interval 2) is not an occurrence.
    assert_eq!(r.occurrence_for_firing(ts("2026-11-01T01:30:00Z")), None);
    assert!(r.occurrence_for_firing(ts("2026-11-08T01:30:00Z")).is_some());
    // Every occurrence's own instant maps back to it.
    for o in r.occurrences_after(ts("2026-01-01T00:00:00Z")).take(200) {
        assert_eq!(r.occurrence_for_firing(o.at), Some(o));
    }
}

#[test]
fn input_is_normalised_and_parses_back_to_the_same_recurrence() {
    let r =
        rec(json!({"frequency": "weekly", "weekdays": ["fri", "MON"], "time": "07:05", "timezone": "europe/berlin"}));
    let normal = r.input();
    assert_eq!(
        serde_json::to_value(&normal).unwrap(),
        json!({"frequency": "weekly", "interval": 1, "weekdays": ["MON", "FRI"], "time": "07:05",
               "timezone": "Europe/Berlin", "start": "2026-01-15", "end": null})
    );
    assert_eq!(r.timezone_name(), "Europe/Berlin");
    let again = normal.parse(ts("2030-01-01T00:00:00Z")).unwrap();
    assert_eq!(again, r);
    let back: RecurrenceInput = serde_json::from_value(serde_json::to_value(&normal).unwrap()).unwrap();
    assert_eq!(back, normal);
}

#[test]
fn the_next_five_of_every_third_week_and_ten_years_of_daily_runs() {
    // How long these take is not asserted here: tests check results, not speed.
    let r = rec(
        json!({"frequency": "weekly", "interval": 3, "weekdays": ["MON", "THU"], "time": "02:30", "timezone": "America/New_York", "start": "2026-01-01"}),
    );
    // Weeks counted from the start's (Monday 2025-12-29): every third one, at 02:30 EDT.
    assert_eq!(
        runs(&r, "2031-06-01T00:00:00Z", 5),
        [
            "2031-06-16T06:30:00Z",
            "2031-06-19T06:30:00Z",
            "2031-07-07T06:30:00Z",
            "2031-07-10T06:30:00Z",
            "2031-07-28T06:30:00Z"
        ]
    );

    let r = rec(daily("02:30", "Europe/Berlin", "2026-01-01"));
    let ten_years = r.occurrences_after(ts("2025-12-31T00:00:00Z")).take_while(|o| o.date < date(2036, 1, 1)).count();
    assert_eq!(ten_years, 3652);
}
