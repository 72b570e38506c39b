//! Conformance suite of the `KeyStore` port: storage by hash, id-ordered
//! paging, and the last-admin rule, including two admins deleted at once.

use std::collections::HashSet;
use std::sync::Arc;

use jiff::Timestamp;
use tokio::sync::Barrier;

use crate::model::api_key::{hash_key, ApiKey, Role};
use crate::model::ids::{random_80, ulid_id, IdKind};
use crate::model::page::PageRequest;
use crate::ports::key_store::{KeyDeleteOutcome, KeyStore};
use crate::PortError;

fn key(ms: u64, role: Role, user: &str) -> ApiKey {
    let id = ulid_id(IdKind::Key, ms, random_80());
    ApiKey {
        hash: hash_key(&format!("secret-of-{id}")),
        id,
        user: user.to_string(),
        email: Some(format!("{user}@example.org")),
        role,
        created_at: Timestamp::from_millisecond(ms as i64).expect("valid instant"),
        last_used_at: None,
    }
}

/// Checks every `KeyStore` promise. Needs an empty store and a multi-threaded
/// tokio runtime (the last-admin race runs on several threads).
pub async fn key_store_conformance(store: Arc<dyn KeyStore>) {
    assert_eq!(store.count_keys().await.expect("count_keys"), 0, "a fresh store has no keys");
    let empty = store.list_keys(&PageRequest::first(10)).await.expect("list_keys");
    assert!(empty.items.is_empty() && empty.next_cursor.is_none(), "an empty list has no cursor");

    let mut base = 1_700_000_000_000;
    let admin = key(base, Role::Admin, "ada");
    let member = key(base + 1, Role::Member, "max");
    store.insert_key(&admin).await.expect("insert admin");
    store.insert_key(&member).await.expect("insert member");
    assert_eq!(store.count_keys().await.expect("count_keys"), 2);
    assert_eq!(store.find_key_by_hash(&admin.hash).await.expect("find"), Some(admin.clone()));
    assert_eq!(store.find_key_by_hash(&member.hash).await.expect("find"), Some(member.clone()));
    assert_eq!(store.find_key_by_hash(&hash_key("never-issued")).await.expect("find"), None);
    assert_eq!(store.find_key_by_id(&member.id).await.expect("find by id"), Some(member.clone()));
    assert_eq!(store.find_key_by_id("key_never_issued").await.expect("find by id"), None);

    // Email and last use change; the lookup by hash sees the change.
    let mut changed = member.clone();
    changed.email = Some("max@example.com".into());
    changed.last_used_at = Some(Timestamp::from_millisecond(base as i64 + 60_000).expect("valid instant"));
    assert!(store.update_key(&changed).await.expect("update_key"));
    assert_eq!(store.find_key_by_hash(&member.hash).await.expect("find"), Some(changed.clone()));
    assert_eq!(store.find_key_by_id(&member.id).await.expect("find by id"), Some(changed.clone()));
    let listed = store.list_keys(&PageRequest::first(10)).await.expect("list_keys");
    assert!(listed.items.contains(&changed), "the list shows the change");
    let mut member = changed;
    member.email = None;
    assert!(store.update_key(&member).await.expect("update_key"), "an email can be removed");
    let ghost = key(base + 3, Role::Member, "ghost");
    assert!(!store.update_key(&ghost).await.expect("update_key"), "no such key: nothing written");
    assert_eq!(store.find_key_by_hash(&ghost.hash).await.expect("find"), None);
    assert_eq!(store.count_keys().await.expect("count_keys"), 2);

    // One hash, one key: a second key with a stored hash is a conflict.
    let mut twin = key(base + 2, Role::Member, "eve");
    twin.hash = member.hash.clone();
    let got = store.insert_key(&twin).await;
    assert!(matches!(got, Err(PortError::Conflict(_))), "a key with a stored hash gave {got:?}");
    assert_eq!(store.count_keys().await.expect("count_keys"), 2, "nothing written");

    // Members go freely; the only admin does not.
    assert_eq!(store.delete_key(&member.id).await.expect("delete"), KeyDeleteOutcome::Deleted);
    assert_eq!(store.delete_key(&member.id).await.expect("delete"), KeyDeleteOutcome::NotFound);
    assert_eq!(store.find_key_by_hash(&member.hash).await.expect("find"), None);
    assert_eq!(store.find_key_by_id(&member.id).await.expect("find by id"), None);
    assert_eq!(store.delete_key(&admin.id).await.expect("delete"), KeyDeleteOutcome::LastAdmin);
    assert_eq!(store.find_key_by_hash(&admin.hash).await.expect("find"), Some(admin.clone()));
    assert_eq!(store.count_keys().await.expect("count_keys"), 1);

    // Two admins deleted at the same moment: exactly one may go.
    let mut survivor = admin.clone();
    for round in 0..10 {
        base += 10;
        let other = key(base, Role::Admin, &format!("admin{round}"));
        store.insert_key(&other).await.expect("insert admin");
        let barrier = Arc::new(Barrier::new(2));
        let tasks: Vec<_> = [survivor.id.clone(), other.id.clone()]
            .into_iter()
            .map(|id| {
                let (store, barrier) = (Arc::clone(&store), Arc::clone(&barrier));
                tokio::spawn(async move {
                    barrier.wait().await;
                    store.delete_key(&id).await.expect("delete_key")
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.expect("task"));
        }
        let deleted = outcomes.iter().filter(|o| **o == KeyDeleteOutcome::Deleted).count();
        let refused = outcomes.iter().filter(|o| **o == KeyDeleteOutcome::LastAdmin).count();
        assert_eq!((deleted, refused), (1, 1), "round {round}: last two admins deleted at once gave {outcomes:?}");
        survivor = if outcomes[0] == KeyDeleteOutcome::Deleted { other } else { survivor };
        assert!(store.find_key_by_hash(&survivor.hash).await.expect("find").is_some());
        assert_eq!(store.count_keys().await.expect("count_keys"), 1);
    }

    // Paging: 250 members plus the surviving admin, in id order.
    let mut expected = vec![survivor.id.clone()];
    for i in 0..250 {
        let k = key(base + 100 + i, Role::Member, &format!("user{i}"));
        store.insert_key(&k).await.expect("insert member");
        expected.push(k.id);
    }
    expected.sort();
    assert_eq!(store.count_keys().await.expect("count_keys"), 251);
    let mut seen = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = store.list_keys(&PageRequest { size: 100, cursor: cursor.take() }).await.expect("list_keys");
        pages += 1;
        assert!(page.items.len() <= 100, "a page holds at most its size");
        seen.extend(page.items.into_iter().map(|k| k.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
        assert!(pages < 10, "list_keys never ends");
    }
    assert_eq!(pages, 3, "251 keys make 3 pages of 100");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), seen.len(), "no key twice");
    assert_eq!(seen, expected, "every key once, in id order");

    // A page that ends exactly at the last item has no next cursor.
    let whole = store.list_keys(&PageRequest::first(251)).await.expect("list_keys");
    assert_eq!(whole.items.len(), 251);
    assert_eq!(whole.next_cursor, None, "no cursor when nothing follows");

    for bad in ["not a cursor", "bm9wZQ"] {
        let got = store.list_keys(&PageRequest { size: 10, cursor: Some(bad.into()) }).await;
        assert!(matches!(got, Err(PortError::BadCursor)), "cursor {bad:?} gave {got:?}");
    }
}
