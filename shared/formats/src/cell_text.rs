//! Canonical text of a cell, shared by the text formats (CSV, JSON, JSONL).
//!
//! Everything here appends to the caller's output `Vec<u8>`: formats write
//! millions of cells, so the hot path never allocates a `String` per cell.
//! Numbers are the shortest text that reads back as the same value (itoa,
//! ryu); instants are ISO-8601 in the report's time zone unless the report
//! asks for its own `dateFormat`.

use ferry_core::model::format_options::FormatOptions;
use ferry_core::ports::format::FormatError;
use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;

/// Appends the decimal text of an integer.
#[inline]
pub(crate) fn write_int(out: &mut Vec<u8>, value: i64) {
    let mut buf = itoa::Buffer::new();
    out.extend_from_slice(buf.format(value).as_bytes());
}

/// Appends the shortest round-trip text of a finite float and returns true;
/// returns false (and appends nothing) for NaN and infinities, which have no
/// portable text: each format decides what stands in for them.
#[inline]
pub(crate) fn write_float(out: &mut Vec<u8>, value: f64) -> bool {
    if !value.is_finite() {
        return false;
    }
    let mut buf = ryu::Buffer::new();
    out.extend_from_slice(buf.format_finite(value).as_bytes());
    true
}

#[inline]
pub(crate) fn write_bool(out: &mut Vec<u8>, value: bool) {
    out.extend_from_slice(if value { b"true" } else { b"false" });
}

/// Appends list items joined with `, ` (how CSV and XLSX show labels).
pub(crate) fn write_joined(out: &mut Vec<u8>, items: &[String]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        out.extend_from_slice(item.as_bytes());
    }
}

/// Appends `YYYY-MM-DD`.
#[inline]
pub(crate) fn write_date(out: &mut Vec<u8>, date: Date) {
    out.reserve(MAX_DATE_LEN);
    write_year(out, date.year());
    out.push(b'-');
    write_2(out, date.month() as u8);
    out.push(b'-');
    write_2(out, date.day() as u8);
}

/// `+009999-12-31`: an expanded year.
const MAX_DATE_LEN: usize = 14;
/// An expanded date, `T23:59:59.123456789` and `+23:59:59`.
const MAX_INSTANT_LEN: usize = MAX_DATE_LEN + 19 + 9;

/// How instants become text: the zone they are shown in and an optional
/// strftime pattern. Built once per writer.
#[derive(Debug, Clone)]
pub(crate) struct DateTimeText {
    zone: TimeZone,
    /// UTC is written with `Z` (and needs no zone lookup per cell).
    is_utc: bool,
    pattern: Option<String>,
}

