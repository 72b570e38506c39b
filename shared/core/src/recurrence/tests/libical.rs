//! libical's RRULE vectors (`fixtures/libical/src/test/`), RFC 5545
//! examples and more, each with the instances libical computes. Every case
//! is accounted for: it is translated into Ferry recurrences and must give
//! the same instances (floating local times are evaluated in UTC), unless
//! `libical_cases` lists it, by its RRULE and DTSTART, as excluded (with the
//! feature SPEC does not offer) or as clamped. A case Ferry's parser
//! refuses fails the test, and so does a listed case that no longer is what
//! the list says. There are no thresholds.
//!
//! Mapped: FREQ=DAILY/WEEKLY/MONTHLY/YEARLY with INTERVAL, COUNT (compare the
//! first COUNT), UNTIL (becomes the inclusive `end`), plain BYDAY weekdays for
//! WEEKLY, BYMONTHDAY (1–31 or -1) for MONTHLY/YEARLY, BYMONTH for YEARLY, and
//! RFC 7529 RSCALE=GREGORIAN;SKIP=BACKWARD. Several BYMONTHDAY/BYMONTH values
//! become several Ferry recurrences (a schedule each) whose runs are merged:
//! "the 1st and the last day" is monthDay 1 plus monthDay -1. At INTERVAL=1
//! a DAILY rule narrowed to month days is MONTHLY (YEARLY with BYMONTH), one
//! narrowed to weekdays is WEEKLY, and a MONTHLY one narrowed to months is
//! YEARLY; a WKST other than MO is ignored where no day of the rule (nor
//! DTSTART's) falls on the other side of it; a weekday named twice is one.
//!
//! Clamped: a month day that some months lack (29–31, e.g. BYMONTHDAY=31 or
//! DTSTART on Jan 31 or Feb 29) without SKIP=BACKWARD is where RFC 5545 and
//! SPEC part: RFC 5545 drops the invalid dates, SPEC runs them on the month's
//! last day. Those cases are checked for exactly that difference: every
//! libical instance is a Ferry run, and every extra Ferry run is a short
//! month's last day.

use std::collections::BTreeMap;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use serde_json::json;

use super::libical_cases::{entries, listed, Listed, Unsupported};
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

/// Why a case has no translation.
#[derive(Debug)]
enum Refused {
    /// The RRULE asks for something SPEC does not offer.
    Unsupported(Unsupported),
    /// Ferry's parser refused a recurrence SPEC offers: always a failure.
    FerryRejects(String),
}

impl From<Unsupported> for Refused {
    fn from(u: Unsupported) -> Self {
        Refused::Unsupported(u)
    }
}

