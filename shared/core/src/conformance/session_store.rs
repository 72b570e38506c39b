//! Conformance suite of the `SessionStore` and `FailedKeyStore` ports:
//! sessions found by hash until they expire or are deleted (one by one or
//! by key), and failure windows that count, expire and survive a race.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use crate::ports::failed_key_store::{FailedKeyStore, GUESS_WINDOW};
use crate::ports::session_store::{SessionStore, StoredSession};
use crate::PortError;

fn session(n: u32, key_id: &str, expires_at: Timestamp) -> StoredSession {
    StoredSession { id_hash: format!("{n:064x}"), key_id: key_id.to_string(), expires_at }
}

/// Checks every `SessionStore` promise on an empty store.
pub async fn session_store_conformance(store: Arc<dyn SessionStore>) {
    let now = Timestamp::from_second(1_800_000_000).expect("valid instant");
    let later = now + SignedDuration::from_hours(12);
    let (a, b, c) = (session(1, "key_a", later), session(2, "key_a", later), session(3, "key_b", later));
    for s in [&a, &b, &c] {
        store.insert_session(s, now).await.expect("insert_session");
    }
    assert!(
        matches!(store.insert_session(&a, now).await, Err(PortError::Conflict(_))),
        "a session hash already stored is a conflict"
    );
    assert_eq!(store.find_session(&a.id_hash, now).await.expect("find"), Some(a.clone()));
    assert_eq!(store.find_session(&format!("{:064x}", 9), now).await.expect("find"), None, "never stored");
    assert_eq!(store.find_session(&a.id_hash, later).await.expect("find"), None, "expired at expires_at");

    store.delete_session(&a.id_hash).await.expect("delete_session");
    store.delete_session(&a.id_hash).await.expect("deleting an ended session again is no error");
    assert_eq!(store.find_session(&a.id_hash, now).await.expect("find"), None, "signed out");
    assert_eq!(store.find_session(&b.id_hash, now).await.expect("find"), Some(b.clone()), "others stay");

    store.delete_sessions_of_key("key_a").await.expect("delete_sessions_of_key");
    assert_eq!(store.find_session(&b.id_hash, now).await.expect("find"), None, "the key's sessions end");
    assert_eq!(store.find_session(&c.id_hash, now).await.expect("find"), Some(c), "another key's stay");
    store.delete_sessions_of_key("key_none").await.expect("a key without sessions is no error");
}

/// Checks every `FailedKeyStore` promise on an empty store.
pub async fn failed_key_store_conformance(store: Arc<dyn FailedKeyStore>) {
    let t0 = Timestamp::from_second(1_800_000_000).expect("valid instant");
    assert_eq!(store.failed_keys("192.0.2.1", t0).await.expect("failed_keys"), None);
    for i in 1..=3u32 {
        let at = t0 + SignedDuration::from_secs(i64::from(i));
        let w = store.record_failed_key("192.0.2.1", at).await.expect("record");
        assert_eq!((w.since, w.count), (t0 + SignedDuration::from_secs(1), i), "failures count in one window");
    }
    let inside = t0 + SignedDuration::from_secs(30);
    let w = store.failed_keys("192.0.2.1", inside).await.expect("failed_keys").expect("a window");
    assert_eq!(w.count, 3);
    assert_eq!(store.failed_keys("2001:db8::1", inside).await.expect("failed_keys"), None, "per address");

    let after = t0 + SignedDuration::from_secs(1) + GUESS_WINDOW;
    assert_eq!(store.failed_keys("192.0.2.1", after).await.expect("failed_keys"), None, "the window is over");
    let w = store.record_failed_key("192.0.2.1", after).await.expect("record");
    assert_eq!((w.since, w.count), (after, 1), "a failure after the window opens a new one");

    // Failures at once all count.
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.record_failed_key("198.51.100.7", t0).await.expect("record") })
        })
        .collect();
    for t in tasks {
        t.await.expect("task");
    }
    let w = store.failed_keys("198.51.100.7", t0).await.expect("failed_keys").expect("a window");
    assert_eq!(w.count, 8, "concurrent failures are all counted");
}
