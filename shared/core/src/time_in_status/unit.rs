//! Durations as cells, in the report's `unit`. Numbers stay numbers (XLSX
//! gets numeric cells); only `duration` is text. Rounding is to the nearest,
//! halves up: hours and days to 2 decimals, minutes and seconds to whole ones.
//! This is the one rounding: hours and days are `Value::Decimal` cells, which
//! every file, the preview and the pages show with their 2 decimals.

use crate::model::time_in_status::DurationUnit;
use crate::model::value::Value;

const HOUR_MS: i64 = 3_600_000;
const MINUTE_MS: i64 = 60_000;

/// `a / b` rounded to the nearest whole number, halves up (`a >= 0`, `b > 0`).
fn round_div(a: i64, b: i64) -> i64 {
    (2 * a + b) / (2 * b)
}

impl DurationUnit {
    /// The cell for `millis`; `day_millis` is a day of the `days` unit and
    /// of `d` in `duration` (24 hours, or one working day on a calendar).
    pub fn cell(self, millis: i64, day_millis: i64) -> Value {
        let millis = millis.max(0);
        match self {
            DurationUnit::Hours => Value::Decimal(round_div(millis * 100, HOUR_MS) as f64 / 100.0, 2),
            DurationUnit::Days => Value::Decimal(round_div(millis * 100, day_millis.max(1)) as f64 / 100.0, 2),
            DurationUnit::Minutes => Value::Int(round_div(millis, MINUTE_MS)),
            DurationUnit::Seconds => Value::Int(round_div(millis, 1000)),
            DurationUnit::Duration => Value::Text(duration_text(round_div(millis, MINUTE_MS), day_millis / MINUTE_MS)),
        }
    }

    /// What a header says after the column's name (`Time in To Do (hours)`);
    /// None for `duration`, whose cells say their units.
    pub fn header_suffix(self) -> Option<&'static str> {
        match self {
            DurationUnit::Hours => Some(" (hours)"),
            DurationUnit::Days => Some(" (days)"),
            DurationUnit::Minutes => Some(" (minutes)"),
            DurationUnit::Seconds => Some(" (seconds)"),
            DurationUnit::Duration => None,
        }
    }
}

/// `3d 4h 5m`: only the parts that are not zero, `0m` for nothing.
fn duration_text(minutes: i64, day_minutes: i64) -> String {
    let day_minutes = day_minutes.max(1);
    let (days, rest) = (minutes / day_minutes, minutes % day_minutes);
    let parts = [(days, "d"), (rest / 60, "h"), (rest % 60, "m")];
    let text: Vec<String> = parts.iter().filter(|(n, _)| *n > 0).map(|(n, u)| format!("{n}{u}")).collect();
    if text.is_empty() {
        "0m".to_string()
    } else {
        text.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    #[test]
    fn each_unit_rounds_to_the_nearest() {
        let ms = 3 * DAY + 4 * HOUR_MS + 5 * MINUTE_MS + 29_500;
        assert_eq!(DurationUnit::Hours.cell(ms, DAY), Value::Decimal(76.09, 2));
        assert_eq!(DurationUnit::Days.cell(ms, DAY), Value::Decimal(3.17, 2));
        assert_eq!(DurationUnit::Minutes.cell(ms, DAY), Value::Int(4565));
        assert_eq!(DurationUnit::Seconds.cell(ms, DAY), Value::Int(273_930));
        assert_eq!(DurationUnit::Duration.cell(ms, DAY), Value::Text("3d 4h 5m".into()));
        assert_eq!(DurationUnit::Hours.cell(HOUR_MS / 200, DAY), Value::Decimal(0.01, 2), "a half hundredth rounds up");
        assert_eq!(DurationUnit::Seconds.cell(499, DAY), Value::Int(0));
    }

    #[test]
    fn a_working_day_is_the_calendars_day() {
        let eight = 8 * HOUR_MS;
        assert_eq!(DurationUnit::Days.cell(12 * HOUR_MS, eight), Value::Decimal(1.5, 2));
        assert_eq!(DurationUnit::Duration.cell(17 * HOUR_MS, eight), Value::Text("2d 1h".into()));
        assert_eq!(DurationUnit::Duration.cell(0, eight), Value::Text("0m".into()));
    }
}
