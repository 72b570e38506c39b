//! The clock port. Every time decision (leases, expiry, signed URLs, schedules)
//! reads this, so tests move time instead of sleeping.

use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> Timestamp;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that stands still until told to move; for tests.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<Timestamp>,
}

impl ManualClock {
    pub fn new(start: Timestamp) -> Self {
        ManualClock { now: Mutex::new(start) }
    }
    pub fn set(&self, t: Timestamp) {
        *self.now.lock().expect("clock lock") = t;
    }
    pub fn advance(&self, by: SignedDuration) {
        let mut now = self.now.lock().expect("clock lock");
        *now = now.checked_add(by).expect("clock overflow");
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.now.lock().expect("clock lock")
    }
}
