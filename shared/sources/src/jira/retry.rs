//! When and how long to wait before asking Jira again. 429 and 503 carry a
//! `Retry-After` (seconds or an HTTP date) that is honoured, plus a little
//! jitter so clients told the same second do not return in lockstep; other
//! 5xx answers and network failures back off exponentially with jitter.

use std::time::Duration;

use jiff::Timestamp;
use rand::Rng;

/// Attempts and waits of one request.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Tries in all, the first one included.
    pub max_attempts: u32,
    /// Tries in all when there was no answer (refused, reset, timed out):
    /// usually a wrong address, so a user testing a connection is told soon.
    pub max_network_attempts: u32,
    /// First backoff without `Retry-After`; doubled each attempt.
    pub base_backoff: Duration,
    /// Longest backoff without `Retry-After`.
    pub max_backoff: Duration,
    /// Longest `Retry-After` honoured; a longer one is waited this long, then retried.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            max_network_attempts: 3,
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(300),
        }
    }
}

/// What an answer means for the request that got it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Done,
    RetryAfter(Duration),
    GiveUp,
}

impl RetryPolicy {
    /// Whether attempt number `attempt` (1-based) that ended with `status`
    /// (None: no answer, a network error) is tried again, and after how long.
    pub fn verdict(&self, attempt: u32, status: Option<u16>, retry_after: Option<Duration>) -> Verdict {
        let retryable = match status {
            None => true,
            Some(429 | 500 | 502 | 503 | 504) => true,
            Some(_) => false,
        };
        if !retryable {
            return Verdict::Done;
        }
        let limit = if status.is_none() { self.max_network_attempts } else { self.max_attempts };
        if attempt >= limit {
            return Verdict::GiveUp;
        }
        let wait = match (status, retry_after) {
            (Some(429 | 503), Some(after)) => after.min(self.max_retry_after) + jitter(after / 10, 250),
            _ => self.backoff(attempt),
        };
        Verdict::RetryAfter(wait)
    }

    /// Exponential backoff with "equal jitter": half fixed, half random.
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.base_backoff.saturating_mul(1 << attempt.saturating_sub(1).min(16));
        let capped = exp.min(self.max_backoff);
        capped / 2 + jitter(capped / 2, u64::MAX)
    }
}

/// A random extra wait of up to `spread` (and at most `cap_ms` milliseconds).
fn jitter(spread: Duration, cap_ms: u64) -> Duration {
    let max = (spread.as_millis() as u64).min(cap_ms);
    if max == 0 {
        return Duration::ZERO;
    }
    Duration::from_millis(rand::thread_rng().gen_range(0..=max))
}

/// A `Retry-After` value: delta seconds (`"7"`) or an HTTP date, seen at `now`.
pub fn parse_retry_after(value: &str, now: Timestamp) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let ahead = at.duration_since(now);
    Some(Duration::try_from(ahead).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_seconds_or_an_http_date() {
        let now: Timestamp = "2026-03-01T10:00:00Z".parse().unwrap();
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("Sun, 01 Mar 2026 10:00:30 GMT", now), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after("Sun, 01 Mar 2026 09:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn throttling_waits_retry_after_plus_a_little_jitter() {
        let p = RetryPolicy::default();
        for _ in 0..50 {
            match p.verdict(1, Some(429), Some(Duration::from_secs(2))) {
                Verdict::RetryAfter(d) => {
                    assert!(d >= Duration::from_secs(2) && d <= Duration::from_millis(2200), "{d:?}")
                }
                other => panic!("{other:?}"),
            }
        }
        match p.verdict(1, Some(503), Some(Duration::from_secs(3600))) {
            Verdict::RetryAfter(d) => assert!(d <= Duration::from_secs(301), "capped: {d:?}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn server_errors_back_off_exponentially_with_jitter_then_give_up() {
        let p = RetryPolicy::default();
        let waits: Vec<Duration> = (1..8)
            .map(|a| match p.verdict(a, Some(500), None) {
                Verdict::RetryAfter(d) => d,
                other => panic!("{other:?}"),
            })
            .collect();
        assert!(waits[0] >= Duration::from_millis(250) && waits[0] <= Duration::from_millis(500), "{waits:?}");
        assert!(waits[3] >= Duration::from_secs(2) && waits[3] <= Duration::from_secs(4), "{waits:?}");
        assert!(waits[6] >= Duration::from_secs(15) && waits[6] <= Duration::from_secs(30), "{waits:?}");
        assert_eq!(p.verdict(8, Some(502), None), Verdict::GiveUp);
        assert!(matches!(p.verdict(2, None, None), Verdict::RetryAfter(_)), "network errors are retried");
        assert_eq!(p.verdict(3, None, None), Verdict::GiveUp, "but fewer times");
    }

    #[test]
    fn client_errors_are_final() {
        let p = RetryPolicy::default();
        for status in [200, 400, 401, 403, 404] {
            assert_eq!(p.verdict(1, Some(status), Some(Duration::from_secs(1))), Verdict::Done);
        }
    }
}
