use super::*;

const HOUR: i64 = 3_600_000;

fn calendar(zone: &str, workdays: &[&str], hours: &str, holidays: &[&str]) -> WorkingCalendar {
    let input = CalendarInput {
        timezone: zone.into(),
        workdays: workdays.iter().map(|d| d.to_string()).collect(),
        hours: hours.into(),
        holidays: holidays.iter().map(|d| d.to_string()).collect(),
    };
    WorkingCalendar::parse(&input, "calendar").unwrap()
}

const EVERY_DAY: [&str; 7] = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];
const WEEKDAYS: [&str; 5] = ["MON", "TUE", "WED", "THU", "FRI"];

/// The whole local day `date` in `zone`, as instants.
fn local_day(zone: &str, date: &str) -> (Timestamp, Timestamp) {
    let tz = TimeZone::get(zone).unwrap();
    let d: Date = date.parse().unwrap();
    let start = d.to_zoned(tz.clone()).unwrap().timestamp();
    let end = d.tomorrow().unwrap().to_zoned(tz).unwrap().timestamp();
    (start, end)
}

#[test]
fn a_nine_to_five_day_is_eight_hours_on_both_dst_change_days() {
    for (zone, spring, autumn) in
        [("Europe/Berlin", "2026-03-29", "2026-10-25"), ("America/New_York", "2026-03-08", "2026-11-01")]
    {
        let c = calendar(zone, &EVERY_DAY, "09:00-17:00", &[]);
        for date in [spring, autumn] {
            let (from, to) = local_day(zone, date);
            assert_ne!(to.duration_since(from).as_hours(), 24, "{zone} {date} is a DST day");
            assert_eq!(c.working_millis(from, to), 8 * HOUR, "{zone} {date}");
        }
    }
}

#[test]
fn night_hours_over_a_change_count_the_hours_that_passed() {
    let c = calendar("Europe/Berlin", &EVERY_DAY, "00:00-06:00", &[]);
    let (from, to) = local_day("Europe/Berlin", "2026-03-29");
    assert_eq!(c.working_millis(from, to), 5 * HOUR, "02:00-03:00 does not exist");
    let (from, to) = local_day("Europe/Berlin", "2026-10-25");
    assert_eq!(c.working_millis(from, to), 7 * HOUR, "02:00-03:00 happens twice");
}

#[test]
fn weekends_and_holidays_do_not_count_and_parts_of_days_do() {
    let c = calendar("Europe/Berlin", &WEEKDAYS, "09:00-17:00", &["2026-12-25"]);
    let at = |s: &str| s.parse::<jiff::civil::DateTime>().unwrap().to_zoned(c.zone().clone()).unwrap().timestamp();
    // Thu 24th 16:00 → Mon 28th 10:00: 1h Thursday, Friday a holiday, weekend, 1h Monday.
    assert_eq!(c.working_millis(at("2026-12-24T16:00"), at("2026-12-28T10:00")), 2 * HOUR);
    assert_eq!(c.working_millis(at("2026-12-28T10:00"), at("2026-12-24T16:00")), 0, "backwards is nothing");
    assert_eq!(c.working_millis(at("2026-12-28T07:00"), at("2026-12-28T08:00")), 0, "before hours");
    assert_eq!(c.working_millis(at("2026-12-28T12:30:15.250"), at("2026-12-28T12:30:16")), 750, "milliseconds count");
}

#[test]
fn years_add_up_to_the_working_days_in_them() {
    let c = calendar("America/New_York", &WEEKDAYS, "08:30-17:00", &["2025-07-04"]);
    let (from, _) = local_day("America/New_York", "2024-01-01");
    let (_, to) = local_day("America/New_York", "2026-12-31");
    let mut days = 0;
    let mut d: Date = "2024-01-01".parse().unwrap();
    while d <= "2026-12-31".parse().unwrap() {
        if d.weekday().to_monday_zero_offset() < 5 && d != "2025-07-04".parse::<Date>().unwrap() {
            days += 1;
        }
        d = d.tomorrow().unwrap();
    }
    assert_eq!(c.working_millis(from, to), days * (8 * HOUR + HOUR / 2));
    assert_eq!(c.day_millis(), 8 * HOUR + HOUR / 2);
}

#[test]
fn hours_may_end_at_midnight_and_must_end_after_they_start() {
    assert_eq!(parse_hours("00:00-24:00"), Some((0, 24 * HOUR)));
    assert_eq!(parse_hours(" 09:00 - 17:30 "), Some((9 * HOUR, 17 * HOUR + HOUR / 2)));
    for bad in ["17:00-09:00", "09:00-09:00", "24:00-24:00", "9:00-17:00", "09:00", "09:60-10:00", "09:00-24:01"] {
        assert_eq!(parse_hours(bad), None, "{bad}");
    }
}
