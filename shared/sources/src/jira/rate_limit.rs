//! The request-rate ceiling per Jira site, shared by every client of one site
//! in this process (two exports of one site split one budget).
//!
//! It is a token bucket one token deep, refilled `N` times a second: requests
//! go out evenly, at least `1/N` s apart, measured from when each was let
//! through. A deeper bucket would let `2N` requests into one second across a
//! refill, and Jira counts its own seconds, not ours; with even spacing no
//! one-second window, however it is aligned, holds more than `N`.
//!
//! When connections to one site ask for different ceilings, the lowest of
//! those currently reading wins: the politest setting protects the site.
//! A site is an origin (`scheme://host:port`). The budget is per process: the
//! local runtime shares it between all its workers; on AWS each export
//! Lambda instance paces itself.
//!
//! Time comes from the clock port given where a budget is made, so the
//! pacing is tested on a manual clock. A clock that steps back (the wall
//! clock corrected) makes the last grant lie in the future: pacing then
//! starts again from now rather than waiting out the step.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use ferry_core::ports::clock::Clock;
use jiff::{SignedDuration, Timestamp};

/// The shared pacing state of one site.
#[derive(Debug, Default)]
struct SiteLimiter {
    state: Mutex<PaceState>,
}

#[derive(Debug, Default)]
struct PaceState {
    /// When the last request was let through.
    last: Option<Timestamp>,
    /// Ceilings (requests per second) of the live budgets, with their counts.
    ceilings: BTreeMap<u32, usize>,
}

impl PaceState {
    /// One over the lowest live ceiling of the site, rounded up to the
    /// nanosecond: rounded down, `N` spacings would fall short of a second.
    fn interval(&self, own_rate: u32) -> SignedDuration {
        let rate = i64::from(self.ceilings.keys().next().copied().unwrap_or(own_rate).max(1));
        SignedDuration::from_nanos((1_000_000_000 + rate - 1) / rate)
    }
}

/// One client's handle on its site's pacing. Dropping it withdraws its ceiling.
pub struct SiteBudget {
    limiter: Arc<SiteLimiter>,
    rate: u32,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for SiteBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SiteBudget").field("rate", &self.rate).finish_non_exhaustive()
    }
}

fn registry() -> &'static Mutex<HashMap<String, Weak<SiteLimiter>>> {
    static SITES: OnceLock<Mutex<HashMap<String, Weak<SiteLimiter>>>> = OnceLock::new();
    SITES.get_or_init(Default::default)
}

impl SiteBudget {
    /// The budget of `site` (`scheme://host:port`) for a client allowed
    /// `rate` requests per second, paced by `clock`.
    pub fn for_site(site: &str, rate: u32, clock: Arc<dyn Clock>) -> SiteBudget {
        let rate = rate.max(1);
        let mut sites = registry().lock().expect("rate registry lock");
        sites.retain(|_, limiter| limiter.strong_count() > 0);
        let limiter = match sites.get(site).and_then(Weak::upgrade) {
            Some(l) => l,
            None => {
                let l = Arc::new(SiteLimiter::default());
                sites.insert(site.to_string(), Arc::downgrade(&l));
                l
            }
        };
        *limiter.state.lock().expect("rate lock").ceilings.entry(rate).or_default() += 1;
        SiteBudget { limiter, rate, clock }
    }

    /// The spacing in force now: one over the lowest live ceiling of the site.
    #[cfg(test)]
    pub fn interval(&self) -> SignedDuration {
        self.limiter.state.lock().expect("rate lock").interval(self.rate)
    }

    /// Lets one request through now if the spacing allows (and books it),
    /// else says how long until it does.
    fn try_book(&self) -> Result<(), SignedDuration> {
        let mut state = self.limiter.state.lock().expect("rate lock");
        let interval = state.interval(self.rate);
        let now = self.clock.now();
        match state.last {
            Some(last) if last <= now && now < last + interval => Err((last + interval).duration_since(now)),
            _ => {
                state.last = Some(now);
                Ok(())
            }
        }
    }

    /// Waits until one more request may go to the site, and books it.
    pub async fn acquire(&self) {
        while let Err(wait) = self.try_book() {
            tokio::time::sleep(wait.unsigned_abs()).await;
        }
    }
}

