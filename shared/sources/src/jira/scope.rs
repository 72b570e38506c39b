//! What one export searches: the report's JQL with the export's date range
//! turned into JQL clauses. `issues`: `fromDate` → `updated >= "…"`.
//! `timeInStatus` like `issues`. `worklogs`: the range narrows the issues to those with worklogs on the
//! range's days (`worklogDate`, a day wider on each side, since Jira's day
//! boundaries are the user's), and the worklogs themselves are then kept
//! exactly by `started`.

use ferry_core::model::report::ReportType;
use ferry_core::ports::source::SourceError;
use ferry_core::FieldError;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::Value as Json;

use super::client::JiraClient;
use super::dates::parse_datetime;
use super::jql::{combine, date_literal, datetime_literal, user_time_zone, widened};
use super::myself::Myself;
use super::search::Issue;

#[derive(Debug, Clone)]
pub struct SearchScope {
    pub report_type: ReportType,
    pub user_jql: Option<String>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
}

impl SearchScope {
    /// An issue updated before `fromDate` in the minute JQL rounded down
    /// to: the search returned it, and the export leaves it out.
    pub fn updated_before_from(&self, issue: &Issue) -> bool {
        let updated = issue.fields.get("updated").and_then(Json::as_str).and_then(parse_datetime);
        matches!((self.from, updated), (Some(from), Some(u)) if u < from)
    }

    /// The JQL to run. Asks Jira for the user's time zone only when a date
    /// has to be written.
    pub async fn jql(&self, client: &JiraClient) -> Result<String, SourceError> {
        let needs_dates = match self.report_type {
            ReportType::Issues | ReportType::TimeInStatus | ReportType::Dataset => self.from.is_some(),
            ReportType::Worklogs => self.from.is_some() || self.to.is_some(),
        };
        let zone = if needs_dates {
            let me = Myself::fetch(client).await?;
            Some(user_time_zone(me.time_zone.as_deref()))
        } else {
            None
        };
        let jql = combine(self.user_jql.as_deref(), &self.clauses(zone.flatten()));
        if jql.trim().is_empty() {
            return Err(SourceError::Invalid(FieldError::new(
                "query",
                "a Jira report needs a JQL query (Jira refuses searches without a restriction), like project = ABC",
            )));
        }
        Ok(jql)
    }

    /// The date clauses, in `zone` (None: unknown, so written wider in UTC).
    fn clauses(&self, zone: Option<TimeZone>) -> Vec<String> {
        let (tz, extra_days, since) = match zone {
            Some(tz) => (tz, 0, self.from),
            None => (TimeZone::UTC, 1, self.from.map(widened)),
        };
        match self.report_type {
            ReportType::Issues | ReportType::TimeInStatus | ReportType::Dataset => {
                since.map(|t| format!("updated >= {}", datetime_literal(t, &tz))).into_iter().collect()
            }
            ReportType::Worklogs => {
                let mut out = Vec::new();
                if let Some(from) = self.from {
                    out.push(format!("worklogDate >= {}", date_literal(from, &tz, -1 - extra_days)));
                }
                if let Some(to) = self.to {
                    out.push(format!("worklogDate <= {}", date_literal(to, &tz, 1 + extra_days)));
                }
                out
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(report_type: ReportType, from: Option<&str>, to: Option<&str>) -> SearchScope {
        SearchScope {
            report_type,
            user_jql: Some("project = SIM ORDER BY key".into()),
            from: from.map(|f| f.parse().unwrap()),
            to: to.map(|t| t.parse().unwrap()),
        }
    }

    #[test]
    fn issue_reports_filter_on_updated_in_the_users_zone() {
        let s = scope(ReportType::Issues, Some("2026-01-05T08:30:59Z"), None);
        let tz = TimeZone::get("Europe/Berlin").ok();
        assert_eq!(
            combine(s.user_jql.as_deref(), &s.clauses(tz)),
            "(project = SIM) AND updated >= \"2026-01-05 09:30\" ORDER BY key"
        );
        assert_eq!(s.clauses(None), ["updated >= \"2026-01-04 18:30\""], "unknown zone: 14 hours earlier, as UTC");
    }

    #[test]
    fn worklog_reports_narrow_issues_by_worklog_days_with_a_margin() {
        let s = scope(ReportType::Worklogs, Some("2026-01-05T08:30:00Z"), Some("2026-02-01T00:00:00Z"));
        let tz = TimeZone::get("America/New_York").ok();
        assert_eq!(s.clauses(tz), ["worklogDate >= \"2026-01-04\"", "worklogDate <= \"2026-02-01\""]);
        assert_eq!(s.clauses(None), ["worklogDate >= \"2026-01-03\"", "worklogDate <= \"2026-02-03\""]);
        assert!(scope(ReportType::Worklogs, None, None).clauses(None).is_empty());
    }
}
