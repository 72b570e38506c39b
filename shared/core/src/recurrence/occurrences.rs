//! The iterator behind [`Recurrence::occurrences_after`]: it jumps from one
//! occurrence date to the next with calendar arithmetic (no day-by-day scan),
//! and converts each date to its instant once.

use jiff::civil::Date;
use jiff::Timestamp;

use super::rule::{Occurrence, Recurrence};

/// Occurrences of a recurrence strictly after an instant, in order.
#[derive(Debug, Clone)]
pub struct Occurrences<'r> {
    rule: &'r Recurrence,
    after: Timestamp,
    /// The next date to consider; `None` once exhausted.
    from: Option<Date>,
}

impl<'r> Occurrences<'r> {
    pub(crate) fn new(rule: &'r Recurrence, after: Timestamp) -> Self {
        // An occurrence's instant is its local date at the wall time, moved
        // forward at most by a gap's length, so none dated two days before the
        // local date of `after` can fall after it. Starting there (and
        // filtering by instant) keeps the iterator exact without assuming
        // anything about where `after` sits in the day.
        let local = after.to_zoned(rule.timezone().clone()).date();
        let from = local.checked_sub(jiff::Span::new().days(2)).unwrap_or(local);
        Occurrences { rule, after, from: Some(from) }
    }
}

impl Iterator for Occurrences<'_> {
    type Item = Occurrence;

    fn next(&mut self) -> Option<Occurrence> {
        loop {
            let date = self.rule.calendar().first_on_or_after(self.from?);
            let Some(date) = date else {
                self.from = None;
                return None;
            };
            self.from = date.tomorrow().ok();
            let Some(occurrence) = self.rule.occurrence_on(date) else {
                continue;
            };
            if occurrence.at > self.after {
                return Some(occurrence);
            }
        }
    }
}
