//! libical's RRULE vectors (`fixtures/libical/src/test/`), RFC 5545
//! examples and more, each with the instances libical computes. The cases that
//! say what a Ferry recurrence can say are translated and must give the same
//! instances; floating local times are evaluated in UTC.
//!
//! Mapped: FREQ=DAILY/WEEKLY/MONTHLY/YEARLY with INTERVAL, COUNT (compare the
//! first COUNT), UNTIL (becomes the inclusive `end`), plain BYDAY weekdays for
//! WEEKLY, BYMONTHDAY (1–31 or -1) for MONTHLY/YEARLY, BYMONTH for YEARLY, and
//! RFC 7529 RSCALE=GREGORIAN;SKIP=BACKWARD. Several BYMONTHDAY/BYMONTH values
//! become several Ferry recurrences (a schedule each) whose runs are merged:
//! "the 1st and the last day" is monthDay 1 plus monthDay -1.
//!
//! Skipped, with the reason recorded per case:
//! - FREQ=HOURLY/MINUTELY/SECONDLY, BYHOUR/BYMINUTE/BYSECOND: Ferry runs once
//!   a day at most.
//! - BYSETPOS, BYYEARDAY, BYWEEKNO, ordinal BYDAY (`1FR`, `-1SU`), BY*
//!   filters on DAILY, BYDAY and BYMONTH on MONTHLY: no such field in Ferry.
//! - SKIP=FORWARD: SPEC moves a missing day backward.
//!
//! A month day that some months lack (29–31, e.g. BYMONTHDAY=31 or DTSTART on
//! Jan 31 or Feb 29) without SKIP=BACKWARD is where RFC 5545 and SPEC part:
//! RFC 5545 drops the invalid dates, SPEC runs them on the month's last day.
//! Those cases are checked for exactly that difference: every libical instance
//! is a Ferry run, and every extra Ferry run is a short month's last day.
//! - WKST other than MO with INTERVAL>1: Ferry's weeks start on Monday.
//! - Repeated BYDAY values: Ferry rejects duplicates; negative month days other
//!   than -1: Ferry has only -1.

use std::collections::BTreeMap;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use serde_json::json;

use super::support::{fixtures, input, ts};
use crate::recurrence::{Occurrence, Recurrence};

struct Case {
    comment: String,
    rrule: String,
    dtstart: String,
    instances: String,
}

