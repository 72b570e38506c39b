//! Counts wrong API keys per client address, so guessing can be throttled
//! (SPEC, Authentication): one window per address, opened by its first
//! failure and lasting [`GUESS_WINDOW`]. Kept in the state store, so every
//! API process (every Lambda container) sees the same counts.

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};

use crate::PortError;

/// How long one window of counted failures lasts.
pub const GUESS_WINDOW: SignedDuration = SignedDuration::from_secs(60);

/// The failures of one address in its current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailedKeys {
    /// When the window opened (its first failure).
    pub since: Timestamp,
    pub count: u32,
}

#[async_trait]
pub trait FailedKeyStore: Send + Sync {
    /// Counts one wrong key from `address` at `now` and returns the window
    /// after it: a window older than [`GUESS_WINDOW`] is replaced by a new
    /// one of 1. Two failures at once both count (the update is atomic).
    async fn record_failed_key(&self, address: &str, now: Timestamp) -> Result<FailedKeys, PortError>;
    /// The current window of `address` at `now`; None when it has none or
    /// its window is over.
    async fn failed_keys(&self, address: &str, now: Timestamp) -> Result<Option<FailedKeys>, PortError>;
}
