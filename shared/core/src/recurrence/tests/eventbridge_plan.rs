//! The EventBridge translation by example: the expression for each frequency,
//! the StartDate/EndDate bounds, and the `at()` fix-ups of DST days.

use serde_json::json;

use super::support::{rec, ts};
use crate::recurrence::{gap_fixups, next_gap_fixup, scheduler_plan, SchedulerPlan};

fn expression(v: serde_json::Value) -> String {
    scheduler_plan(&rec(v)).expression
}

#[test]
fn each_frequency_maps_to_a_cron_that_covers_every_occurrence() {
    let tz = "Europe/Berlin";
    let s = "2026-03-01";
    let cases = [
        (json!({"frequency": "daily", "time": "09:05", "timezone": tz, "start": s}), "cron(5 9 * * ? *)"),
        (
            json!({"frequency": "daily", "interval": 3, "time": "00:00", "timezone": tz, "start": s}),
            "cron(0 0 * * ? *)",
        ),
        (
            json!({"frequency": "weekly", "weekdays": ["SUN", "MON", "WED"], "time": "23:59", "timezone": tz, "start": s}),
            "cron(59 23 ? * MON,WED,SUN *)",
        ),
        (
            json!({"frequency": "weekly", "interval": 2, "weekdays": ["FRI"], "time": "02:30", "timezone": tz, "start": s}),
            "cron(30 2 ? * FRI *)",
        ),
        (
            json!({"frequency": "monthly", "monthDay": 15, "time": "09:00", "timezone": tz, "start": s}),
            "cron(0 9 15 * ? *)",
        ),
        (
            json!({"frequency": "monthly", "monthDay": 28, "time": "09:00", "timezone": tz, "start": s}),
            "cron(0 9 28 * ? *)",
        ),
        (
            json!({"frequency": "monthly", "monthDay": 29, "time": "09:00", "timezone": tz, "start": s}),
            "cron(0 9 28-29 * ? *)",
        ),
        (
            json!({"frequency": "monthly", "monthDay": 30, "time": "09:00", "timezone": tz, "start": s}),
            "cron(0 9 28-30 * ? *)",
        ),
        (
            json!({"frequency": "monthly", "monthDay": 31, "time": "09:00", "timezone": tz, "start": s}),
            "cron(0 9 L * ? *)",
        ),
        (
            json!({"frequency": "monthly", "monthDay": -1, "time": "09:00", "timezone": tz, "start": s}),
            "cron(0 9 L * ? *)",
        ),
        // Intervals dividing 12 repeat the same months every year: `a/N`.
        (
            json!({"frequency": "monthly", "interval": 2, "monthDay": 1, "time": "09:00", "timezone": tz, "start": s}),
            "cron(0 9 1 1/2 ? *)",
        ),
        (
            json!({"frequency": "monthly", "interval": 3, "monthDay": 1, "time": "09:00", "timezone": tz, "start": "2026-05-20"}),
            "cron(0 9 1 2/3 ? *)",
        ),
        (
            json!({"frequency": "monthly", "interval": 12, "monthDay": 1, "time": "09:00", "timezone": tz, "start": s}),
            "cron(0 9 1 3 ? *)",
        ),
        (
            json!({"frequency": "monthly", "interval": 5, "monthDay": 1, "time": "09:00", "timezone": tz, "start": s}),
            "cron(0 9 1 * ? *)",
        ),
        (
            json!({"frequency": "yearly", "month": 7, "monthDay": 4, "time": "09:00", "timezone": tz, "start": s}),
            "cron(0 9 4 7 ? *)",
        ),
        (
            json!({"frequency": "yearly", "month": 2, "monthDay": 29, "time": "09:00", "timezone": tz, "start": s}),
            "cron(0 9 L 2 ? *)",
        ),
        (
            json!({"frequency": "yearly", "month": 2, "monthDay": 28, "time": "09:00", "timezone": tz, "start": s}),
            "cron(0 9 28 2 ? *)",
        ),
        (
            json!({"frequency": "yearly", "interval": 4, "month": 4, "monthDay": 31, "time": "09:00", "timezone": tz, "start": s}),
            "cron(0 9 L 4 ? *)",
        ),
    ];
    for (v, expected) in cases {
        assert_eq!(expression(v.clone()), expected, "{v}");
    }
}

