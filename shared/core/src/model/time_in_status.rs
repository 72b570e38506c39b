//! The options of a `timeInStatus` report (SPEC "Sources", `timeInStatus`),
//! as saved with the report, and their check on save: every bad option is a
//! 400 naming it (`timeInStatus.calendar.hours`). The working calendar they
//! describe is parsed into `time_in_status::WorkingCalendar`.

use serde::{Deserialize, Serialize};

use crate::time_in_status::WorkingCalendar;
use crate::FieldError;

/// The JSON field that holds these options in a report.
pub const FIELD: &str = "timeInStatus";

/// One row per issue, or one row per issue and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    #[default]
    Wide,
    Long,
}

/// How a duration is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DurationUnit {
    /// A number, 2 decimals.
    #[default]
    Hours,
    /// A number, 2 decimals; a day is 24 hours, or a working day on a calendar.
    Days,
    /// A whole number.
    Minutes,
    /// A whole number.
    Seconds,
    /// Text: `3d 4h 5m`.
    Duration,
}

/// A working calendar as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CalendarInput {
    /// IANA zone the working hours are read in.
    #[schema(example = "Europe/Berlin")]
    pub timezone: String,
    /// `MON`…`SUN`; default Monday to Friday.
    #[serde(default = "default_workdays")]
    #[schema(example = json!(["MON", "TUE", "WED", "THU", "FRI"]))]
    pub workdays: Vec<String>,
    /// `HH:MM-HH:MM`, the end after the start (`24:00` allowed as the end); default `09:00-17:00`.
    #[serde(default = "default_hours")]
    #[schema(example = "09:00-17:00")]
    pub hours: String,
    /// Dates (`YYYY-MM-DD`) that are not worked.
    #[serde(default)]
    #[schema(example = json!(["2026-12-25"]))]
    pub holidays: Vec<String>,
}

fn default_workdays() -> Vec<String> {
    ["MON", "TUE", "WED", "THU", "FRI"].iter().map(|d| d.to_string()).collect()
}

fn default_hours() -> String {
    "09:00-17:00".to_string()
}

/// The report's `timeInStatus` options.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TimeInStatusOptions {
    #[serde(default)]
    pub layout: Layout,
    #[serde(default)]
    pub unit: DurationUnit,
    /// Status names, in column order (wide) or as a filter (long); default: the site's statuses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statuses: Option<Vec<String>>,
    /// Null: 24/7.
    #[serde(default)]
    pub calendar: Option<CalendarInput>,
    /// Adds `Times in <status>` columns (wide).
    #[serde(default)]
    pub status_count: bool,
}

/// Status names Ferry accepts in `statuses` at most.
const MAX_STATUSES: usize = 500;

impl TimeInStatusOptions {
    /// Checks what serde cannot: status names, the calendar.
    pub fn check(&self) -> Result<(), FieldError> {
        if let Some(statuses) = &self.statuses {
            let field = format!("{FIELD}.statuses");
            if statuses.is_empty() || statuses.len() > MAX_STATUSES {
                return Err(FieldError::new(
                    field,
                    format!("must list 1–{MAX_STATUSES} status names, or be left out for all of the site's"),
                ));
            }
            for (i, s) in statuses.iter().enumerate() {
                if s.trim().is_empty() || s.len() > 255 {
                    return Err(FieldError::new(format!("{field}[{i}]"), "must be a status name of 1–255 characters"));
                }
                if statuses[..i].contains(s) {
                    return Err(FieldError::new(format!("{field}[{i}]"), format!("lists \"{s}\" more than once")));
                }
            }
        }
        self.working_calendar().map(drop)
    }

    /// The parsed calendar; None for 24/7.
    pub fn working_calendar(&self) -> Result<Option<WorkingCalendar>, FieldError> {
        self.calendar.as_ref().map(|c| WorkingCalendar::parse(c, &format!("{FIELD}.calendar"))).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json_input::from_json_value;
    use serde_json::json;

    fn parse(v: serde_json::Value) -> Result<TimeInStatusOptions, FieldError> {
        let o: TimeInStatusOptions = from_json_value(&v, FIELD)?;
        o.check().map(|_| o)
    }

    #[test]
    fn defaults_are_wide_hours_all_statuses_around_the_clock() {
        let o = parse(json!({})).unwrap();
        assert_eq!(o, TimeInStatusOptions::default());
        assert_eq!(
            (o.layout, o.unit, o.statuses, o.calendar, o.status_count),
            (Layout::Wide, DurationUnit::Hours, None, None, false)
        );
        let c = parse(json!({"calendar": {"timezone": "Europe/Berlin"}})).unwrap().calendar.unwrap();
        assert_eq!((c.workdays.len(), c.hours.as_str()), (5, "09:00-17:00"));
    }

    #[test]
    fn each_bad_option_is_named() {
        let cases = [
            (json!({"layout": "diagonal"}), "timeInStatus.layout"),
            (json!({"unit": "weeks"}), "timeInStatus.unit"),
            (json!({"statusCount": "yes"}), "timeInStatus.statusCount"),
            (json!({"statuses": []}), "timeInStatus.statuses"),
            (json!({"statuses": ["Done", " "]}), "timeInStatus.statuses[1]"),
            (json!({"statuses": ["Done", "Done"]}), "timeInStatus.statuses[1]"),
            (json!({"colour": 1}), "timeInStatus.colour"),
            (json!({"calendar": {}}), "timeInStatus.calendar.timezone"),
            (json!({"calendar": {"timezone": "Mars/Olympus"}}), "timeInStatus.calendar.timezone"),
            (json!({"calendar": {"timezone": "UTC", "hours": "17:00-09:00"}}), "timeInStatus.calendar.hours"),
            (json!({"calendar": {"timezone": "UTC", "hours": "9-5"}}), "timeInStatus.calendar.hours"),
            (json!({"calendar": {"timezone": "UTC", "workdays": ["MON", "FUN"]}}), "timeInStatus.calendar.workdays"),
            (json!({"calendar": {"timezone": "UTC", "workdays": []}}), "timeInStatus.calendar.workdays"),
            (json!({"calendar": {"timezone": "UTC", "holidays": ["2026-02-30"]}}), "timeInStatus.calendar.holidays[0]"),
        ];
        for (input, field) in cases {
            let err = parse(input.clone()).expect_err(&input.to_string());
            assert_eq!(err.field, field, "{input}: {}", err.message);
        }
    }
}
