//! Property of the working calendar: for random intervals of up to 60 days
//! on minute boundaries and random calendars (zone, workdays, hours,
//! holidays), the working time equals a count of the interval's minutes
//! whose wall time in the calendar's zone is working time.

use ferry_core::model::time_in_status::CalendarInput;
use ferry_core::time_in_status::WorkingCalendar;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

/// Zones with DST both ways, half-hour and 45-minute offsets, a 30-minute
/// DST shift, and none at all.
const ZONES: [&str; 8] = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "Australia/Lord_Howe",
    "UTC",
];
const DAYS: [&str; 7] = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];
/// 2000-01-01 … 2040-01-01 in minutes since the epoch.
const FIRST_MINUTE: i64 = 946_684_800 / 60;
const LAST_MINUTE: i64 = 2_208_988_800 / 60;

fn clock(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The reference: minute by minute, the wall time in the zone.
fn count_minutes(zone: &TimeZone, input: &CalendarInput, start: i64, len: i64) -> i64 {
    let (from, to) = input.hours.split_once('-').unwrap();
    let minute_of = |s: &str| s[..2].parse::<i64>().unwrap() * 60 + s[3..].parse::<i64>().unwrap();
    let (from, to) = (minute_of(from), minute_of(to));
    let mut working = 0;
    for m in start..start + len {
        let local = Timestamp::from_second(m * 60).unwrap().to_zoned(zone.clone());
        let day = DAYS[local.weekday().to_monday_zero_offset() as usize];
        let minute = local.hour() as i64 * 60 + local.minute() as i64;
        let holiday = input.holidays.contains(&local.date().to_string());
        if input.workdays.iter().any(|d| d == day) && !holiday && from <= minute && minute < to {
            working += 1;
        }
    }
    working
}

fn calendars() -> impl Strategy<Value = (usize, u8, i64, i64, Vec<i64>)> {
    (0..ZONES.len(), 1u8..128, 0i64..1440, 1i64..=1440, proptest::collection::vec(0i64..60, 0..6))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn working_time_is_the_count_of_working_minutes(
        (zone, days, start_minute, span, holiday_offsets) in calendars(),
        start in FIRST_MINUTE..LAST_MINUTE,
        len in 0i64..=60 * 1440,
    ) {
        let end_minute = (start_minute + span).min(1440).max(start_minute + 1);
        let tz = TimeZone::get(ZONES[zone]).unwrap();
        let first_day = Timestamp::from_second(start * 60).unwrap().to_zoned(tz.clone()).date();
        let input = CalendarInput {
            timezone: ZONES[zone].to_string(),
            workdays: DAYS.iter().enumerate().filter(|(i, _)| days & (1 << i) != 0).map(|(_, d)| d.to_string()).collect(),
            hours: format!("{}-{}", clock(start_minute), clock(end_minute)),
            holidays: holiday_offsets
                .iter()
                .map(|d| first_day.checked_add(jiff::Span::new().days(*d)).unwrap().to_string())
                .collect(),
        };
        let calendar = WorkingCalendar::parse(&input, "calendar").unwrap();
        let from = Timestamp::from_second(start * 60).unwrap();
        let to = from + SignedDuration::from_mins(len);
        let expected = count_minutes(&tz, &input, start, len) * 60_000;
        prop_assert_eq!(calendar.working_millis(from, to), expected, "{:?} {} → {}", input, from, to);
    }
}
