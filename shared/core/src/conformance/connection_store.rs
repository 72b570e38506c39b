//! Conformance suite of the `ConnectionStore` port: round trips, replace,
//! delete, and lists that show a user their own connections plus the site's.

use std::collections::HashSet;
use std::sync::Arc;

use jiff::Timestamp;

use crate::model::connection::{Connection, ConnectionKind, ConnectionScope};
use crate::model::ids::{random_80, ulid_id, IdKind};
use crate::model::page::PageRequest;
use crate::ports::connection_store::ConnectionStore;
use crate::PortError;

fn connection(ms: u64, owner: &str, scope: ConnectionScope) -> Connection {
    let at = Timestamp::from_millisecond(ms as i64).expect("valid instant");
    let mut settings = serde_json::Map::new();
    settings.insert("baseUrl".into(), "https://example.atlassian.net".into());
    settings.insert("email".into(), format!("{owner}@example.org").into());
    settings.insert("apiToken".into(), "tok-\"quoted\", ünïcode\nline".into());
    Connection {
        id: ulid_id(IdKind::Connection, ms, random_80()),
        name: format!("{owner}'s Jira"),
        kind: ConnectionKind::Jira,
        settings,
        scope,
        owner: owner.to_string(),
        created_at: at,
        updated_at: at,
    }
}

/// All ids `list_connections(owner)` returns, page by page.
async fn list_all(store: &dyn ConnectionStore, owner: Option<&str>, size: u32) -> (Vec<String>, usize) {
    let mut seen = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = store
            .list_connections(owner, &PageRequest { size, cursor: cursor.take() })
            .await
            .expect("list_connections");
        pages += 1;
        assert!(page.items.len() <= size as usize, "a page holds at most its size");
        seen.extend(page.items.into_iter().map(|c| c.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
        assert!(pages < 100, "list_connections never ends");
    }
    (seen, pages)
}

/// Checks every `ConnectionStore` promise. Needs an empty store.
pub async fn connection_store_conformance(store: Arc<dyn ConnectionStore>) {
    let store = store.as_ref();
    let base = 1_700_000_000_000;
    let alice = connection(base, "alice", ConnectionScope::User);
    let bob = connection(base + 1, "bob", ConnectionScope::User);
    let site = connection(base + 2, "admin", ConnectionScope::Site);
    for c in [&alice, &bob, &site] {
        store.insert_connection(c).await.expect("insert_connection");
    }
    assert_eq!(store.get_connection(&alice.id).await.expect("get"), Some(alice.clone()), "stored as given");
    assert_eq!(store.get_connection(&site.id).await.expect("get"), Some(site.clone()));
    assert_eq!(store.get_connection("con_unknown").await.expect("get"), None);

    // Errors callers branch on: a taken id, an update of nothing.
    let got = store.insert_connection(&alice).await;
    assert!(matches!(got, Err(PortError::Conflict(_))), "a second insert of one id gave {got:?}");
    let never = connection(base + 9, "alice", ConnectionScope::User);
    let got = store.update_connection(&never).await;
    assert!(matches!(got, Err(PortError::NotFound(_))), "an update of an unknown connection gave {got:?}");
    assert_eq!(store.get_connection(&never.id).await.expect("get"), None, "an update creates nothing");

    // Replace: every field comes back as written, lists follow the new owner and scope.
    let mut moved = bob.clone();
    moved.name = "Renamed".into();
    moved.owner = "carol".into();
    moved.scope = ConnectionScope::Site;
    moved.settings.insert("email".into(), "carol@example.org".into());
    moved.updated_at = Timestamp::from_millisecond(base as i64 + 50).expect("valid instant");
    store.update_connection(&moved).await.expect("update_connection");
    assert_eq!(store.get_connection(&bob.id).await.expect("get"), Some(moved.clone()));
    let (of_bob, _) = list_all(store, Some("bob"), 10).await;
    assert_eq!(of_bob, vec![bob.id.clone(), site.id.clone()], "bob now sees the site ones only");
    store.update_connection(&bob).await.expect("update_connection");

    // Lists: all, or own plus site, in id order.
    let (all, _) = list_all(store, None, 10).await;
    assert_eq!(all, vec![alice.id.clone(), bob.id.clone(), site.id.clone()]);
    let (of_alice, _) = list_all(store, Some("alice"), 10).await;
    assert_eq!(of_alice, vec![alice.id.clone(), site.id.clone()]);
    let (of_bob, _) = list_all(store, Some("bob"), 10).await;
    assert_eq!(of_bob, vec![bob.id.clone(), site.id.clone()]);
    let (of_nobody, _) = list_all(store, Some("nobody"), 10).await;
    assert_eq!(of_nobody, vec![site.id.clone()], "a user with none still sees the site ones");
    let first = store.list_connections(None, &PageRequest::first(1)).await.expect("list");
    assert_eq!(first.items, vec![alice.clone()], "lists return whole connections");

    // Delete.
    assert!(store.delete_connection(&alice.id).await.expect("delete"));
    assert!(!store.delete_connection(&alice.id).await.expect("delete"), "a second delete finds nothing");
    assert_eq!(store.get_connection(&alice.id).await.expect("get"), None);
    let (all, _) = list_all(store, None, 10).await;
    assert_eq!(all, vec![bob.id.clone(), site.id.clone()]);

    // Paging: 250 of one user plus the site one, 100 at a time.
    let mut expected = vec![site.id.clone()];
    for i in 0..250 {
        let c = connection(base + 1000 + i, "pager", ConnectionScope::User);
        store.insert_connection(&c).await.expect("insert_connection");
        expected.push(c.id);
    }
    expected.sort();
    let (seen, pages) = list_all(store, Some("pager"), 100).await;
    assert_eq!(pages, 3, "251 connections make 3 pages of 100");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), seen.len(), "no connection twice");
    assert_eq!(seen, expected, "every connection once, in id order");
    let (seen, pages) = list_all(store, None, 100).await;
    assert_eq!((seen.len(), pages), (252, 3));
    let (seen, pages) = list_all(store, Some("pager"), 251).await;
    assert_eq!((seen.len(), pages), (251, 1), "no cursor when the page ends at the last item");

    for bad in ["not a cursor", "bm9wZQ"] {
        let got = store.list_connections(None, &PageRequest { size: 10, cursor: Some(bad.into()) }).await;
        assert!(matches!(got, Err(PortError::BadCursor)), "cursor {bad:?} gave {got:?}");
    }
}
