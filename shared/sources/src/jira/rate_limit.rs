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

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

/// The shared pacing state of one site.
#[derive(Debug, Default)]
struct SiteLimiter {
    state: Mutex<PaceState>,
}

#[derive(Debug, Default)]
struct PaceState {
    /// When the last request was let through.
    last: Option<Instant>,
    /// Ceilings (requests per second) of the live budgets, with their counts.
    ceilings: BTreeMap<u32, usize>,
}

/// One client's handle on its site's pacing. Dropping it withdraws its ceiling.
#[derive(Debug)]
pub struct SiteBudget {
    limiter: Arc<SiteLimiter>,
    rate: u32,
}

fn registry() -> &'static Mutex<HashMap<String, Weak<SiteLimiter>>> {
    static SITES: OnceLock<Mutex<HashMap<String, Weak<SiteLimiter>>>> = OnceLock::new();
    SITES.get_or_init(Default::default)
}

impl SiteBudget {
    /// The budget of `site` (`scheme://host:port`) for a client allowed `rate` requests per second.
    pub fn for_site(site: &str, rate: u32) -> SiteBudget {
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
        SiteBudget { limiter, rate }
    }

    /// The spacing in force now: one over the lowest live ceiling of the site.
    #[cfg(test)]
    pub fn interval(&self) -> Duration {
        let state = self.limiter.state.lock().expect("rate lock");
        Duration::from_secs(1) / state.ceilings.keys().next().copied().unwrap_or(self.rate)
    }

    /// Waits until one more request may go to the site, and books it.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut state = self.limiter.state.lock().expect("rate lock");
                let interval = Duration::from_secs(1) / state.ceilings.keys().next().copied().unwrap_or(self.rate);
                let now = Instant::now();
                match state.last.map(|last| last + interval) {
                    Some(next) if next > now => next - now,
                    _ => {
                        state.last = Some(now);
                        return;
                    }
                }
            };
            tokio::time::sleep(wait).await;
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

    /// Grants of `n` acquires in a row, as offsets from the first.
    async fn grants(budget: &SiteBudget, n: usize) -> Vec<Duration> {
        let mut at = Vec::new();
        for _ in 0..n {
            budget.acquire().await;
            at.push(Instant::now());
        }
        at.iter().map(|t| *t - at[0]).collect()
    }

    #[tokio::test]
    async fn requests_are_spaced_by_the_ceiling() {
        let budget = SiteBudget::for_site("http://pace.test:1", 50);
        let at = grants(&budget, 6).await;
        for pair in at.windows(2) {
            assert!(pair[1] - pair[0] >= Duration::from_millis(20), "{at:?}");
        }
    }

    #[tokio::test]
    async fn clients_of_one_site_share_a_budget_and_the_lowest_ceiling_wins() {
        let fast = SiteBudget::for_site("http://shared.test:1", 100);
        assert_eq!(fast.interval(), Duration::from_millis(10));
        let slow = SiteBudget::for_site("http://shared.test:1", 40);
        assert_eq!(fast.interval(), Duration::from_millis(25), "the politest ceiling wins");
        fast.acquire().await;
        let first = Instant::now();
        slow.acquire().await;
        fast.acquire().await;
        // Two more requests of one shared budget at 40/s: at least 2 × 25 ms later.
        assert!(first.elapsed() >= Duration::from_millis(50), "{:?}", first.elapsed());
        drop(slow);
        assert_eq!(fast.interval(), Duration::from_millis(10), "back to 100/s once the slow client left");
        // Another site keeps its own budget.
        let other = SiteBudget::for_site("http://other.test:1", 1);
        assert_eq!((other.interval(), fast.interval()), (Duration::from_secs(1), Duration::from_millis(10)));
    }
}
