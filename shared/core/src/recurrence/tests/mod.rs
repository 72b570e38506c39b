//! Tests of the recurrence engine beyond the unit tests beside the code:
//! SPEC's tables (DST days, month ends, leap years, intervals, bounds), every
//! bad input, third-party vectors (libical RRULEs, zic's tzvalidate), and the
//! EventBridge property test against an independent cron evaluator.

mod bad_input;
mod cron_eval;
mod eventbridge_plan;
mod eventbridge_property;
mod libical;
mod libical_cases;
mod support;
mod table;
mod tzdata;
mod wall_clock;
