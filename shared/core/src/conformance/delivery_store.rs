//! Conformance suite of the `DeliveryStore` port: round trips, one delivery
//! per (export, destination), versioned updates, the list of an export in
//! destination order, the link lookup, and the insert and update races.

use std::sync::Arc;

use jiff::Timestamp;

use super::race::{race, RACERS};
use crate::model::deliver_when::SkipReason;
use crate::model::delivery::{AttemptOutcome, Delivery, DeliveryAttempt, DeliveryStatus};
use crate::model::destination::DestinationType;
use crate::model::ids::{random_80, ulid_id, IdKind};
use crate::ports::delivery_store::DeliveryStore;

const BASE: u64 = 1_700_000_000_000;

fn at(ms: u64) -> Timestamp {
    Timestamp::from_millisecond(ms as i64).expect("valid instant")
}

fn delivery(ms: u64, export_id: &str, destination: u32) -> Delivery {
    Delivery {
        destination,
        ..Delivery::pending(
            ulid_id(IdKind::Delivery, ms, random_80()),
            export_id,
            "sch_conformance",
            DestinationType::Webhook,
            at(ms),
        )
    }
}

/// A delivery with every optional part filled, to check nothing is lost.
fn full_delivery(ms: u64, export_id: &str) -> Delivery {
    Delivery {
        destination_id: Some("dst_01JAAAAAAAAAAAAAAAAAAAAAAA".into()),
        kind: DestinationType::Link,
        status: DeliveryStatus::Failed,
        attempts: vec![
            DeliveryAttempt {
                at: at(ms + 1),
                outcome: AttemptOutcome::Failed,
                error: Some("connection refused: \"ö\"".into()),
                bytes_sent: 0,
                answer: None,
                duration_ms: Some(10_001),
            },
            DeliveryAttempt {
                at: at(ms + 2),
                outcome: AttemptOutcome::Delivered,
                error: None,
                bytes_sent: 1 << 40,
                answer: Some("HTTP 200 OK".into()),
                duration_ms: Some(3),
            },
        ],
        round_start: 1,
        link_token_hash: Some("ab".repeat(32)),
        not_before: Some(at(ms + 3)),
        updated_at: at(ms + 4),
        version: 2,
        ..delivery(ms, export_id, 7)
    }
}

/// Checks every `DeliveryStore` promise. Needs an empty store and a
/// multi-threaded tokio runtime (the races run on several threads).
pub async fn delivery_store_conformance(store: Arc<dyn DeliveryStore>) {
    round_trips(store.as_ref()).await;
    one_per_destination(store.as_ref()).await;
    versioned_updates(store.as_ref()).await;
    lists_and_links(store.as_ref()).await;
    for round in 0..5 {
        insert_race(&store, round).await;
        update_race(&store, round).await;
    }
}

async fn round_trips(store: &dyn DeliveryStore) {
    let full = full_delivery(BASE, "exp_round_trip");
    assert!(store.insert_delivery(&full).await.expect("insert"));
    assert_eq!(store.get_delivery(&full.id).await.expect("get"), Some(full.clone()), "every field survives");
    assert_eq!(store.get_delivery("dlv_unknown").await.expect("get"), None);
    let skipped = Delivery {
        status: DeliveryStatus::Skipped,
        skip_reason: Some(SkipReason::Unchanged),
        ..delivery(BASE + 1, "exp_round_trip", 8)
    };
    assert!(store.insert_delivery(&skipped).await.expect("insert"));
    assert_eq!(store.get_delivery(&skipped.id).await.expect("get"), Some(skipped), "a skip and its reason survive");
}

async fn one_per_destination(store: &dyn DeliveryStore) {
    let export = "exp_one_per_destination";
    let first = delivery(BASE + 10, export, 0);
    assert!(store.insert_delivery(&first).await.expect("insert"));
    let again = delivery(BASE + 11, export, 0);
    assert!(!store.insert_delivery(&again).await.expect("insert"), "a second delivery of destination 0 is refused");
    assert_eq!(store.get_delivery(&again.id).await.expect("get"), None, "and nothing is written");
    assert!(store.insert_delivery(&delivery(BASE + 12, export, 1)).await.expect("insert"), "another destination");
    assert!(store.insert_delivery(&delivery(BASE + 13, "exp_other", 0)).await.expect("insert"), "another export");
}

