//! Jira's date and date-time texts. Jira writes offsets without a colon
//! (`2022-06-09T16:29:32.382-0700`), which RFC 3339 parsers refuse; date
//! fields are plain `2024-12-30`. Documentation examples also use epoch
//! milliseconds as integers, which are accepted for date-time fields.

use jiff::civil::Date;
use jiff::Timestamp;

/// A Jira date-time: `2022-06-09T16:29:32.382-0700`, `…+00:00`, `…Z`.
pub fn parse_datetime(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(t) = text.parse::<Timestamp>() {
        return Some(t);
    }
    with_offset_colon(text)?.parse().ok()
}

/// A Jira date (`2024-12-30`), or the date part of a date-time.
pub fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    text.get(..10).and_then(|d| d.parse().ok()).filter(|_| text.len() == 10 || text.as_bytes()[10] == b'T')
}

/// Epoch milliseconds, as Jira's examples and changelog use.
pub fn from_epoch_millis(ms: i64) -> Option<Timestamp> {
    Timestamp::from_millisecond(ms).ok()
}

/// `…-0700` → `…-07:00`; None when the text does not end in such an offset.
fn with_offset_colon(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let n = bytes.len();
    if n < 5 {
        return None;
    }
    let (sign, digits) = (bytes[n - 5], &bytes[n - 4..]);
    if !matches!(sign, b'+' | b'-') || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(format!("{}:{}", &text[..n - 2], &text[n - 2..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_with_and_without_colon_parse_to_the_same_instant() {
        let t = parse_datetime("2022-06-09T16:29:32.382-0700").unwrap();
        assert_eq!(t.to_string(), "2022-06-09T23:29:32.382Z");
        assert_eq!(parse_datetime("2022-06-09T16:29:32.382-07:00"), Some(t));
        assert_eq!(parse_datetime("2022-06-09T23:29:32.382Z"), Some(t));
        assert_eq!(parse_datetime("2011-12-15T15:35:06.000+1300").unwrap().to_string(), "2011-12-15T02:35:06Z");
        assert_eq!(parse_datetime("2023-06-24T19:24:50.000+0000").unwrap().to_string(), "2023-06-24T19:24:50Z");
        assert_eq!(parse_datetime("Today 12:51 AM"), None);
        assert_eq!(parse_datetime("30/Dec/24"), None);
        assert_eq!(parse_datetime("-0700"), None);
    }

    #[test]
    fn dates_are_plain_or_the_date_of_a_datetime() {
        assert_eq!(parse_date("2024-12-30"), Some(jiff::civil::date(2024, 12, 30)));
        assert_eq!(parse_date("2022-12-09T00:00:00.000-0800"), Some(jiff::civil::date(2022, 12, 9)));
        assert_eq!(parse_date("2024-12-3"), None);
        assert_eq!(parse_date("2024-12-301"), None);
        assert_eq!(from_epoch_millis(1).unwrap().to_string(), "1970-01-01T00:00:00.001Z");
    }
}
