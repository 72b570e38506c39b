//! The rows of a `timeInStatus` file, from an issue's cells and its time
//! per status, in the report's layout (SPEC "Sources", `timeInStatus`):
//!
//! Each time column's header names the unit (`Time in To Do (hours)`),
//! except for `duration`, whose cells say their units.
//!
//! - `wide`: one row per issue: the issue columns, then `Time in <status>`
//!   for each status of the column list, then (with `statusCount`) `Times in
//!   <status>` for each. A status the issue never entered has an empty time
//!   and a count of 0. The column list is known before the first row, so
//!   the file streams.
//! - `long`: one row per issue and status, in the order the issue first
//!   entered them: the issue columns, then `Status`, `Time in status`,
//!   `Times entered`, `First entered`, `Last exited` (empty while the issue
//!   is still in it and never left it before). A `statuses` list keeps only
//!   those statuses.

use super::intervals::StatusTime;
use crate::model::time_in_status::{DurationUnit, Layout};
use crate::model::value::{Row, Value};

/// Headers the long layout adds after the issue columns.
pub const LONG_HEADERS: [&str; 5] = ["Status", "Time in status", "Times entered", "First entered", "Last exited"];

/// How an export lays out its rows.
#[derive(Debug, Clone)]
pub struct StatusTable {
    pub layout: Layout,
    pub unit: DurationUnit,
    /// Wide: the status columns in order. Long: the statuses kept (None: all).
    pub statuses: Option<Vec<String>>,
    pub status_count: bool,
    /// A day of the `days` unit: 24 hours, or a calendar's working day.
    pub day_millis: i64,
}

impl StatusTable {
    /// The file's headers after the issue columns' own.
    pub fn headers(&self, issue_headers: &[String]) -> Vec<String> {
        let mut headers = issue_headers.to_vec();
        let unit = self.unit.header_suffix().unwrap_or_default();
        match self.layout {
            Layout::Wide => {
                let statuses = self.statuses.as_deref().unwrap_or_default();
                headers.extend(statuses.iter().map(|s| format!("Time in {s}{unit}")));
                if self.status_count {
                    headers.extend(statuses.iter().map(|s| format!("Times in {s}")));
                }
            }
            Layout::Long => headers.extend(LONG_HEADERS.iter().map(|h| {
                if *h == "Time in status" {
                    format!("{h}{unit}")
                } else {
                    h.to_string()
                }
            })),
        }
        headers
    }

    /// The rows of one issue.
    pub fn rows(&self, issue: Row, times: &[StatusTime]) -> Vec<Row> {
        match self.layout {
            Layout::Wide => vec![self.wide_row(issue, times)],
            Layout::Long => times
                .iter()
                .filter(|t| self.statuses.as_ref().is_none_or(|kept| kept.contains(&t.status)))
                .map(|t| {
                    let mut row = issue.clone();
                    row.extend([
                        Value::Text(t.status.clone()),
                        self.unit.cell(t.millis, self.day_millis),
                        Value::Int(t.times_entered as i64),
                        Value::DateTime(t.first_entered),
                        t.last_exited.map_or(Value::Null, Value::DateTime),
                    ]);
                    row
                })
                .collect(),
        }
    }

    fn wide_row(&self, mut row: Row, times: &[StatusTime]) -> Row {
        let statuses = self.statuses.as_deref().unwrap_or_default();
        let find = |s: &String| times.iter().find(|t| t.status == *s);
        row.extend(statuses.iter().map(|s| find(s).map_or(Value::Null, |t| self.unit.cell(t.millis, self.day_millis))));
        if self.status_count {
            row.extend(statuses.iter().map(|s| Value::Int(find(s).map_or(0, |t| t.times_entered as i64))));
        }
        row
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn time(status: &str, hours: i64, entered: u32, last_exited: Option<&str>) -> StatusTime {
        StatusTime {
            status: status.into(),
            millis: hours * 3_600_000,
            times_entered: entered,
            first_entered: "2026-01-01T00:00:00Z".parse().unwrap(),
            last_exited: last_exited.map(|s| s.parse::<Timestamp>().unwrap()),
        }
    }

    fn table(layout: Layout, statuses: Option<&[&str]>, status_count: bool) -> StatusTable {
        StatusTable {
            layout,
            unit: DurationUnit::Hours,
            statuses: statuses.map(|s| s.iter().map(|x| x.to_string()).collect()),
            status_count,
            day_millis: 86_400_000,
        }
    }

    #[test]
    fn wide_rows_follow_the_status_columns_and_counts_come_after() {
        let t = table(Layout::Wide, Some(&["To Do", "Blocked", "Done"]), true);
        assert_eq!(
            t.headers(&["Key".into()]),
            [
                "Key",
                "Time in To Do (hours)",
                "Time in Blocked (hours)",
                "Time in Done (hours)",
                "Times in To Do",
                "Times in Blocked",
                "Times in Done"
            ]
        );
        let times =
            [time("Done", 2, 1, None), time("To Do", 3, 2, Some("2026-01-02T00:00:00Z")), time("Gone", 1, 1, None)];
        let rows = t.rows(vec![Value::Text("A-1".into())], &times);
        assert_eq!(
            rows,
            vec![vec![
                Value::Text("A-1".into()),
                Value::Decimal(3.0, 2),
                Value::Null,
                Value::Decimal(2.0, 2),
                Value::Int(2),
                Value::Int(0),
                Value::Int(1)
            ]]
        );
    }

    #[test]
    fn long_rows_are_one_per_status_entered_and_may_be_filtered() {
        let times = [time("To Do", 3, 1, Some("2026-01-02T00:00:00Z")), time("Done", 2, 1, None)];
        let all = table(Layout::Long, None, false);
        assert_eq!(all.headers(&["Key".into()])[2], "Time in status (hours)");
        let rows = all.rows(vec![Value::Text("A-1".into())], &times);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][1], Value::Text("To Do".into()));
        assert_eq!(rows[0][5], Value::DateTime("2026-01-02T00:00:00Z".parse().unwrap()));
        assert_eq!(rows[1][5], Value::Null);
        let done_only = table(Layout::Long, Some(&["Done"]), false).rows(vec![Value::Text("A-1".into())], &times);
        assert_eq!(done_only.len(), 1);
        assert_eq!(done_only[0][1], Value::Text("Done".into()));
    }
}
