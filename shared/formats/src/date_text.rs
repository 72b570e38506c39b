//! Dates and instants as text, shared by the text formats (CSV, JSON, JSONL)
//! and by XLSX (for dates Excel cannot hold, and for wall-clock times).
//!
//! Instants are ISO-8601 in the report's time zone unless the report asks
//! for its own `dateFormat`. The ISO path is plain integer arithmetic on the
//! Unix seconds: the date part is the same for every instant of a day, so it
//! is rendered once per day and copied after that (exports list records in
//! time order, so consecutive rows mostly share a day), and the time of day
//! is three pairs of digits. Only zone offsets come from jiff.

use crate::out_buf::Sink;
use ferry_core::model::format_options::FormatOptions;
use ferry_core::ports::format::FormatError;
use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;

/// `+009999-12-31`: an expanded year.
const MAX_DATE_LEN: usize = 14;
const SECONDS_PER_DAY: i64 = 86_400;

/// Appends `YYYY-MM-DD`.
#[inline]
pub(crate) fn write_date(out: &mut impl Sink, date: Date) {
    let mut text = [0u8; MAX_DATE_LEN];
    let len = render_date(&mut text, i64::from(date.year()), date.month() as u8, date.day() as u8);
    out.put(&text[..len]);
}

/// How instants become text: the zone they are shown in and an optional
/// strftime pattern. Built once per writer; it remembers the last day it
/// rendered.
#[derive(Debug, Clone)]
pub(crate) struct DateTimeText {
    zone: TimeZone,
    /// UTC is written with `Z` (and needs no zone lookup per cell).
    is_utc: bool,
    pattern: Option<String>,
    /// The last two local days rendered (days since 1970-01-01 and their
    /// text), most recent first: two, because a row's created and updated
    /// instants often fall on different days.
    days: [Option<RenderedDay>; 2],
    /// Text made with the report's pattern, before it is copied out.
    scratch: Vec<u8>,
}

#[derive(Debug, Clone, Copy)]
struct RenderedDay {
    day: i64,
    text: [u8; MAX_DATE_LEN],
    len: usize,
}

impl DateTimeText {
    pub(crate) fn new(options: &FormatOptions) -> Self {
        DateTimeText {
            zone: options.timezone.clone(),
            is_utc: is_utc_name(&options.timezone_name) || options.timezone.iana_name() == Some("UTC"),
            pattern: options.date_format.clone(),
            days: [None, None],
            scratch: Vec::new(),
        }
    }

    /// True when the text can contain any character (a user pattern), so a
    /// format must escape or quote it; ISO-8601 text never needs that.
    pub(crate) fn is_free_form(&self) -> bool {
        self.pattern.is_some()
    }

    /// The wall-clock date and time of `ts` in the report's zone (XLSX has
    /// no zones, so it stores this).
    pub(crate) fn wall_time(&self, ts: Timestamp) -> DateTime {
        self.offset_at(ts).to_datetime(ts)
    }

    fn offset_at(&self, ts: Timestamp) -> Offset {
        if self.is_utc {
            Offset::UTC
        } else {
            self.zone.to_offset(ts)
        }
    }

    /// Appends the instant as ISO-8601 (`2026-01-02T03:04:05Z`, or with the
    /// zone's offset such as `+01:00`) or with the report's pattern.
    pub(crate) fn write(&mut self, out: &mut impl Sink, ts: Timestamp) -> Result<(), FormatError> {
        match &self.pattern {
            None => {
                self.write_iso(out, ts);
                Ok(())
            }
            Some(pattern) => {
                // Into scratch first, so a failure leaves nothing half-written in the file.
                self.scratch.clear();
                let zoned = ts.to_zoned(self.zone.clone());
                jiff::fmt::strtime::BrokenDownTime::from(&zoned)
                    .format(pattern.as_str(), &mut self.scratch)
                    .map_err(|e| FormatError::Invalid(format!("dateFormat cannot render {ts}: {e}")))?;
                out.put(&self.scratch);
                Ok(())
            }
        }
    }

    #[inline]
    fn write_iso(&mut self, out: &mut impl Sink, ts: Timestamp) {
        let offset = self.offset_at(ts).seconds();
        // jiff's seconds truncate towards zero and its fraction carries the
        // sign; the wall clock wants whole seconds rounded down.
        let (mut seconds, mut nanos) = (ts.as_second(), ts.subsec_nanosecond());
        if nanos < 0 {
            seconds -= 1;
            nanos += 1_000_000_000;
        }
        let local = seconds + i64::from(offset);
        let (day, second_of_day) = (local.div_euclid(SECONDS_PER_DAY), local.rem_euclid(SECONDS_PER_DAY) as u32);
        let date = self.rendered(day);
        if date.len == 10 && nanos == 0 && self.is_utc {
            // The common case in one fixed-size piece: `YYYY-MM-DDTHH:MM:SSZ`.
            let mut text = [0u8; 20];
            text[..10].copy_from_slice(&date.text[..10]);
            put_time(&mut text[10..19], second_of_day);
            text[19] = b'Z';
            out.put(&text);
            return;
        }
        let mut text = [0u8; MAX_DATE_LEN + 9];
        text[..date.len].copy_from_slice(&date.text[..date.len]);
        let at = date.len;
        put_time(&mut text[at..at + 9], second_of_day);
        out.put(&text[..at + 9]);
        if nanos != 0 {
            write_fraction(out, nanos as u32);
        }
        if self.is_utc {
            out.push(b'Z');
        } else {
            write_offset(out, offset);
        }
    }

