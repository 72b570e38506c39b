//! The slice of JQL the simulator understands, enough for what Ferry sends:
//! `project = SIM`, `key <= SIM-300` (and `<`, `>=`, `>`), `updated >= "yyyy-MM-dd HH:mm"`
//! and `worklogDate >= / <= "yyyy-MM-dd"` (both read in the user's zone, as
//! Jira does), joined by `AND`, parentheses allowed, then `ORDER BY …`.
//! Anything else is refused with Jira's kind of message.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::Timestamp;

use super::dataset::{updated, worklog_count, worklog_started, USER_TIME_ZONE};

#[derive(Debug, Clone, Default)]
pub struct Query {
    key_min: Option<u32>,
    key_max: Option<u32>,
    updated_since: Option<Timestamp>,
    worklog_from: Option<Date>,
    worklog_to: Option<Date>,
}

fn zone() -> TimeZone {
    TimeZone::get(USER_TIME_ZONE).unwrap()
}

/// Parses `jql`; Err is the message of Jira's 400 answer.
pub fn parse(jql: &str, project: &str) -> Result<Query, String> {
    let lower = jql.to_ascii_lowercase();
    let filter = match lower.find("order by") {
        Some(i) => &jql[..i],
        None => jql,
    };
    let filter = filter.replace(['(', ')'], " ");
    if filter.trim().is_empty() {
        return Err("Unbounded JQL queries are not allowed here. Please add a search restriction to your query.".into());
    }
    let mut q = Query::default();
    let mut bounded = false;
    for clause in split_and(&filter) {
        let mut parts = clause.splitn(3, ' ');
        let (field, op, value) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let value = value.trim().trim_matches('"');
        match (field, op) {
            ("project", "=") if value.eq_ignore_ascii_case(project) => bounded = true,
            ("project", "=") => return Err(format!("The value '{value}' does not exist for the field 'project'.")),
            ("key", op) => {
                let n: u32 = value
                    .strip_prefix(&format!("{project}-"))
                    .and_then(|d| d.parse().ok())
                    .ok_or_else(|| format!("The issue key '{value}' for field 'key' is invalid."))?;
                match op {
                    "<=" => q.key_max = Some(n),
                    "<" => q.key_max = Some(n - 1),
                    ">=" => q.key_min = Some(n),
                    ">" => q.key_min = Some(n + 1),
                    "=" => (q.key_min, q.key_max) = (Some(n), Some(n)),
                    _ => return Err(format!("Error in the JQL Query: Expecting operator but got '{op}'.")),
                }
                bounded = true;
            }
            ("updated", ">=") => {
                let local: DateTime = jiff::fmt::strtime::parse("%Y-%m-%d %H:%M", value)
                    .and_then(|t| t.to_datetime())
                    .map_err(|_| format!("Date value '{value}' for field 'updated' is invalid."))?;
                q.updated_since = Some(local.to_zoned(zone()).map_err(|e| e.to_string())?.timestamp());
                // A date bounds the search too (a whole site's dataset has no project clause).
                bounded = true;
            }
            ("worklogDate", ">=" | "<=") => {
                let d: Date =
                    value.parse().map_err(|_| format!("Date value '{value}' for field 'worklogDate' is invalid."))?;
                if op == ">=" {
                    q.worklog_from = Some(d);
                } else {
                    q.worklog_to = Some(d);
                }
            }
            (f, "=" | ">=" | "<=" | "<" | ">" | "~" | "!=") if !f.is_empty() => {
                return Err(format!("Field '{f}' does not exist or you do not have permission to view it."))
            }
            (_, op) => return Err(format!("Error in the JQL Query: Expecting operator but got '{op}'.")),
        }
    }
    if !bounded {
        return Err("Unbounded JQL queries are not allowed here. Please add a search restriction to your query.".into());
    }
    Ok(q)
}

fn split_and(filter: &str) -> Vec<String> {
    let words: Vec<&str> = filter.split_whitespace().collect();
    let mut out = vec![String::new()];
    for w in words {
        if w.eq_ignore_ascii_case("and") {
            out.push(String::new());
        } else {
            let last = out.last_mut().unwrap();
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(w);
        }
    }
    out.retain(|c| !c.is_empty());
    out
}

impl Query {
    /// Whether issue `n` matches.
    pub fn matches(&self, n: u32) -> bool {
        if self.key_min.is_some_and(|m| n < m) || self.key_max.is_some_and(|m| n > m) {
            return false;
        }
        if self.updated_since.is_some_and(|since| updated(n) < since) {
            return false;
        }
        if self.worklog_from.is_some() || self.worklog_to.is_some() {
            let tz = zone();
            return (0..worklog_count(n)).any(|j| {
                let day = worklog_started(n, j).to_zoned(tz.clone()).date();
                self.worklog_from.is_none_or(|f| day >= f) && self.worklog_to.is_none_or(|t| day <= t)
            });
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clauses_ferry_writes_parse_and_others_are_refused() {
        let q = parse("(project = SIM AND key <= SIM-300) AND updated >= \"2025-01-05 09:30\" ORDER BY key", "SIM")
            .unwrap();
        assert_eq!(q.key_max, Some(300));
        assert_eq!(q.updated_since.unwrap().to_string(), "2025-01-05T17:30:00Z");
        assert!(parse("project = SIM AND bogus = 1", "SIM").unwrap_err().contains("Field 'bogus' does not exist"));
        assert!(parse("project = NOPE", "SIM").unwrap_err().contains("'NOPE' does not exist"));
        assert!(parse("", "SIM").unwrap_err().starts_with("Unbounded"));
    }
}
