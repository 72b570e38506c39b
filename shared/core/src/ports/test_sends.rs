//! When each user last sent a destination test (`POST /v1/destinations/test`):
//! at most one per user every [`TEST_SEND_INTERVAL`]. Held in the process,
//! not the state store: the limit is there to stop a double click or a loop
//! of a script from sending many files at once, and a process (a Lambda
//! container) that forgets it on restart only allows one more test.

use std::collections::HashMap;
use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

/// At most one test per user in this span.
pub const TEST_SEND_INTERVAL: SignedDuration = SignedDuration::from_secs(10);

#[derive(Debug, Default)]
pub struct TestSends {
    last: Mutex<HashMap<String, Timestamp>>,
}

impl TestSends {
    /// Takes `user`'s turn at `now`: Ok when the last test was at least
    /// [`TEST_SEND_INTERVAL`] ago (or never), else Err(seconds to wait).
    pub fn take_turn(&self, user: &str, now: Timestamp) -> Result<(), u64> {
        let mut last = self.last.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(at) = last.get(user) {
            let since = now.duration_since(*at);
            if since < TEST_SEND_INTERVAL && since >= SignedDuration::ZERO {
                let left = (TEST_SEND_INTERVAL - since).as_secs_f64().ceil() as u64;
                return Err(left.max(1));
            }
        }
        last.retain(|_, at| now.duration_since(*at) < TEST_SEND_INTERVAL);
        last.insert(user.to_string(), now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_test_per_user_every_ten_seconds() {
        let sends = TestSends::default();
        let t: Timestamp = "2026-12-07T09:00:00Z".parse().unwrap();
        assert_eq!(sends.take_turn("ana", t), Ok(()));
        assert_eq!(sends.take_turn("ana", t + SignedDuration::from_secs(3)), Err(7));
        assert_eq!(sends.take_turn("ben", t + SignedDuration::from_secs(3)), Ok(()), "per user");
        assert_eq!(sends.take_turn("ana", t + SignedDuration::from_secs(10)), Ok(()));
    }
}
