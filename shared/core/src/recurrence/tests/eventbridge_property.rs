//! The property of the Schedules issue: EventBridge's cron, as an independent
//! evaluator runs it (gap times skipped, overlaps fired once), filtered by the
//! engine and completed by the `at()` fix-ups, yields exactly the engine's
//! occurrences over ten years; and each occurrence's earliest firing is at
//! the instant SPEC gives it, whichever overlap instant EventBridge picks.

use std::collections::BTreeMap;

use jiff::civil::{date, Date};
use jiff::tz::{TimeZone, TimeZoneDatabase};
use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value};

use super::cron_eval::{self, OverlapPick};
use super::support::{input, ts};
use crate::recurrence::{gap_fixups, scheduler_plan, Occurrence, Recurrence};

const ZONES: [&str; 6] =
    ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "UTC"];

#[derive(Default, Debug)]
struct Tally {
    occurrences: usize,
    firings: usize,
    filtered_out: usize,
    fixups: usize,
}

/// Checks the property for `r` over the ten years from the plan's StartDate.
fn check(r: &Recurrence, tally: &mut Tally) {
    let plan = scheduler_plan(r);
    let tz: TimeZone = TimeZoneDatabase::bundled().get(&plan.timezone).expect("plan zone");
    let cron = cron_eval::parse(&plan.expression);
    let t0 = plan.start_date.expect("plans here have a StartDate");
    let first_day = t0.to_zoned(tz.clone()).date();
    let last_day = first_day.checked_add(jiff::Span::new().years(10)).unwrap(); // exclusive
    let t1 = last_day.to_zoned(tz.clone()).unwrap().timestamp();
    let before_t0 = t0.checked_sub(SignedDuration::from_nanos(1)).unwrap();

    let expected: Vec<Occurrence> = r.occurrences_after(before_t0).take_while(|o| o.at < t1).collect();
    let fixups = gap_fixups(r, before_t0, t1.checked_sub(SignedDuration::from_nanos(1)).unwrap());
    let context = || format!("{:?} via {} in {}", r.input(), plan.expression, plan.timezone);

    let mut per_pick = Vec::new();
    for pick in [OverlapPick::Earlier, OverlapPick::Later] {
        let firings = cron.firings(&tz, first_day, last_day, plan.start_date, plan.end_date, pick);
        // date → (occurrence, earliest firing that maps to it)
        let mut runs: BTreeMap<Date, (Occurrence, Timestamp)> = BTreeMap::new();
        let mut filtered_out = 0;
        for f in &firings {
            match r.occurrence_for_firing(*f) {
                Some(o) => {
                    let e = runs.entry(o.date).or_insert((o, *f));
                    e.1 = e.1.min(*f);
                }
                None => filtered_out += 1,
            }
        }
        for x in &fixups {
            let o = r.occurrence_for_firing(*x).unwrap_or_else(|| panic!("fix-up {x} is no occurrence: {}", context()));
            assert_eq!(o.at, *x, "a fix-up fires at its occurrence's instant: {}", context());
            let e = runs.entry(o.date).or_insert((o, *x));
            e.1 = e.1.min(*x);
        }
        let got: Vec<Occurrence> = runs.values().map(|(o, _)| *o).collect();
        if got != expected {
            let g: std::collections::BTreeSet<_> = got.iter().collect();
            let e: std::collections::BTreeSet<_> = expected.iter().collect();
            panic!(
                "{pick:?}: cron+filter+fixups ≠ engine for {}\n  missing: {:?}\n  extra: {:?}",
                context(),
                e.difference(&g).take(5).collect::<Vec<_>>(),
                g.difference(&e).take(5).collect::<Vec<_>>()
            );
        }
        // SPEC's instant: the first firing of each occurrence is its `at`
        // (gap: the fix-up; overlap: the fix-up at the earlier instant).
        for (o, first) in runs.values() {
            assert_eq!(*first, o.at, "{pick:?}: {} first fires at {first}, not {}: {}", o.date, o.at, context());
        }
        per_pick.push(got);
        tally.firings += firings.len();
        tally.filtered_out += filtered_out;
    }
    // Which overlap instant EventBridge uses does not change the result.
    assert_eq!(per_pick[0], per_pick[1], "{}", context());
    tally.occurrences += expected.len();
    tally.fixups += fixups.len();
}

fn parse(v: Value) -> Recurrence {
    input(v.clone()).parse(ts("2026-01-01T00:00:00Z")).unwrap_or_else(|e| panic!("{v}: {e}"))
}