fn cases(file: &str) -> Vec<Case> {
    let path = fixtures().join("libical/src/test").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("libical fixture {}: {e}", path.display()));
    let mut out = Vec::new();
    let mut comment = String::new();
    let (mut rrule, mut dtstart) = (None, None);
    for line in text.lines() {
        if let Some(c) = line.strip_prefix('#') {
            comment = c.trim().to_string();
        } else if let Some(v) = line.strip_prefix("RRULE:") {
            rrule = Some(v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("DTSTART:") {
            dtstart = Some(v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("INSTANCES:") {
            out.push(Case {
                comment: comment.clone(),
                rrule: rrule.take().expect("RRULE before INSTANCES"),
                dtstart: dtstart.take().expect("DTSTART before INSTANCES"),
                instances: v.trim().to_string(),
            });
        }
    }
    out
}

/// `19970902T090000`, `19971224T000000Z` or `20241024` (a DATE: midnight).
fn ical_datetime(s: &str) -> DateTime {
    let s = s.trim_end_matches('Z');
    let (d, t) = s.split_once('T').unwrap_or((s, "000000"));
    let n = |s: &str| s.parse::<i16>().unwrap();
    let date = Date::new(n(&d[0..4]), n(&d[4..6]) as i8, n(&d[6..8]) as i8).unwrap();
    date.to_datetime(Time::new(n(&t[0..2]) as i8, n(&t[2..4]) as i8, n(&t[4..6]) as i8, 0).unwrap())
}

const DAYS: [(&str, &str); 7] =
    [("MO", "MON"), ("TU", "TUE"), ("WE", "WED"), ("TH", "THU"), ("FR", "FRI"), ("SA", "SAT"), ("SU", "SUN")];

struct Translation {
    /// Ferry recurrences whose merged runs are the case's instances.
    rules: Vec<Recurrence>,
    /// The instances are complete (UNTIL) rather than a prefix (COUNT).
    full: bool,
    /// A month day some months lack, without SKIP=BACKWARD: RFC 5545 drops
    /// what SPEC clamps.
    clamps: bool,
}

/// The case as Ferry recurrences, or why it cannot be one.
fn translate(case: &Case) -> Result<Translation, String> {
    if case.instances.contains("***") {
        return Err("libical itself rejects it".into());
    }
    let parts: BTreeMap<&str, &str> =
        case.rrule.split(';').filter(|p| !p.is_empty()).map(|p| p.split_once('=').expect("KEY=VALUE")).collect();
    for key in parts.keys() {
        if !["FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "WKST", "RSCALE", "SKIP"]
            .contains(key)
        {
            return Err(format!("{key} has no Ferry equivalent"));
        }
    }
    if parts.get("RSCALE").is_some_and(|r| *r != "GREGORIAN") {
        return Err("non-Gregorian RSCALE".into());
    }
    let skip_backward = match parts.get("SKIP") {
        None | Some(&"OMIT") => false,
        Some(&"BACKWARD") => true,
        Some(other) => return Err(format!("SKIP={other}: SPEC moves a missing day backward")),
    };
    let start = ical_datetime(&case.dtstart);
    if start.second() != 0 {
        return Err("seconds in DTSTART".into());
    }
    let interval: u32 = parts.get("INTERVAL").map_or(1, |v| v.parse().unwrap());
    let values = |key: &str, default: i32| -> Result<Vec<i32>, String> {
        match parts.get(key) {
            None => Ok(vec![default]),
            Some(v) => v.split(',').map(|x| x.parse().map_err(|_| format!("{key}={v}"))).collect(),
        }
    };
    // A day number some months lack is dropped by RFC 5545 but clamped by SPEC.
    let clamps = std::cell::Cell::new(false);
    let check_day = |day: i32, months_lacking: bool| -> Result<i32, String> {
        match day {
            -1 => Ok(-1),
            d if d < 0 => Err(format!("BYMONTHDAY={d}: Ferry has only -1")),
            d => {
                clamps.set(clamps.get() || (months_lacking && !skip_backward));
                Ok(d)
            }
        }
    };
    let mut variants = Vec::new();
    let mut v = json!({
        "interval": interval,
        "time": format!("{:02}:{:02}", start.hour(), start.minute()),
        "timezone": "UTC",
        "start": start.date().to_string(),
    });
    match parts["FREQ"] {
        "DAILY" => {
            if parts.keys().any(|k| k.starts_with("BY")) {
                return Err("BY* filters on DAILY".into());
            }
            v["frequency"] = json!("daily");
            variants.push(v);
        }
        "WEEKLY" => {
            if parts.contains_key("BYMONTHDAY") || parts.contains_key("BYMONTH") {
                return Err("BYMONTH/BYMONTHDAY on WEEKLY".into());
            }
            if interval > 1 && parts.get("WKST").is_some_and(|w| *w != "MO") {
                return Err("WKST other than MO with INTERVAL > 1".into());
            }
            // RFC 5545 §3.3.10: without BYDAY, the weekday of DTSTART.
            let byday = parts
                .get("BYDAY")
                .copied()
                .unwrap_or_else(|| DAYS[start.date().weekday().to_monday_zero_offset() as usize].0);
            let mut names = Vec::new();
            for code in byday.split(',') {
                let name = DAYS.iter().find(|(c, _)| *c == code).ok_or(format!("BYDAY={code}"))?.1;
                if names.contains(&name) {
                    return Err("repeated BYDAY".into());
                }
                names.push(name);
            }
            v["frequency"] = json!("weekly");
            v["weekdays"] = json!(names);
            variants.push(v);
        }
        "MONTHLY" => {
            if parts.contains_key("BYDAY") || parts.contains_key("BYMONTH") {
                return Err("BYDAY/BYMONTH on MONTHLY".into());
            }
            v["frequency"] = json!("monthly");
            for day in values("BYMONTHDAY", i32::from(start.day()))? {
                v["monthDay"] = json!(check_day(day, day > 28)?);
                variants.push(v.clone());
            }
        }
        "YEARLY" => {
            if parts.contains_key("BYDAY") {
                return Err("BYDAY on YEARLY".into());
            }
            v["frequency"] = json!("yearly");
            for month in values("BYMONTH", i32::from(start.month()))? {
                for day in values("BYMONTHDAY", i32::from(start.day()))? {
                    let shortest = jiff::civil::date(2001, month as i8, 1).days_in_month() as i32;
                    v["month"] = json!(month);
                    v["monthDay"] = json!(check_day(day, day > shortest)?);
                    variants.push(v.clone());
                }
            }
        }
        other => return Err(format!("FREQ={other}: Ferry runs at most daily")),
    }
    // UNTIL bounds instants; Ferry's `end` is the last local date that can run.
    let mut full = false;
    if let Some(until) = parts.get("UNTIL") {
        let until = ical_datetime(until);
        let last = if until.time() >= start.time() { until.date() } else { until.date().yesterday().unwrap() };
        if last < start.date() {
            return Err("UNTIL before the first instance".into());
        }
        for v in &mut variants {
            v["end"] = json!(last.to_string());
        }
        full = true;
    }
    let rules = variants
        .into_iter()
        .map(|v| input(v.clone()).parse(ts("2000-01-01T00:00:00Z")).map_err(|e| format!("Ferry rejects {v}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Translation { rules, full, clamps: clamps.get() })
}

fn check_file(file: &str, min_mapped: usize) {
    let mut mapped = Vec::new();
    let mut clamped = Vec::new();
    let mut skipped = Vec::new();
    for case in cases(file) {
        match translate(&case) {
            Err(why) => skipped.push(format!("{} [{}]: {why}", case.comment, case.rrule)),
            Ok(Translation { rules, full, clamps }) => {
                let expected: Vec<String> = case
                    .instances
                    .split(',')
                    .map(|i| ical_datetime(i).to_zoned(TimeZone::UTC).unwrap().timestamp().to_string())
                    .collect();
                let first = ical_datetime(&case.dtstart).to_zoned(TimeZone::UTC).unwrap().timestamp();
                let after = first.checked_sub(jiff::SignedDuration::from_nanos(1)).unwrap();
                let inputs: Vec<_> = rules.iter().map(|r| r.input()).collect();
                let name = format!("{} [{}]", case.comment, case.rrule);
                if clamps {
                    check_clamped(&rules, after, full, &expected, &name);
                    clamped.push(name);
                    continue;
                }
                let take = if full { expected.len() + 1 } else { expected.len() };
                let mut merged: Vec<jiff::Timestamp> =
                    rules.iter().flat_map(|r| r.occurrences_after(after).take(take)).map(|o| o.at).collect();
                merged.sort();
                merged.dedup();
                let got: Vec<String> = merged.iter().take(take).map(|t| t.to_string()).collect();
                assert_eq!(got, expected, "{name} as {inputs:?}");
                mapped.push(name);
            }
        }
    }
    eprintln!("{file}: {} cases mapped and equal, {} equal but for SPEC's clamping:", mapped.len(), clamped.len());
    for c in &clamped {
        eprintln!("  clamped {c}");
    }
    eprintln!("{file}: {} skipped:", skipped.len());
    for s in &skipped {
        eprintln!("  skipped {s}");
    }
    assert!(mapped.len() >= min_mapped, "only {} of {file}'s cases mapped: {mapped:#?}", mapped.len());
}

/// RFC 5545 drops a month's missing day, SPEC runs it on the month's last
/// day: up to libical's last instance (or to UNTIL), Ferry has all of
/// libical's instances and its extra runs are all last days of months shorter
/// than 31 days.
fn check_clamped(rules: &[Recurrence], after: jiff::Timestamp, full: bool, expected: &[String], name: &str) {
    let last: jiff::Timestamp = expected.last().unwrap().parse().unwrap();
    let mut got: Vec<Occurrence> =
        rules.iter().flat_map(|r| r.occurrences_after(after).take_while(|o| full || o.at <= last).take(1000)).collect();
    got.sort();
    got.dedup();
    let got_instants: Vec<String> = got.iter().map(|o| o.at.to_string()).collect();
    for e in expected {
        assert!(got_instants.contains(e), "{name}: libical's {e} is not a Ferry run: {got_instants:?}");
    }
    let extras: Vec<&Occurrence> = got.iter().filter(|o| !expected.contains(&o.at.to_string())).collect();
    assert!(!extras.is_empty(), "{name}: expected SPEC to add clamped runs");
    for o in extras {
        assert!(
            o.date == o.date.last_of_month() && o.date.days_in_month() < 31,
            "{name}: Ferry's extra run {} is not a short month's last day",
            o.date
        );
    }
}

#[test]
fn libical_daily_weekly_monthly_yearly_vectors_give_the_same_instances() {
    check_file("icalrecur_test.txt", 20);
}

#[test]
fn libical_rfc7529_skip_backward_vectors_give_the_same_instances() {
    check_file("icalrecur_test_rscale.txt", 2);
}