#[test]
fn the_plan_is_bounded_by_the_start_and_end_days_in_the_zone() {
    let r = rec(
        json!({"frequency": "daily", "time": "09:00", "timezone": "America/New_York", "start": "2026-03-01", "end": "2026-03-31"}),
    );
    assert_eq!(
        scheduler_plan(&r),
        SchedulerPlan {
            expression: "cron(0 9 * * ? *)".into(),
            timezone: "America/New_York".into(),
            start_date: Some(ts("2026-03-01T05:00:00Z")),
            end_date: Some(ts("2026-04-01T04:00:00Z")), // midnight EDT after the end day
        }
    );
    let plan = scheduler_plan(&r);
    assert_eq!(plan.clone().starting_no_earlier_than(ts("2026-02-01T00:00:00Z")).start_date, plan.start_date);
    assert_eq!(plan.starting_no_earlier_than(ts("2026-03-02T00:00:00Z")).start_date, None);
    let open = rec(json!({"frequency": "daily", "time": "09:00", "timezone": "UTC", "start": "2026-03-01"}));
    assert_eq!(scheduler_plan(&open).end_date, None);
}

#[test]
fn fixups_cover_the_gap_and_overlap_days_and_nothing_else() {
    let r = rec(json!({"frequency": "daily", "time": "02:30", "timezone": "Europe/Berlin", "start": "2026-01-01"}));
    let fixups = gap_fixups(&r, ts("2026-01-01T00:00:00Z"), ts("2027-01-01T00:00:00Z"));
    // The gap day at 03:30 CEST, the overlap day at the earlier 02:30 CEST.
    assert_eq!(fixups, [ts("2026-03-29T01:30:00Z"), ts("2026-10-25T00:30:00Z")]);
    // (after, until]: the bounds are respected exactly.
    assert_eq!(gap_fixups(&r, ts("2026-03-29T01:30:00Z"), ts("2026-10-25T00:30:00Z")), [ts("2026-10-25T00:30:00Z")]);
    assert_eq!(next_gap_fixup(&r, ts("2026-03-29T01:30:00Z")), Some(ts("2026-10-25T00:30:00Z")));
    // A time outside the transition hour needs none.
    let r = rec(json!({"frequency": "daily", "time": "04:00", "timezone": "Europe/Berlin", "start": "2026-01-01"}));
    assert!(gap_fixups(&r, ts("2026-01-01T00:00:00Z"), ts("2036-01-01T00:00:00Z")).is_empty());
    assert_eq!(next_gap_fixup(&r, ts("2026-01-01T00:00:00Z")), None);
    // Weekly on Wednesdays never meets Berlin's Sunday transitions.
    let r = rec(
        json!({"frequency": "weekly", "weekdays": ["WED"], "time": "02:30", "timezone": "Europe/Berlin", "start": "2026-01-01"}),
    );
    assert_eq!(next_gap_fixup(&r, ts("2026-01-01T00:00:00Z")), None);
    // Lord Howe: 02:15 in the half-hour gap, 01:45 in the half-hour overlap.
    let r =
        rec(json!({"frequency": "daily", "time": "02:15", "timezone": "Australia/Lord_Howe", "start": "2026-01-01"}));
    assert_eq!(next_gap_fixup(&r, ts("2026-01-01T00:00:00Z")), Some(ts("2026-10-03T15:45:00Z")));
    // An ended recurrence has no fix-up after its end.
    let r = rec(
        json!({"frequency": "daily", "time": "02:30", "timezone": "Europe/Berlin", "start": "2026-01-01", "end": "2026-03-28"}),
    );
    assert_eq!(next_gap_fixup(&r, ts("2026-01-01T00:00:00Z")), None);
}

#[test]
fn every_fixup_maps_back_to_its_occurrence() {
    let r = rec(json!({"frequency": "daily", "time": "02:45", "timezone": "Pacific/Chatham", "start": "2026-01-01"}));
    let fixups = gap_fixups(&r, ts("2026-01-01T00:00:00Z"), ts("2036-01-01T00:00:00Z"));
    // 02:45 is the first minute of both Chatham's gap (02:45→03:45 in
    // September) and its overlap (03:45→02:45 in April): two a year.
    assert_eq!(fixups.len(), 20, "{fixups:?}");
    for at in fixups {
        let o = r.occurrence_for_firing(at).expect("a fix-up is an occurrence");
        assert_eq!(o.at, at);
    }
}