#[test]
fn cron_plus_filter_plus_fixups_is_exactly_the_engine_for_fixed_cases_in_every_zone() {
    let started = std::time::Instant::now();
    let mut tally = Tally::default();
    let times =
        ["00:00", "00:30", "01:30", "01:45", "02:00", "02:15", "02:30", "02:45", "03:00", "03:30", "03:45", "23:59"];
    for zone in ZONES {
        for time in times {
            let start = "2026-01-01";
            let cases = [
                json!({"frequency": "daily", "time": time, "timezone": zone, "start": start}),
                json!({"frequency": "daily", "interval": 3, "time": time, "timezone": zone, "start": start}),
                json!({"frequency": "weekly", "weekdays": ["SUN"], "time": time, "timezone": zone, "start": start}),
                json!({"frequency": "weekly", "interval": 2, "weekdays": ["SAT", "SUN"], "time": time, "timezone": zone, "start": "2026-03-04"}),
                json!({"frequency": "monthly", "monthDay": 31, "time": time, "timezone": zone, "start": start}),
                json!({"frequency": "monthly", "interval": 5, "monthDay": 29, "time": time, "timezone": zone, "start": start}),
                json!({"frequency": "monthly", "interval": 2, "monthDay": 30, "time": time, "timezone": zone, "start": start}),
                json!({"frequency": "monthly", "interval": 3, "monthDay": -1, "time": time, "timezone": zone, "start": start, "end": "2033-06-30"}),
                json!({"frequency": "yearly", "month": 2, "monthDay": 29, "time": time, "timezone": zone, "start": start}),
                json!({"frequency": "yearly", "month": 3, "monthDay": 29, "time": time, "timezone": zone, "start": start}),
                json!({"frequency": "yearly", "interval": 2, "month": 10, "monthDay": 25, "time": time, "timezone": zone, "start": start}),
            ];
            for v in cases {
                check(&parse(v), &mut tally);
            }
        }
    }
    eprintln!("fixed cases: {tally:?} in {:?}", started.elapsed());
    assert!(tally.fixups > 100, "the cases must exercise DST days: {tally:?}");
}

/// SplitMix64: small, deterministic, good enough to spread cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

fn random_recurrence(rng: &mut Rng) -> Value {
    let zone = rng.pick(&ZONES);
    // Half the times sit in or next to some zone's transition hours.
    let time = if rng.below(2) == 0 {
        rng.pick(&[
            "00:00", "00:59", "01:00", "01:30", "01:59", "02:00", "02:14", "02:30", "02:44", "02:45", "02:59", "03:00",
            "03:44", "03:45", "03:59",
        ])
        .to_string()
    } else {
        format!("{:02}:{:02}", rng.below(24), rng.below(60))
    };
    let interval = if rng.below(3) == 0 { 1 } else { rng.pick(&[2, 3, 4, 5, 6, 7, 12, 13]) };
    let start = date(2024, 1, 1).checked_add(jiff::Span::new().days(rng.below(7 * 365) as i64)).unwrap();
    let mut v = json!({"interval": interval, "time": time, "timezone": zone, "start": start.to_string()});
    match rng.below(4) {
        0 => v["frequency"] = json!("daily"),
        1 => {
            let all = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];
            let mut days: Vec<&str> = all.iter().copied().filter(|_| rng.below(3) == 0).collect();
            if days.is_empty() {
                days.push(rng.pick(&all));
            }
            v["frequency"] = json!("weekly");
            v["weekdays"] = json!(days);
        }
        2 => {
            v["frequency"] = json!("monthly");
            let any = rng.below(31) as i32 + 1;
            v["monthDay"] = json!(rng.pick(&[-1, 1, 15, 28, 29, 30, 31, any]));
        }
        _ => {
            v["frequency"] = json!("yearly");
            let (any_month, any_day) = (rng.below(12) as i32 + 1, rng.below(31) as i32 + 1);
            v["month"] = json!(rng.pick(&[2, 3, 4, 9, 10, 11, any_month]));
            v["monthDay"] = json!(rng.pick(&[-1, 1, 25, 28, 29, 30, 31, any_day]));
        }
    }
    if rng.below(4) == 0 {
        let end = start.checked_add(jiff::Span::new().days(rng.below(8 * 365) as i64)).unwrap();
        v["end"] = json!(end.to_string());
    }
    v
}

#[test]
fn cron_plus_filter_plus_fixups_is_exactly_the_engine_for_random_recurrences() {
    let started = std::time::Instant::now();
    let mut rng = Rng(0x000F_E227_2026);
    let mut tally = Tally::default();
    for _ in 0..300 {
        check(&parse(random_recurrence(&mut rng)), &mut tally);
    }
    eprintln!("random cases: {tally:?} in {:?}", started.elapsed());
    assert!(tally.fixups > 20, "{tally:?}");
}