impl Drop for SiteBudget {
    fn drop(&mut self) {
        let mut state = self.limiter.state.lock().expect("rate lock");
        if let Some(count) = state.ceilings.get_mut(&self.rate) {
            *count -= 1;
            if *count == 0 {
                state.ceilings.remove(&self.rate);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_core::ports::clock::ManualClock;

    fn clock() -> Arc<ManualClock> {
        Arc::new(ManualClock::new("2026-06-01T08:00:00Z".parse().expect("an instant")))
    }

    fn ms(n: i64) -> SignedDuration {
        SignedDuration::from_millis(n)
    }

    /// Requests that keep asking (each waiting what it is told, on the
    /// manual clock) until `n` were let through: the instants of the grants.
    fn greedy_grants(budget: &SiteBudget, clock: &ManualClock, n: usize) -> Vec<Timestamp> {
        let mut at = Vec::new();
        while at.len() < n {
            match budget.try_book() {
                Ok(()) => at.push(clock.now()),
                Err(wait) => clock.advance(wait),
            }
        }
        at
    }

    #[test]
    fn requests_are_spaced_by_the_ceiling_and_idle_time_is_not_banked() {
        let clock = clock();
        let budget = SiteBudget::for_site("http://pace.test:1", 50, clock.clone());
        let t0 = clock.now();
        assert_eq!(budget.try_book(), Ok(()));
        assert_eq!(budget.try_book(), Err(ms(20)), "the next one waits a 50th of a second");
        clock.advance(ms(19));
        assert_eq!(budget.try_book(), Err(ms(1)));
        clock.advance(ms(1));
        assert_eq!(budget.try_book(), Ok(()));
        assert_eq!(greedy_grants(&budget, &clock, 4), [t0 + ms(40), t0 + ms(60), t0 + ms(80), t0 + ms(100)]);
        // Ten idle seconds buy no burst: the second request after them still waits.
        clock.advance(SignedDuration::from_secs(10));
        assert_eq!(budget.try_book(), Ok(()));
        assert_eq!(budget.try_book(), Err(ms(20)));
    }

    #[test]
    fn no_one_second_window_holds_more_than_the_ceiling() {
        let clock = clock();
        let budget = SiteBudget::for_site("http://window.test:1", 7, clock.clone());
        // Bursts of asks at uneven moments, each ask retried until let through.
        let mut grants = Vec::new();
        for gap in [0, 3, 900, 1, 250, 2_000, 40, 0, 1_300] {
            clock.advance(ms(gap));
            grants.extend(greedy_grants(&budget, &clock, 5));
        }
        assert_eq!(grants.len(), 45);
        for (i, first) in grants.iter().enumerate() {
            let in_window = grants[i..].iter().take_while(|t| **t < *first + SignedDuration::from_secs(1)).count();
            assert!(in_window <= 7, "{in_window} grants in the second from {first}: {grants:?}");
        }
    }

    #[test]
    fn clients_of_one_site_share_a_budget_and_the_lowest_ceiling_wins() {
        let clock = clock();
        let fast = SiteBudget::for_site("http://shared.test:1", 100, clock.clone());
        assert_eq!(fast.interval(), ms(10));
        let slow = SiteBudget::for_site("http://shared.test:1", 40, clock.clone());
        assert_eq!(fast.interval(), ms(25), "the politest ceiling wins");
        assert_eq!(fast.try_book(), Ok(()));
        assert_eq!(slow.try_book(), Err(ms(25)), "one budget for both clients");
        clock.advance(ms(25));
        assert_eq!(slow.try_book(), Ok(()));
        assert_eq!(fast.try_book(), Err(ms(25)));
        drop(slow);
        assert_eq!(fast.interval(), ms(10), "back to 100/s once the slow client left");
        assert_eq!(fast.try_book(), Err(ms(10)));
        // Another site keeps its own budget.
        let other = SiteBudget::for_site("http://other.test:1", 1, clock.clone());
        assert_eq!((other.interval(), fast.interval()), (SignedDuration::from_secs(1), ms(10)));
        assert_eq!(other.try_book(), Ok(()), "the shared site's spacing is not the other site's");
    }

    #[test]
    fn a_clock_that_steps_back_restarts_the_pacing_instead_of_waiting_out_the_step() {
        let clock = clock();
        let budget = SiteBudget::for_site("http://stepped.test:1", 10, clock.clone());
        assert_eq!(budget.try_book(), Ok(()));
        clock.advance(SignedDuration::from_hours(-1));
        assert_eq!(budget.try_book(), Ok(()));
        assert_eq!(budget.try_book(), Err(ms(100)));
    }

    #[tokio::test]
    async fn acquire_waits_until_the_clock_allows_the_next_request() {
        let clock = clock();
        let budget = SiteBudget::for_site("http://acquire.test:1", 20, clock.clone());
        budget.acquire().await;
        let mut next = std::pin::pin!(budget.acquire());
        // Polled once: the clock has not moved, so the request is held back.
        let held = tokio::time::timeout(std::time::Duration::ZERO, next.as_mut()).await;
        assert!(held.is_err(), "a second request at the same instant must wait");
        clock.advance(ms(50));
        next.await;
        assert_eq!(budget.try_book(), Err(ms(50)), "the held request was booked when the clock allowed it");
    }
}
