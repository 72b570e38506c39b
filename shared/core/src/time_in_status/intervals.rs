//! The duration engine: how long one issue spent in each status, from its
//! creation, its status changes in order, and the end of the export's view
//! (the export's `createdAt`, so a resumed or re-run export is identical).
//!
//! The first status lasts from `created` to the first change, each change
//! starts the next, and the current status lasts until the end. A status
//! entered several times adds up. Changes at or after the end are not yet
//! history for this export and are left out (the first one still says which
//! status the issue started in).

use jiff::Timestamp;

use super::calendar::WorkingCalendar;

/// One status change of an issue's changelog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub at: Timestamp,
    /// The status left (`fromString`); None when Jira did not say.
    pub from: Option<String>,
    /// The status entered (`toString`).
    pub to: String,
}

/// The time one issue spent in one status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusTime {
    pub status: String,
    /// Elapsed (24/7) or working milliseconds.
    pub millis: i64,
    /// How often the issue entered the status (its first status counts once).
    pub times_entered: u32,
    pub first_entered: Timestamp,
    /// When the issue last left the status; None if it never did.
    pub last_exited: Option<Timestamp>,
}

/// An issue's history as the changelog tells it.
#[derive(Debug, Clone)]
pub struct StatusHistory<'a> {
    pub created: Timestamp,
    /// The status now (the issue's `status` field), for an issue never changed.
    pub current: &'a str,
    /// Sorted by time (ties keep Jira's order).
    pub changes: &'a [StatusChange],
}

impl StatusHistory<'_> {
    /// Time per status until `end`, in the order the statuses were first entered.
    pub fn times(&self, end: Timestamp, calendar: Option<&WorkingCalendar>) -> Vec<StatusTime> {
        let first =
            self.changes.first().and_then(|c| c.from.as_deref()).filter(|s| !s.is_empty()).unwrap_or(self.current);
        let mut times: Vec<StatusTime> = Vec::new();
        let mut status = first.to_string();
        let mut since = self.created.min(end);
        enter(&mut times, &status, since);
        for change in self.changes.iter().take_while(|c| c.at < end) {
            if change.to == status {
                continue;
            }
            let at = change.at.max(since);
            leave(&mut times, &status, since, at, calendar);
            status = change.to.clone();
            since = at;
            enter(&mut times, &status, since);
        }
        let spent = measure(since, end, calendar);
        if let Some(t) = times.iter_mut().find(|t| t.status == status) {
            t.millis += spent;
        }
        times
    }
}

fn measure(from: Timestamp, to: Timestamp, calendar: Option<&WorkingCalendar>) -> i64 {
    match calendar {
        Some(c) => c.working_millis(from, to),
        None => (to.as_millisecond() - from.as_millisecond()).max(0),
    }
}

fn enter(times: &mut Vec<StatusTime>, status: &str, at: Timestamp) {
    match times.iter_mut().find(|t| t.status == status) {
        Some(t) => t.times_entered += 1,
        None => times.push(StatusTime {
            status: status.to_string(),
            millis: 0,
            times_entered: 1,
            first_entered: at,
            last_exited: None,
        }),
    }
}

