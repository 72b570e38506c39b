//! `DynamoStore` against the store conformance suites of ferry-core (the same
//! code the SQLite store passes), each on a fresh table in the moto emulator,
//! plus what is DynamoDB's own: cursors made by another list or tampered with
//! are refused, a filtered page is still full, and the link key is one per
//! table.

use std::sync::Arc;

use ferry_aws::dynamo::create_table;
use ferry_aws::emulator::{unique_name, Emulator};
use ferry_aws::DynamoStore;
use ferry_core::conformance::{
    connection_store::connection_store_conformance,
    delivery_store::delivery_store_conformance,
    export_store::export_store_conformance,
    key_store::key_store_conformance,
    report_store::report_store_conformance,
    schedule_run_store::schedule_run_store_conformance,
    schedule_store::schedule_store_conformance,
    session_store::{failed_key_store_conformance, session_store_conformance},
    settings_store::settings_store_conformance,
};
use ferry_core::model::api_key::{hash_key, ApiKey, Role};
use ferry_core::model::export::{Export, ExportStatus, Trigger};
use ferry_core::model::ids::{random_80, ulid_id, IdKind};
use ferry_core::model::page::PageRequest;
use ferry_core::ports::export_store::ExportFilter;
use ferry_core::ports::{ExportStore, KeyStore, ScheduleRunStore};
use ferry_core::PortError;