    /// The text of local day `day`, from the two-day cache when it is there.
    #[inline]
    fn rendered(&mut self, day: i64) -> RenderedDay {
        match self.days {
            [Some(d), _] if d.day == day => d,
            [previous, Some(d)] if d.day == day => {
                self.days = [Some(d), previous];
                d
            }
            [previous, _] => {
                let (y, m, d) = civil_from_days(day);
                let mut text = [0u8; MAX_DATE_LEN];
                let len = render_date(&mut text, y, m, d);
                let rendered = RenderedDay { day, text, len };
                self.days = [Some(rendered), previous];
                rendered
            }
        }
    }
}

/// `THH:MM:SS` into the nine bytes of `to`.
#[inline(always)]
fn put_time(to: &mut [u8], second_of_day: u32) {
    to[0] = b'T';
    put_2(&mut to[1..], second_of_day / 3600);
    to[3] = b':';
    put_2(&mut to[4..], second_of_day / 60 % 60);
    to[6] = b':';
    put_2(&mut to[7..], second_of_day % 60);
}

fn is_utc_name(name: &str) -> bool {
    matches!(name, "UTC" | "Etc/UTC" | "UCT" | "Etc/UCT" | "Zulu" | "Etc/Zulu" | "Universal" | "Etc/Universal")
}

/// (year, month, day) of a day counted from 1970-01-01 (Howard Hinnant's
/// `civil_from_days`): exact integer arithmetic over the whole range.
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Writes `YYYY-MM-DD` into `text` and returns its length. Four-digit years;
/// ISO-8601's expanded form (sign and six digits) outside 0..=9999.
fn render_date(text: &mut [u8; MAX_DATE_LEN], year: i64, month: u8, day: u8) -> usize {
    let mut at = 0;
    if (0..=9999).contains(&year) {
        put_2(&mut text[0..], (year / 100) as u32);
        put_2(&mut text[2..], (year % 100) as u32);
        at = 4;
    } else {
        text[0] = if year < 0 { b'-' } else { b'+' };
        let y = year.unsigned_abs().min(999_999) as u32;
        put_2(&mut text[1..], y / 10_000);
        put_2(&mut text[3..], y / 100 % 100);
        put_2(&mut text[5..], y % 100);
        at += 7;
    }
    text[at] = b'-';
    put_2(&mut text[at + 1..], u32::from(month));
    text[at + 3] = b'-';
    put_2(&mut text[at + 4..], u32::from(day));
    at + 6
}

/// `00` to `99`, two bytes per number, so a pair costs one copy.
static PAIRS: [u8; 200] = {
    let mut table = [0u8; 200];
    let mut n = 0;
    while n < 100 {
        table[2 * n] = b'0' + (n / 10) as u8;
        table[2 * n + 1] = b'0' + (n % 10) as u8;
        n += 1;
    }
    table
};

/// The two digits of `n % 100` at the start of `to`.
#[inline(always)]
fn put_2(to: &mut [u8], n: u32) {
    let i = (n % 100) as usize * 2;
    to[..2].copy_from_slice(&PAIRS[i..i + 2]);
}

/// `.` and the nanoseconds without trailing zeros (`.5`, `.123`).
fn write_fraction(out: &mut impl Sink, mut nanos: u32) {
    let mut digits = [b'0'; 10];
    digits[0] = b'.';
    for slot in digits[1..].iter_mut().rev() {
        *slot = b'0' + (nanos % 10) as u8;
        nanos /= 10;
    }
    let len = 10 - digits.iter().rev().take_while(|&&d| d == b'0').count();
    out.put(&digits[..len]);
}

