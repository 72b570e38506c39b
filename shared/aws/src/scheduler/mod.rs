//! EventBridge Scheduler: the timers that fire Ferry schedules on AWS, and the
//! event those timers deliver to the trigger function.

pub mod event_bridge_timers;
pub mod timer_event;

pub use event_bridge_timers::{EventBridgeTimers, TimerTargets};
pub use timer_event::TimerEvent;
