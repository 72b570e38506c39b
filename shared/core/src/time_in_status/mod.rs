//! Time in status (the Timepiece report): the pure engine behind the Jira
//! `timeInStatus` report type. `intervals` turns an issue's status changes
//! into time per status, `calendar` counts only working time, `unit` writes
//! durations as cells and `table` lays the rows out. The source fetches the
//! changelogs; everything here is computation, unit-tested beside it.

pub mod calendar;
pub mod intervals;
pub mod table;
pub mod unit;

pub use calendar::WorkingCalendar;
pub use intervals::{StatusChange, StatusHistory, StatusTime};
pub use table::StatusTable;