fn leave(times: &mut [StatusTime], status: &str, since: Timestamp, at: Timestamp, c: Option<&WorkingCalendar>) {
    if let Some(t) = times.iter_mut().find(|t| t.status == status) {
        t.millis += measure(since, at, c);
        t.last_exited = Some(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time_in_status::CalendarInput;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn change(at: &str, from: &str, to: &str) -> StatusChange {
        StatusChange { at: ts(at), from: Some(from.into()), to: to.into() }
    }

    fn summary(times: &[StatusTime]) -> Vec<(&str, i64, u32)> {
        times.iter().map(|t| (t.status.as_str(), t.millis / 60_000, t.times_entered)).collect()
    }

    #[test]
    fn an_issue_never_changed_has_one_interval_until_the_end() {
        let h = StatusHistory { created: ts("2026-01-01T10:00:00Z"), current: "To Do", changes: &[] };
        let times = h.times(ts("2026-01-01T12:30:00Z"), None);
        assert_eq!(summary(&times), vec![("To Do", 150, 1)]);
        assert_eq!((times[0].first_entered, times[0].last_exited), (ts("2026-01-01T10:00:00Z"), None));
    }

    #[test]
    fn revisits_add_up_and_statuses_keep_the_order_first_entered() {
        let changes = [
            change("2026-01-01T11:00:00Z", "To Do", "In Progress"),
            change("2026-01-01T11:30:00Z", "In Progress", "Blocked"),
            change("2026-01-01T12:00:00Z", "Blocked", "In Progress"),
            change("2026-01-01T13:00:00Z", "In Progress", "Done"),
        ];
        let h = StatusHistory { created: ts("2026-01-01T10:00:00Z"), current: "Done", changes: &changes };
        let times = h.times(ts("2026-01-01T14:00:00Z"), None);
        assert_eq!(
            summary(&times),
            vec![("To Do", 60, 1), ("In Progress", 90, 2), ("Blocked", 30, 1), ("Done", 60, 1)]
        );
        let progress = &times[1];
        assert_eq!(progress.first_entered, ts("2026-01-01T11:00:00Z"));
        assert_eq!(progress.last_exited, Some(ts("2026-01-01T13:00:00Z")));
        assert_eq!(times[3].last_exited, None, "still Done");
    }

    #[test]
    fn the_first_status_comes_from_the_first_change_and_later_changes_are_not_history_yet() {
        let changes =
            [change("2026-01-01T11:00:00Z", "Open", "Doing"), change("2026-01-02T00:00:00Z", "Doing", "Done")];
        let h = StatusHistory { created: ts("2026-01-01T10:00:00Z"), current: "Done", changes: &changes };
        let times = h.times(ts("2026-01-01T12:00:00Z"), None);
        assert_eq!(summary(&times), vec![("Open", 60, 1), ("Doing", 60, 1)]);
        let before_any = h.times(ts("2026-01-01T10:30:00Z"), None);
        assert_eq!(summary(&before_any), vec![("Open", 30, 1)], "the status it had then, not its current one");
    }

    #[test]
    fn on_a_calendar_only_working_time_counts() {
        let cal = WorkingCalendar::parse(
            &CalendarInput {
                timezone: "UTC".into(),
                workdays: vec!["MON".into(), "TUE".into(), "WED".into(), "THU".into(), "FRI".into()],
                hours: "09:00-17:00".into(),
                holidays: vec![],
            },
            "calendar",
        )
        .unwrap();
        // Fri 2026-01-02 16:00 → Mon 2026-01-05 10:00 in progress: 1h + 1h.
        let changes = [change("2026-01-02T16:00:00Z", "To Do", "In Progress")];
        let h = StatusHistory { created: ts("2026-01-02T08:00:00Z"), current: "In Progress", changes: &changes };
        let times = h.times(ts("2026-01-05T10:00:00Z"), Some(&cal));
        assert_eq!(summary(&times), vec![("To Do", 7 * 60, 1), ("In Progress", 2 * 60, 1)]);
    }

    #[test]
    fn the_worked_example_of_the_readme() {
        let at = |s: &str| s.parse::<jiff::civil::DateTime>().unwrap().in_tz("Europe/Berlin").unwrap().timestamp();
        let changes = [
            StatusChange { at: at("2026-03-27T16:00"), from: Some("To Do".into()), to: "In Progress".into() },
            StatusChange { at: at("2026-03-31T11:00"), from: Some("In Progress".into()), to: "Done".into() },
        ];
        let h = StatusHistory { created: at("2026-03-23T10:00"), current: "Done", changes: &changes };
        let end = at("2026-04-01T09:00");
        let hours = |times: Vec<StatusTime>| times.iter().map(|t| t.millis / 3_600_000).collect::<Vec<_>>();
        assert_eq!(hours(h.times(end, None)), [102, 90, 22], "around the clock, the DST night is an hour short");
        let cal = WorkingCalendar::parse(
            &CalendarInput {
                timezone: "Europe/Berlin".into(),
                workdays: ["MON", "TUE", "WED", "THU", "FRI"].iter().map(|d| d.to_string()).collect(),
                hours: "09:00-17:00".into(),
                holidays: vec!["2026-03-30".into()],
            },
            "calendar",
        )
        .unwrap();
        assert_eq!(hours(h.times(end, Some(&cal))), [38, 3, 6]);
    }
}