/// The case as Ferry recurrences, or why it cannot be one.
fn translate(case: &Case) -> Result<Translation, Refused> {
    use Unsupported::*;
    if case.instances.contains("***") {
        return Err(InvalidRule.into());
    }
    let parts: BTreeMap<&str, &str> =
        case.rrule.split(';').filter(|p| !p.is_empty()).map(|p| p.split_once('=').expect("KEY=VALUE")).collect();
    if matches!(parts["FREQ"], "HOURLY" | "MINUTELY" | "SECONDLY") {
        return Err(SubDaily.into());
    }
    for key in parts.keys() {
        let unsupported = match *key {
            "FREQ" | "INTERVAL" | "COUNT" | "UNTIL" | "BYDAY" | "BYMONTHDAY" | "BYMONTH" | "WKST" | "RSCALE"
            | "SKIP" => continue,
            "BYHOUR" | "BYMINUTE" | "BYSECOND" => SubDaily,
            "BYSETPOS" => SetPosition,
            "BYYEARDAY" => YearDay,
            "BYWEEKNO" => WeekNumber,
            other => panic!("{other} in {}: a part this test does not know", case.rrule),
        };
        return Err(unsupported.into());
    }
    if parts.get("RSCALE").is_some_and(|r| *r != "GREGORIAN") {
        return Err(OtherCalendar.into());
    }
    let skip_backward = match parts.get("SKIP") {
        None | Some(&"OMIT") => false,
        Some(&"BACKWARD") => true,
        Some(_) => return Err(SkipForward.into()),
    };
    let start = ical_datetime(&case.dtstart);
    if start.second() != 0 {
        return Err(Seconds.into());
    }
    let interval: u32 = parts.get("INTERVAL").map_or(1, |v| v.parse().unwrap());
    let values = |key: &str, default: i32| -> Vec<i32> {
        match parts.get(key) {
            None => vec![default],
            Some(v) => v.split(',').map(|x| x.parse().unwrap_or_else(|_| panic!("{key}={v}"))).collect(),
        }
    };
    // A day number some months lack is dropped by RFC 5545 but clamped by SPEC.
    let clamps = std::cell::Cell::new(false);
    let check_day = |day: i32, months_lacking: bool| -> Result<i32, Unsupported> {
        match day {
            -1 => Ok(-1),
            d if d < 0 => Err(DaysBeforeMonthEnd),
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
    // At INTERVAL=1 some rules are another frequency in disguise, one SPEC
    // has: a DAILY rule narrowed to month days is MONTHLY on those days (or
    // YEARLY, narrowed to months too), one narrowed to weekdays is WEEKLY,
    // and a MONTHLY rule narrowed to months is YEARLY.
    let has = |key: &str| parts.contains_key(key);
    let frequency = match parts["FREQ"] {
        "DAILY" if interval == 1 && has("BYMONTHDAY") && !has("BYDAY") => {
            if has("BYMONTH") {
                "YEARLY"
            } else {
                "MONTHLY"
            }
        }
        "DAILY" if interval == 1 && has("BYDAY") && !has("BYMONTHDAY") && !has("BYMONTH") => "WEEKLY",
        "MONTHLY" if interval == 1 && has("BYMONTH") && !has("BYDAY") => "YEARLY",
        other => other,
    };
    match frequency {
        "DAILY" => {
            if parts.keys().any(|k| k.starts_with("BY")) {
                return Err(DailyFilter.into());
            }
            v["frequency"] = json!("daily");
            variants.push(v);
        }
        "WEEKLY" => {
            if parts.contains_key("BYMONTHDAY") || parts.contains_key("BYMONTH") {
                return Err(MonthFilter.into());
            }
            // RFC 5545 §3.3.10: without BYDAY, the weekday of DTSTART.
            let start_day = start.date().weekday().to_monday_zero_offset() as usize;
            let byday = parts.get("BYDAY").copied().unwrap_or(DAYS[start_day].0);
            let (mut names, mut offsets) = (Vec::new(), vec![start_day]);
            for code in byday.split(',') {
                let offset = DAYS.iter().position(|(c, _)| *c == code).ok_or(NthWeekday)?;
                // A weekday named twice is that weekday (RFC 5545 counts each instance once).
                if !names.contains(&DAYS[offset].1) {
                    names.push(DAYS[offset].1);
                    offsets.push(offset);
                }
            }
            // Another week start only matters at INTERVAL > 1, and only when
            // DTSTART's day and the rule's days fall on both sides of it.
            if let Some(wkst) = parts.get("WKST").filter(|w| interval > 1 && **w != "MO") {
                let w = DAYS.iter().position(|(c, _)| c == wkst).expect("a WKST weekday");
                if offsets.iter().any(|o| *o < w) && offsets.iter().any(|o| *o >= w) {
                    return Err(WeekStart.into());
                }
            }
            v["frequency"] = json!("weekly");
            v["weekdays"] = json!(names);
            variants.push(v);
        }
        "MONTHLY" => {
            if parts.contains_key("BYDAY") {
                return Err(NthWeekday.into());
            }
            if parts.contains_key("BYMONTH") {
                return Err(MonthFilter.into());
            }
            v["frequency"] = json!("monthly");
            for day in values("BYMONTHDAY", i32::from(start.day())) {
                v["monthDay"] = json!(check_day(day, day > 28)?);
                variants.push(v.clone());
            }
        }
        "YEARLY" => {
            if parts.contains_key("BYDAY") {
                return Err(NthWeekday.into());
            }
            v["frequency"] = json!("yearly");
            for month in values("BYMONTH", i32::from(start.month())) {
                for day in values("BYMONTHDAY", i32::from(start.day())) {
                    let shortest = jiff::civil::date(2001, month as i8, 1).days_in_month() as i32;
                    v["month"] = json!(month);
                    v["monthDay"] = json!(check_day(day, day > shortest)?);
                    variants.push(v.clone());
                }
            }
        }
        other => panic!("FREQ={other}: a frequency this test does not know"),
    }
    // UNTIL bounds instants; Ferry's `end` is the last local date that can run.
    let mut full = false;
    if let Some(until) = parts.get("UNTIL") {
        let until = ical_datetime(until);
        let last = if until.time() >= start.time() { until.date() } else { until.date().yesterday().unwrap() };
        if last < start.date() {
            return Err(UntilBeforeStart.into());
        }
        for v in &mut variants {
            v["end"] = json!(last.to_string());
        }
        full = true;
    }
    let rules = variants
        .into_iter()
        .map(|v| {
            input(v.clone()).parse(ts("2000-01-01T00:00:00Z")).map_err(|e| Refused::FerryRejects(format!("{v}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Translation { rules, full, clamps: clamps.get() })
}

/// Checks every case of `file`; fails naming each case that is not what it
/// should be (and prints the list entries that would describe it).
fn check_file(file: &str) {
    let mut counts = BTreeMap::<&str, usize>::new();
    let mut wrong = Vec::new();
    let cases = cases(file);
    for (rrule, dtstart, _) in entries(file) {
        if !cases.iter().any(|c| c.rrule == *rrule && c.dtstart == *dtstart) {
            wrong.push(format!("listed ({rrule}, {dtstart}) is no case of the file"));
        }
    }
    for case in cases {
        let name = format!("{} [{}] from {}", case.comment, case.rrule, case.dtstart);
        let expected_as = listed(file, &case.rrule, &case.dtstart);
        match (translate(&case), expected_as) {
            (Err(Refused::FerryRejects(why)), _) => wrong.push(format!("{name}: Ferry's parser refuses {why}")),
            (Err(Refused::Unsupported(got)), Some(Listed::Excluded(want))) if got == want => {
                *counts.entry("excluded").or_default() += 1;
            }
            (Err(Refused::Unsupported(got)), listed_as) => wrong.push(format!(
                "{name}: refused as {got:?} ({}), listed as {listed_as:?}; list entry: (\"{}\", \"{}\", Excluded({got:?})),",
                got.why(),
                case.rrule,
                case.dtstart
            )),
            (Ok(t), Some(Listed::Clamped)) if t.clamps => {
                check_clamped(&t.rules, &case, t.full, &name);
                *counts.entry("clamped").or_default() += 1;
            }
            (Ok(t), None) if !t.clamps => {
                check_equal(&t.rules, &case, t.full, &name);
                *counts.entry("equal").or_default() += 1;
            }
            (Ok(t), listed_as) => wrong.push(format!(
                "{name}: translated ({}), listed as {listed_as:?}",
                if t.clamps { "a clamped month day" } else { "plainly" }
            )),
        }
    }
    eprintln!("{file}: {counts:?}");
    assert!(wrong.is_empty(), "{file}: {} cases are not what they should be:\n{}", wrong.len(), wrong.join("\n"));
    assert!(counts.get("equal").is_some_and(|n| *n > 0), "{file}: no case compared at all");
}

/// The UTC instants of a case's INSTANCES.
fn expected_instants(case: &Case) -> Vec<String> {
    case.instances
        .split(',')
        .map(|i| ical_datetime(i).to_zoned(TimeZone::UTC).unwrap().timestamp().to_string())
        .collect()
}

/// Just before the case's DTSTART, so its first instance is the first run.
fn before_start(case: &Case) -> jiff::Timestamp {
    let first = ical_datetime(&case.dtstart).to_zoned(TimeZone::UTC).unwrap().timestamp();
    first.checked_sub(jiff::SignedDuration::from_nanos(1)).unwrap()
}

/// Ferry's merged runs equal libical's instances (all of them for UNTIL, the
/// first COUNT for COUNT).
fn check_equal(rules: &[Recurrence], case: &Case, full: bool, name: &str) {
    let expected = expected_instants(case);
    let take = if full { expected.len() + 1 } else { expected.len() };
    let mut merged: Vec<jiff::Timestamp> =
        rules.iter().flat_map(|r| r.occurrences_after(before_start(case)).take(take)).map(|o| o.at).collect();
    merged.sort();
    merged.dedup();
    let got: Vec<String> = merged.iter().take(take).map(|t| t.to_string()).collect();
    let inputs: Vec<_> = rules.iter().map(|r| r.input()).collect();
    assert_eq!(got, expected, "{name} as {inputs:?}");
}

/// RFC 5545 drops a month's missing day, SPEC runs it on the month's last
/// day: up to libical's last instance (or to UNTIL), Ferry has all of
/// libical's instances and its extra runs are all last days of months shorter
/// than 31 days.
fn check_clamped(rules: &[Recurrence], case: &Case, full: bool, name: &str) {
    let expected = expected_instants(case);
    let last: jiff::Timestamp = expected.last().unwrap().parse().unwrap();
    let after = before_start(case);
    let mut got: Vec<Occurrence> =
        rules.iter().flat_map(|r| r.occurrences_after(after).take_while(|o| full || o.at <= last).take(1000)).collect();
    got.sort();
    got.dedup();
    let got_instants: Vec<String> = got.iter().map(|o| o.at.to_string()).collect();
    for e in &expected {
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
    check_file("icalrecur_test.txt");
}

#[test]
fn libical_rfc7529_skip_backward_vectors_give_the_same_instances() {
    check_file("icalrecur_test_rscale.txt");
}
