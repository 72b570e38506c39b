//! Excel's date serials: days since 1899-12-30 with the time of day as the
//! fraction, in the 1900 date system that every new workbook uses.
//!
//! Excel counts a 29 February 1900 that never was (Lotus 1-2-3 compatibility),
//! so 1900-01-01 is serial 1 and dates before 1900-03-01 sit one lower than a
//! plain day count. Dates before 1900 have no serial at all: the XLSX writer
//! writes them as text instead.

use jiff::civil::{Date, DateTime};

/// The serial of a date, or None before 1900-01-01.
pub(crate) fn date_serial(date: Date) -> Option<f64> {
    if date.year() < 1900 {
        return None;
    }
    let days = days_from_civil(date) - days_from_civil(jiff::civil::date(1899, 12, 30));
    // 1900-03-01 is the 61st day counting from 1899-12-30, and serial 61.
    let serial = if days < 61 { days - 1 } else { days };
    Some(serial as f64)
}

/// The serial of a wall-clock date-time, or None before 1900-01-01.
pub(crate) fn datetime_serial(dt: DateTime) -> Option<f64> {
    let day = date_serial(dt.date())?;
    let nanos_of_day = ((i64::from(dt.hour()) * 60 + i64::from(dt.minute())) * 60 + i64::from(dt.second()))
        * 1_000_000_000
        + i64::from(dt.subsec_nanosecond());
    Some(day + nanos_of_day as f64 / 86_400e9)
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`): exact integer
/// arithmetic, no spans, no errors.
fn days_from_civil(date: Date) -> i64 {
    let (y, m, d) = (i64::from(date.year()), i64::from(date.month()), i64::from(date.day()));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn serials_match_excel_including_the_1900_leap_bug() {
        assert_eq!(date_serial(date(1900, 1, 1)), Some(1.0));
        assert_eq!(date_serial(date(1900, 2, 28)), Some(59.0));
        assert_eq!(date_serial(date(1900, 3, 1)), Some(61.0));
        // calamine's date.xlsx fixture: 44197.0 = 2021-01-01.
        assert_eq!(date_serial(date(2021, 1, 1)), Some(44197.0));
        // rust_xlsxwriter's bootstrap61.xlsx fixture: 44951.75 = 2023-01-25 18:00.
        assert_eq!(datetime_serial(date(2023, 1, 25).at(18, 0, 0, 0)), Some(44951.75));
        assert_eq!(date_serial(date(1899, 12, 31)), None);
    }

    #[test]
    fn days_from_civil_counts_from_the_unix_epoch() {
        assert_eq!(days_from_civil(date(1970, 1, 1)), 0);
        assert_eq!(days_from_civil(date(2000, 3, 1)), 11_017);
        assert_eq!(days_from_civil(date(1969, 12, 31)), -1);
    }
}