/// `+01:00`, `-05:30`; seconds only for the historical offsets that have them.
fn write_offset(out: &mut impl Sink, seconds: i32) {
    let abs = seconds.unsigned_abs();
    let mut text = [0u8; 9];
    text[0] = if seconds < 0 { b'-' } else { b'+' };
    put_2(&mut text[1..], abs / 3600);
    text[3] = b':';
    put_2(&mut text[4..], abs / 60 % 60);
    let mut len = 6;
    if !abs.is_multiple_of(60) {
        text[6] = b':';
        put_2(&mut text[7..], abs % 60);
        len = 9;
    }
    out.put(&text[..len]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_core::model::format_options::FormatOptionsInput;

    fn text(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        f(&mut out);
        String::from_utf8(out).unwrap()
    }

    fn options(timezone: Option<&str>, date_format: Option<&str>) -> FormatOptions {
        FormatOptionsInput {
            timezone: timezone.map(Into::into),
            date_format: date_format.map(Into::into),
            ..Default::default()
        }
        .resolve()
        .unwrap()
    }

    #[test]
    fn dates_have_fixed_text_and_expanded_years() {
        assert_eq!(text(|o| write_date(o, jiff::civil::date(2026, 1, 2))), "2026-01-02");
        assert_eq!(text(|o| write_date(o, jiff::civil::date(-5, 3, 4))), "-000005-03-04");
        assert_eq!(text(|o| write_date(o, jiff::civil::date(9999, 12, 31))), "9999-12-31");
    }

    #[test]
    fn instants_are_iso_in_utc_with_z() {
        let mut dt = DateTimeText::new(&FormatOptions::default());
        let ts: Timestamp = "2026-01-02T03:04:05Z".parse().unwrap();
        assert_eq!(text(|o| dt.write(o, ts).unwrap()), "2026-01-02T03:04:05Z");
        let ts: Timestamp = "2026-01-02T03:04:05.120Z".parse().unwrap();
        assert_eq!(text(|o| dt.write(o, ts).unwrap()), "2026-01-02T03:04:05.12Z");
    }

    #[test]
    fn instants_in_a_zone_carry_its_offset_across_dst() {
        let mut dt = DateTimeText::new(&options(Some("Europe/Berlin"), None));
        let winter: Timestamp = "2026-01-02T03:04:05Z".parse().unwrap();
        let summer: Timestamp = "2026-07-02T03:04:05Z".parse().unwrap();
        assert_eq!(text(|o| dt.write(o, winter).unwrap()), "2026-01-02T04:04:05+01:00");
        assert_eq!(text(|o| dt.write(o, summer).unwrap()), "2026-07-02T05:04:05+02:00");
        let mut dt = DateTimeText::new(&options(Some("America/St_Johns"), None));
        assert_eq!(text(|o| dt.write(o, winter).unwrap()), "2026-01-01T23:34:05-03:30");
    }

    #[test]
    fn the_fast_path_matches_jiff_everywhere() {
        // Pseudo-random instants over jiff's whole range, fractions and
        // negative seconds included, in zones with odd and historic offsets.
        let (min, max) = (Timestamp::MIN.as_second() + 86_400, Timestamp::MAX.as_second() - 86_400);
        for zone in ["UTC", "Europe/Berlin", "Asia/Kolkata", "America/St_Johns", "Africa/Monrovia"] {
            let mut dt = DateTimeText::new(&options(Some(zone), None));
            let tz = TimeZone::get(zone).unwrap();
            let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
            for i in 0..20_000 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let second = if i % 2 == 0 {
                    min + (x % (max - min) as u64) as i64
                } else {
                    1_700_000_000 + (x % 400_000_000) as i64 - 200_000_000
                };
                let nanos = if i % 3 == 0 { (x >> 40) as i32 % 1_000_000_000 } else { 0 };
                let Ok(ts) = Timestamp::new(second, nanos) else { continue };
                let offset = tz.to_offset(ts);
                let wall = offset.to_datetime(ts);
                let mut expected = String::new();
                expected.push_str(&text(|o| write_date(o, wall.date())));
                expected.push_str(&format!("T{:02}:{:02}:{:02}", wall.hour(), wall.minute(), wall.second()));
                if wall.subsec_nanosecond() != 0 {
                    expected.push_str(format!(".{:09}", wall.subsec_nanosecond()).trim_end_matches('0'));
                }
                if zone == "UTC" {
                    expected.push('Z');
                } else {
                    expected.push_str(&text(|o| write_offset(o, offset.seconds())));
                }
                assert_eq!(text(|o| dt.write(o, ts).unwrap()), expected, "{ts} in {zone}");
            }
        }
    }

    #[test]
    fn offsets_and_fractions_have_their_short_forms() {
        assert_eq!(text(|o| write_offset(o, 3600)), "+01:00");
        assert_eq!(text(|o| write_offset(o, -(3 * 3600 + 30 * 60))), "-03:30");
        assert_eq!(text(|o| write_offset(o, -(44 * 60 + 30))), "-00:44:30");
        assert_eq!(text(|o| write_fraction(o, 500_000_000)), ".5");
        assert_eq!(text(|o| write_fraction(o, 1)), ".000000001");
    }

    #[test]
    fn date_format_is_a_strftime_pattern_in_the_zone() {
        let mut dt = DateTimeText::new(&options(Some("Europe/Berlin"), Some("%d.%m.%Y %H:%M %Z")));
        let ts: Timestamp = "2026-01-02T23:30:00Z".parse().unwrap();
        assert_eq!(text(|o| dt.write(o, ts).unwrap()), "03.01.2026 00:30 CET");
        assert!(dt.is_free_form());
    }
}
