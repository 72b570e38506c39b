//! Authentication: a presented key is hashed and looked up by its hash; the
//! stored hash is then compared in constant time.

use subtle::ConstantTimeEq;

use crate::error::CoreError;
use crate::model::api_key::{hash_key, Principal};
use crate::ports::failed_key_store::GUESS_WINDOW;
use crate::Ports;

pub async fn authenticate(ports: &Ports, presented: &str) -> Result<Principal, CoreError> {
    if presented.is_empty() || presented.len() > 512 {
        return Err(CoreError::Unauthorized);
    }
    let hash = hash_key(presented);
    let Some(key) = ports.keys.find_key_by_hash(&hash).await? else {
        return Err(CoreError::Unauthorized);
    };
    if !bool::from(key.hash.as_bytes().ct_eq(hash.as_bytes())) {
        return Err(CoreError::Unauthorized);
    }
    let key = crate::usecases::keys::note_use(ports, key).await;
    Ok(Principal { key_id: key.id, user: key.user, email: key.email, role: key.role })
}

/// Wrong keys from one address within a window before it is throttled.
pub const MAX_FAILED_KEYS: u32 = 10;

/// `authenticate`, throttled per client address (SPEC, Authentication):
/// once `address` has sent [`MAX_FAILED_KEYS`] wrong keys in its window,
/// every key from it, right ones included, is `TooManyRequests` until the
/// window ends, so a guess cannot be told apart by its answer. A wrong key
/// (an empty `presented` is one) is counted.
pub async fn authenticate_from(ports: &Ports, presented: &str, address: &str) -> Result<Principal, CoreError> {
    let now = ports.clock.now();
    if let Some(window) = ports.failed_keys.failed_keys(address, now).await? {
        if window.count >= MAX_FAILED_KEYS {
            let left = (window.since + GUESS_WINDOW).duration_since(now);
            // Whole seconds, rounded up: a client waiting that long is let in.
            let secs = (left.as_millis().max(1) as u64).div_ceil(1000);
            return Err(CoreError::TooManyRequests {
                message: "too many wrong API keys from this address; wait and try again".into(),
                retry_after_secs: secs,
            });
        }
    }
    match authenticate(ports, presented).await {
        Err(CoreError::Unauthorized) => {
            ports.failed_keys.record_failed_key(address, now).await?;
            Err(CoreError::Unauthorized)
        }
        other => other,
    }
}