impl DateTimeText {
    pub(crate) fn new(options: &FormatOptions) -> Self {
        DateTimeText {
            zone: options.timezone.clone(),
            is_utc: is_utc_name(&options.timezone_name) || options.timezone.iana_name() == Some("UTC"),
            pattern: options.date_format.clone(),
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
    pub(crate) fn write(&self, out: &mut Vec<u8>, ts: Timestamp) -> Result<(), FormatError> {
        match &self.pattern {
            None => {
                self.write_iso(out, ts);
                Ok(())
            }
            Some(pattern) => {
                let start = out.len();
                let zoned = ts.to_zoned(self.zone.clone());
                let result = jiff::fmt::strtime::BrokenDownTime::from(&zoned).format(pattern.as_str(), &mut *out);
                result.map_err(|e| {
                    // Leave no half-written date behind in the file.
                    out.truncate(start);
                    FormatError::Invalid(format!("dateFormat cannot render {ts}: {e}"))
                })
            }
        }
    }

    #[inline]
    fn write_iso(&self, out: &mut Vec<u8>, ts: Timestamp) {
        out.reserve(MAX_INSTANT_LEN);
        let offset = self.offset_at(ts);
        let dt = offset.to_datetime(ts);
        write_date(out, dt.date());
        out.push(b'T');
        write_2(out, dt.hour() as u8);
        out.push(b':');
        write_2(out, dt.minute() as u8);
        out.push(b':');
        write_2(out, dt.second() as u8);
        let nanos = dt.subsec_nanosecond();
        if nanos != 0 {
            write_fraction(out, nanos as u32);
        }
        if self.is_utc {
            out.push(b'Z');
        } else {
            write_offset(out, offset.seconds());
        }
    }
}

fn is_utc_name(name: &str) -> bool {
    matches!(name, "UTC" | "Etc/UTC" | "UCT" | "Etc/UCT" | "Zulu" | "Etc/Zulu" | "Universal" | "Etc/Universal")
}

/// Four-digit years; ISO-8601's expanded form (sign and six digits) for the
/// years jiff allows outside 0..=9999.
fn write_year(out: &mut Vec<u8>, year: i16) {
    if (0..=9999).contains(&year) {
        let y = year as u16;
        write_2(out, (y / 100) as u8);
        write_2(out, (y % 100) as u8);
    } else {
        out.push(if year < 0 { b'-' } else { b'+' });
        let y = year.unsigned_abs() as u32;
        write_2(out, (y / 10_000) as u8);
        write_2(out, ((y / 100) % 100) as u8);
        write_2(out, (y % 100) as u8);
    }
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

/// Two digits of `n` (callers pass 0..=99).
#[inline]
fn write_2(out: &mut Vec<u8>, n: u8) {
    let i = usize::from(n % 100) * 2;
    out.extend_from_slice(&PAIRS[i..i + 2]);
}

/// `.` and the nanoseconds without trailing zeros (`.5`, `.123`).
fn write_fraction(out: &mut Vec<u8>, mut nanos: u32) {
    let mut digits = [b'0'; 9];
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (nanos % 10) as u8;
        nanos /= 10;
    }
    let len = 9 - digits.iter().rev().take_while(|&&d| d == b'0').count();
    out.push(b'.');
    out.extend_from_slice(&digits[..len]);
}

/// `+01:00`, `-05:30`; seconds only for the historical offsets that have them.
fn write_offset(out: &mut Vec<u8>, seconds: i32) {
    out.push(if seconds < 0 { b'-' } else { b'+' });
    let abs = seconds.unsigned_abs();
    write_2(out, (abs / 3600) as u8);
    out.push(b':');
    write_2(out, ((abs / 60) % 60) as u8);
    let rest = abs % 60;
    if rest != 0 {
        out.push(b':');
        write_2(out, rest as u8);
    }
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
    fn numbers_are_the_shortest_round_trip_text() {
        assert_eq!(text(|o| write_int(o, -9_223_372_036_854_775_808)), "-9223372036854775808");
        assert_eq!(text(|o| write_int(o, 42)), "42");
        assert_eq!(text(|o| assert!(write_float(o, 0.1 + 0.2))), "0.30000000000000004");
        assert_eq!(text(|o| assert!(write_float(o, 1.5))), "1.5");
        assert_eq!(text(|o| assert!(write_float(o, 1e21))), "1e21");
        assert_eq!(text(|o| assert!(!write_float(o, f64::NAN))), "");
        assert_eq!(text(|o| assert!(!write_float(o, f64::NEG_INFINITY))), "");
    }

    #[test]
    fn bools_lists_and_dates_have_fixed_text() {
        assert_eq!(text(|o| write_bool(o, true)), "true");
        assert_eq!(text(|o| write_bool(o, false)), "false");
        assert_eq!(text(|o| write_joined(o, &["a".into(), "b c".into()])), "a, b c");
        assert_eq!(text(|o| write_joined(o, &[])), "");
        assert_eq!(text(|o| write_date(o, jiff::civil::date(2026, 1, 2))), "2026-01-02");
        assert_eq!(text(|o| write_date(o, jiff::civil::date(-5, 3, 4))), "-000005-03-04");
    }

    #[test]
    fn instants_are_iso_in_utc_with_z() {
        let dt = DateTimeText::new(&FormatOptions::default());
        let ts: Timestamp = "2026-01-02T03:04:05Z".parse().unwrap();
        assert_eq!(text(|o| dt.write(o, ts).unwrap()), "2026-01-02T03:04:05Z");
        let ts: Timestamp = "2026-01-02T03:04:05.120Z".parse().unwrap();
        assert_eq!(text(|o| dt.write(o, ts).unwrap()), "2026-01-02T03:04:05.12Z");
    }

    #[test]
    fn instants_in_a_zone_carry_its_offset_across_dst() {
        let dt = DateTimeText::new(&options(Some("Europe/Berlin"), None));
        let winter: Timestamp = "2026-01-02T03:04:05Z".parse().unwrap();
        let summer: Timestamp = "2026-07-02T03:04:05Z".parse().unwrap();
        assert_eq!(text(|o| dt.write(o, winter).unwrap()), "2026-01-02T04:04:05+01:00");
        assert_eq!(text(|o| dt.write(o, summer).unwrap()), "2026-07-02T05:04:05+02:00");
        let dt = DateTimeText::new(&options(Some("America/St_Johns"), None));
        assert_eq!(text(|o| dt.write(o, winter).unwrap()), "2026-01-01T23:34:05-03:30");
    }

    #[test]
    fn date_format_is_a_strftime_pattern_in_the_zone() {
        let dt = DateTimeText::new(&options(Some("Europe/Berlin"), Some("%d.%m.%Y %H:%M %Z")));
        let ts: Timestamp = "2026-01-02T23:30:00Z".parse().unwrap();
        assert_eq!(text(|o| dt.write(o, ts).unwrap()), "03.01.2026 00:30 CET");
        assert!(dt.is_free_form());
    }
}
