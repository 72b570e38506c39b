//! A valid recurrence and its occurrences.
//!
//! An occurrence is identified by its local date (SPEC: "an occurrence is
//! identified by its local date"); its instant follows from the wall-clock
//! time under the DST rule of `dst.rs`.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::calendar::Calendar;
use super::dst;
use super::input::RecurrenceInput;
use super::occurrences::Occurrences;

/// When a schedule runs; always valid (built only by [`RecurrenceInput::parse`]).
#[derive(Debug, Clone)]
pub struct Recurrence {
    input: RecurrenceInput,
    tz: TimeZone,
    tz_name: String,
    time: Time,
    calendar: Calendar,
}

/// One run of a recurrence. Orders by date (then instant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Occurrence {
    /// The local date in the recurrence's zone; identifies the occurrence.
    pub date: Date,
    /// When it runs.
    pub at: Timestamp,
}

/// How an occurrence's wall-clock time met its zone's clock changes that
/// day. Only describes: the instant is decided by `dst.rs` either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WallClock {
    /// The time exists once: the run is at it.
    Exact,
    /// The time does not exist (clocks go forward): the run moved later by the gap.
    MovedByGap,
    /// The time happens twice (clocks go back): the run is at the first.
    RepeatedHour,
}

impl Recurrence {
    pub(crate) fn new(input: RecurrenceInput, tz: TimeZone, tz_name: String, time: Time, calendar: Calendar) -> Self {
        Recurrence { input, tz, tz_name, time, calendar }
    }

    /// The normalised input (interval and start filled in, names canonical),
    /// for responses and for storing: parsing it again gives the same recurrence.
    pub fn input(&self) -> RecurrenceInput {
        self.input.clone()
    }

    pub fn timezone(&self) -> &TimeZone {
        &self.tz
    }

    /// The canonical IANA name (`Europe/Berlin` even when sent as `europe/berlin`).
    pub fn timezone_name(&self) -> &str {
        &self.tz_name
    }

    /// The wall-clock time of every occurrence.
    pub fn time(&self) -> Time {
        self.time
    }

    /// The first local date (inclusive).
    pub fn start(&self) -> Date {
        self.calendar.start
    }

    /// The last local date (inclusive), if any.
    pub fn end(&self) -> Option<Date> {
        self.calendar.end
    }

    pub(crate) fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// Occurrences strictly after `after`, in order; finite when there is an `end`.
    pub fn occurrences_after(&self, after: Timestamp) -> Occurrences<'_> {
        Occurrences::new(self, after)
    }

    /// The occurrence whose local date is `date`, if that date is one.
    pub fn occurrence_on(&self, date: Date) -> Option<Occurrence> {
        if !self.calendar.contains(date) {
            return None;
        }
        Some(Occurrence { date, at: dst::instant_of(&self.tz, date, self.time)? })
    }

    /// Whether the wall time on `date` was moved by a DST gap or falls in a
    /// repeated hour (for saying so beside the run, as `Next runs` does).
    pub fn wall_clock_on(&self, date: Date) -> WallClock {
        match dst::classify(&self.tz, date.to_datetime(self.time)) {
            dst::WallTime::Unique => WallClock::Exact,
            dst::WallTime::InGap => WallClock::MovedByGap,
            dst::WallTime::InOverlap => WallClock::RepeatedHour,
        }
    }

    /// The occurrence a scheduler firing belongs to, decided by the local date
    /// of `scheduled_time` in the zone, so a firing a minute late, either
    /// instant of an overlap, or an `at()` fix-up all count; `None` when that
    /// date is not an occurrence.
    ///
    /// One refinement: a wall time in a gap that straddles midnight moves past
    /// it (23:45 in a 23:30→00:30 jump runs at 00:45 the next day), so a firing
    /// at exactly the previous date's occurrence instant belongs to that date.
    pub fn occurrence_for_firing(&self, scheduled_time: Timestamp) -> Option<Occurrence> {
        let local = scheduled_time.to_zoned(self.tz.clone()).date();
        if let Some(previous) = local.yesterday().ok().and_then(|d| self.occurrence_on(d)) {
            if previous.at == scheduled_time {
                return Some(previous);
            }
        }
        self.occurrence_on(local)
    }
}

impl PartialEq for Recurrence {
    fn eq(&self, other: &Self) -> bool {
        self.input == other.input
    }
}

impl Eq for Recurrence {}
