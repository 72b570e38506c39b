//! The recurrence engine: when a schedule runs.
//!
//! A [`RecurrenceInput`] (the JSON of SPEC "Schedules") parses into a valid
//! [`Recurrence`]: daily / weekly on weekdays / monthly on a day / yearly on a
//! month and day, every `interval` periods counted from `start`, at a wall-clock
//! `time` in an IANA `timezone`, until `end`. It answers "the occurrences after
//! instant T" and "which occurrence does this scheduler firing belong to".
//! [`scheduler_plan`] and [`gap_fixups`] translate it for EventBridge Scheduler.
//!
//! Layers, each in its own file: `input` (JSON + validation), `calendar` (which
//! local dates are occurrences; pure civil dates), `dst` (a local date and time
//! to an instant: RFC 5545 / Temporal `compatible`), `rule` + `occurrences` (the
//! public engine), `eventbridge` (the cron translation), `tzdb` (the bundled
//! time-zone database every lookup goes through).

mod calendar;
mod dst;
mod eventbridge;
mod input;
mod occurrences;
mod rule;
mod tzdb;

#[cfg(test)]
mod tests;

pub use eventbridge::{gap_fixups, next_gap_fixup, scheduler_plan, SchedulerPlan};
pub use input::{Frequency, RecurrenceInput};
pub use occurrences::Occurrences;
pub use rule::{Occurrence, Recurrence, WallClock};
pub use tzdb::{time_zone, tz_database};