async fn versioned_updates(store: &dyn DeliveryStore) {
    let original = delivery(BASE + 20, "exp_versions", 0);
    assert!(store.insert_delivery(&original).await.expect("insert"));
    let mut mine = original.clone();
    let mut stale = original.clone();
    mine.status = DeliveryStatus::Delivered;
    mine.attempts.push(DeliveryAttempt {
        at: at(BASE + 21),
        outcome: AttemptOutcome::Delivered,
        error: None,
        bytes_sent: 42,
        answer: None,
        duration_ms: None,
    });
    assert!(store.update_delivery(&mut mine).await.expect("update"), "the current version writes");
    assert_eq!(mine.version, original.version + 1, "a write bumps the caller's version");
    assert_eq!(store.get_delivery(&mine.id).await.expect("get"), Some(mine.clone()));
    stale.status = DeliveryStatus::Failed;
    assert!(!store.update_delivery(&mut stale).await.expect("update"), "a stale version is refused");
    assert_eq!(stale.version, original.version, "a refused write leaves the version alone");
    assert_eq!(store.get_delivery(&mine.id).await.expect("get"), Some(mine.clone()), "and writes nothing");
    let mut unknown = delivery(BASE + 22, "exp_versions", 9);
    assert!(!store.update_delivery(&mut unknown).await.expect("update"), "an unknown delivery is not created");
    assert_eq!(store.get_delivery(&unknown.id).await.expect("get"), None);
}

async fn lists_and_links(store: &dyn DeliveryStore) {
    let export = "exp_lists";
    // Inserted out of order: the list is by destination index.
    let mut inserted = Vec::new();
    for (i, destination) in [2u32, 0, 11, 1].into_iter().enumerate() {
        let d = delivery(BASE + 30 + i as u64, export, destination);
        assert!(store.insert_delivery(&d).await.expect("insert"));
        inserted.push(d);
    }
    let listed = store.list_deliveries(export).await.expect("list");
    assert_eq!(listed.iter().map(|d| d.destination).collect::<Vec<_>>(), vec![0, 1, 2, 11]);
    assert!(listed.iter().all(|d| d.export_id == export), "only the export's deliveries");
    assert_eq!(store.list_deliveries("exp_nothing").await.expect("list"), Vec::<Delivery>::new());

    let hash = "cd".repeat(32);
    assert_eq!(store.find_link(&hash).await.expect("find_link"), None);
    let mut linked = inserted[1].clone();
    linked.link_token_hash = Some(hash.clone());
    assert!(store.update_delivery(&mut linked).await.expect("update"));
    assert_eq!(store.find_link(&hash).await.expect("find_link"), Some(linked.clone()), "found by its hash");
    assert_eq!(store.find_link(&"ef".repeat(32)).await.expect("find_link"), None, "only by an exact hash");
    let listed = store.list_deliveries(export).await.expect("list");
    assert_eq!(listed[0], linked, "lists return whole deliveries");
}

async fn insert_race(store: &Arc<dyn DeliveryStore>, round: u64) {
    let export = format!("exp_insert_race_{round}");
    let results = race(|i| {
        let store = Arc::clone(store);
        let d = delivery(BASE + 100 + round * 100 + i as u64, &export, 3);
        async move { store.insert_delivery(&d).await.expect("insert") }
    })
    .await;
    assert_eq!(results.iter().filter(|won| **won).count(), 1, "exactly one of {RACERS} inserts wins");
    assert_eq!(store.list_deliveries(&export).await.expect("list").len(), 1);
}

async fn update_race(store: &Arc<dyn DeliveryStore>, round: u64) {
    let original = delivery(BASE + 1000 + round, &format!("exp_update_race_{round}"), 0);
    assert!(store.insert_delivery(&original).await.expect("insert"));
    let results = race(|i| {
        let store = Arc::clone(store);
        let mut d = original.clone();
        d.not_before = Some(at(BASE + 2000 + i as u64));
        async move { (store.update_delivery(&mut d).await.expect("update"), d) }
    })
    .await;
    let winners: Vec<_> = results.into_iter().filter(|(won, _)| *won).map(|(_, d)| d).collect();
    assert_eq!(winners.len(), 1, "exactly one of {RACERS} updates of one version wins");
    let stored = store.get_delivery(&original.id).await.expect("get").expect("stored");
    assert_eq!(stored, winners[0], "the winner's write is what is stored");
}