/// A store on a table of its own.
async fn fresh_store() -> DynamoStore {
    let client = Emulator::get().clients().await.dynamodb;
    let table = unique_name("ferry");
    create_table(&client, &table).await.expect("create_table");
    DynamoStore::new(client, table)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamo_store_passes_the_key_store_suite() {
    key_store_conformance(Arc::new(fresh_store().await)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamo_store_passes_the_session_and_failed_key_suites() {
    let store = fresh_store().await;
    session_store_conformance(Arc::new(store.clone())).await;
    failed_key_store_conformance(Arc::new(store)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamo_store_passes_the_connection_store_suite() {
    connection_store_conformance(Arc::new(fresh_store().await)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamo_store_passes_the_report_store_suite() {
    report_store_conformance(Arc::new(fresh_store().await)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamo_store_passes_the_export_store_suite() {
    export_store_conformance(Arc::new(fresh_store().await)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamo_store_passes_the_schedule_store_suite() {
    schedule_store_conformance(Arc::new(fresh_store().await)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamo_store_passes_the_schedule_run_store_suite() {
    let store = Arc::new(fresh_store().await);
    schedule_run_store_conformance(store.clone(), store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamo_store_passes_the_delivery_store_suite() {
    delivery_store_conformance(Arc::new(fresh_store().await)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamo_store_passes_the_settings_store_suite() {
    settings_store_conformance(Arc::new(fresh_store().await)).await;
}

fn key(i: u64, role: Role) -> ApiKey {
    ApiKey {
        id: ulid_id(IdKind::Key, 1_700_000_000_000 + i, random_80()),
        user: format!("user{i}"),
        email: None,
        role,
        hash: hash_key(&format!("secret-{i}")),
        created_at: jiff::Timestamp::UNIX_EPOCH,
        last_used_at: None,
    }
}

fn export(ms: u64, created_by: &str, status: ExportStatus) -> Export {
    Export {
        status,
        created_by: created_by.into(),
        ..Export::queued(ulid_id(IdKind::Export, ms, random_80()), "rep_1", "ada", jiff::Timestamp::UNIX_EPOCH)
    }
}

fn assert_cursor_refused<T: std::fmt::Debug>(got: Result<T, PortError>, what: &str) {
    match got {
        Err(PortError::BadCursor) => {}
        other => panic!("{what}: gave {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cursor_of_another_list_or_filter_or_a_tampered_one_is_refused() {
    let store = fresh_store().await;
    for i in 0..3 {
        store.insert_key(&key(i, Role::Member)).await.expect("insert_key");
        store
            .create_export(&export(1_700_000_000_000 + i, "mo", ExportStatus::Completed), false)
            .await
            .expect("create");
    }
    let keys_cursor = store.list_keys(&PageRequest::first(1)).await.expect("list_keys").next_cursor.expect("more");
    let next = store.list_keys(&PageRequest { size: 1, cursor: Some(keys_cursor.clone()) }).await.expect("list_keys");
    assert_eq!(next.items.len(), 1, "the cursor works where it was made");

    let by_mo = ExportFilter { created_by: Some("mo".into()), ..Default::default() };
    let exports_cursor =
        store.list_exports(&by_mo, &PageRequest::first(1)).await.expect("list").next_cursor.expect("more");
    let page = |cursor: &str| PageRequest { size: 1, cursor: Some(cursor.to_string()) };

    assert_cursor_refused(store.list_exports(&by_mo, &page(&keys_cursor)).await, "a key cursor on exports");
    assert_cursor_refused(store.list_runs("sch_x", &page(&exports_cursor)).await, "an export cursor on runs");
    let by_lena = ExportFilter { created_by: Some("lena".into()), ..Default::default() };
    assert_cursor_refused(store.list_exports(&by_lena, &page(&exports_cursor)).await, "another filter's cursor");

    // The same cursor with its position moved by hand.
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let json = String::from_utf8(b64.decode(&exports_cursor).expect("base64url")).expect("utf-8");
    let tampered: serde_json::Value = serde_json::from_str(&json).expect("json");
    let mut moved = tampered.clone();
    moved["k"] = "exp_00000000000000000000000000".into();
    let moved = b64.encode(moved.to_string());
    assert_cursor_refused(store.list_exports(&by_mo, &page(&moved)).await, "a tampered cursor");
    assert_cursor_refused(store.list_exports(&by_mo, &page("garbage!")).await, "garbage");
    assert!(store.list_exports(&by_mo, &page(&exports_cursor)).await.is_ok(), "the untouched cursor still works");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_filtered_page_is_full_when_more_matching_items_exist() {
    let store = fresh_store().await;
    // 13 matching exports (mo, FAILED) buried among 399 that the filter drops
    // (mo, COMPLETED), so DynamoDB's Limit, counted before the filter, returns
    // short or empty batches.
    let mut matching = Vec::new();
    for i in 0..412u64 {
        let status = if i % 34 == 0 { ExportStatus::Failed } else { ExportStatus::Completed };
        let e = export(1_700_000_000_000 + i, "mo", status);
        store.create_export(&e, false).await.expect("create");
        if status == ExportStatus::Failed {
            matching.push(e.id);
        }
    }
    assert_eq!(matching.len(), 13);
    matching.reverse();
    let filter =
        ExportFilter { created_by: Some("mo".into()), status: Some(ExportStatus::Failed), ..Default::default() };
    let first = store.list_exports(&filter, &PageRequest::first(5)).await.expect("list");
    assert_eq!(first.items.iter().map(|e| e.id.clone()).collect::<Vec<_>>(), matching[..5].to_vec(), "5 of 5");
    let cursor = first.next_cursor.expect("more follow");
    let second = store.list_exports(&filter, &PageRequest { size: 5, cursor: Some(cursor) }).await.expect("list");
    assert_eq!(second.items.iter().map(|e| e.id.clone()).collect::<Vec<_>>(), matching[5..10].to_vec());
    let third = store.list_exports(&filter, &PageRequest { size: 5, cursor: second.next_cursor }).await.expect("list");
    assert_eq!(third.items.iter().map(|e| e.id.clone()).collect::<Vec<_>>(), matching[10..].to_vec());
    assert_eq!(third.next_cursor, None, "the last page says so");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_link_key_is_one_per_table_whoever_asks_first() {
    let first = fresh_store().await;
    let second = DynamoStore::new(Emulator::get().clients().await.dynamodb, first.table());
    let (a, b) = tokio::join!(first.link_key(), second.link_key());
    let (a, b) = (a.expect("link_key"), b.expect("link_key"));
    assert_eq!(a.len(), 32);
    assert_eq!(a, b, "two containers starting at once agree");
    assert_eq!(second.link_key().await.expect("link_key"), a, "and it stays");
    let other = fresh_store().await;
    assert_ne!(other.link_key().await.expect("link_key"), a, "another table has its own");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_second_key_with_the_same_hash_is_refused_and_nothing_is_written() {
    let store = fresh_store().await;
    let admin = key(1, Role::Admin);
    store.insert_key(&admin).await.expect("insert_key");
    let twin = ApiKey { id: key(2, Role::Admin).id, ..admin.clone() };
    assert!(matches!(store.insert_key(&twin).await, Err(PortError::Conflict(_))));
    assert_eq!(store.count_keys().await.expect("count"), 1);
    // The refused admin did not count: the only admin is still the last one.
    assert_eq!(
        store.delete_key(&admin.id).await.expect("delete"),
        ferry_core::ports::key_store::KeyDeleteOutcome::LastAdmin
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_claim_whose_export_cannot_be_written_stores_no_run_and_keeps_the_date_free() {
    use ferry_core::model::schedule::RunStatus;
    use ferry_core::model::schedule_run::ScheduleRun;
    let store = fresh_store().await;
    let run = |ms: u64, export_id: &str| ScheduleRun {
        id: ulid_id(IdKind::Run, ms, random_80()),
        schedule_id: "sch_atomic".into(),
        occurrence_date: Some(jiff::civil::date(2026, 3, 29)),
        export_id: Some(export_id.into()),
        trigger: Trigger::Schedule,
        scheduled_for: Some(jiff::Timestamp::UNIX_EPOCH),
        status: RunStatus::Running,
        started_at: None,
        finished_at: None,
        rows: None,
        bytes: None,
        error: None,
        version: 0,
    };
    let taken = export(1_700_000_000_000, "ada", ExportStatus::Queued);
    store.create_export(&taken, false).await.expect("create");
    let first = run(1_700_000_000_001, &taken.id);
    assert!(store.claim_run(&first, Some(&taken)).await.is_err(), "an export id cannot be stored twice");
    assert_eq!(store.run_of_export("sch_atomic", &taken.id).await.expect("run_of_export"), None, "no run");
    assert!(store.list_runs("sch_atomic", &PageRequest::first(10)).await.expect("list").items.is_empty());

    let fresh = export(1_700_000_000_002, "ada", ExportStatus::Queued);
    let retry = run(1_700_000_000_003, &fresh.id);
    assert!(store.claim_run(&retry, Some(&fresh)).await.expect("claim"), "the date is still free");
    assert_eq!(store.get_export(&fresh.id).await.expect("get"), Some(fresh.clone()));
    assert_eq!(store.run_of_export("sch_atomic", &fresh.id).await.expect("run_of_export"), Some(retry));
}

/// A schedule as Ferry wrote it before destinations had ids, read from a
/// table: the same derived ids and memory by id as from a SQLite document.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_schedule_item_stored_before_destination_ids_reads_with_derived_ids() {
    use aws_sdk_dynamodb::types::AttributeValue;
    use ferry_core::model::ids::legacy_destination_id;
    use ferry_core::model::schedule::Schedule;
    use ferry_core::ports::ScheduleStore;

    let store = fresh_store().await;
    let id = ulid_id(IdKind::Schedule, 1_700_000_000_000, random_80());
    let doc = serde_json::json!({
        "id": id, "reportId": "rep_1", "owner": "ana",
        "recurrence": {"frequency": "daily", "interval": 1, "time": "09:00", "timezone": "UTC", "start": "2026-12-01"},
        "destinations": [
            {"id": "dst_01JAAAAAAAAAAAAAAAAAAAAAAA", "type": "link", "retentionDays": 7, "notify": []},
            {"id": "dst_01JBBBBBBBBBBBBBBBBBBBBBBB", "type": "email", "to": ["a@example.org"], "cc": []}
        ],
        "runAs": "owner", "incremental": false, "range": null, "deliverWhen": "changed",
        "delivered": [{"destinationId": "dst_01JBBBBBBBBBBBBBBBBBBBBBBB", "fingerprint": "f", "contentSha256": "c"}],
        "paused": true, "pausedReason": "manual", "consecutiveFailures": 0, "nextRunAt": null,
        "handledThrough": "2026-12-07T09:00:00Z", "lastRun": null, "lastSuccessStartedAt": null,
        "notifyOnFailure": true, "createdAt": "2026-12-01T08:00:00Z", "updatedAt": "2026-12-01T08:00:00Z",
        "version": 0
    });
    let s: Schedule = serde_json::from_value(doc).expect("a schedule");
    store.insert_schedule(&s).await.expect("insert");

    // Rewrite the stored item's document in the shape from before ids.
    let client = Emulator::get().clients().await.dynamodb;
    let items = client.scan().table_name(store.table()).send().await.expect("scan").items.unwrap_or_default();
    let mut item = items
        .into_iter()
        .find(|i| i.get("doc").and_then(|d| d.as_s().ok()).is_some_and(|d| d.contains(&id)))
        .expect("the schedule's item");
    let mut old: serde_json::Value = serde_json::from_str(item["doc"].as_s().unwrap()).unwrap();
    for d in old["destinations"].as_array_mut().unwrap() {
        d.as_object_mut().unwrap().remove("id");
    }
    old["delivered"] = serde_json::json!([{"destination": 1, "fingerprint": "f", "contentSha256": "c"}]);
    item.insert("doc".into(), AttributeValue::S(old.to_string()));
    client.put_item().table_name(store.table()).set_item(Some(item)).send().await.expect("put_item");

    let read = store.get_schedule(&id).await.expect("get").expect("found");
    let expected: Vec<String> = (0..2).map(|i| legacy_destination_id(&id, i)).collect();
    assert_eq!(read.destinations.iter().map(|d| d.id.clone()).collect::<Vec<_>>(), expected);
    assert_eq!(read.delivered[0].destination_id, expected[1], "the memory of destination 1 follows its id");
    assert_eq!(store.get_schedule(&id).await.unwrap().unwrap().destinations, read.destinations, "on every read");
}
