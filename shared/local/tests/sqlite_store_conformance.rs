//! `SqliteStore` against the store conformance suites of ferry-core, each on
//! a fresh database file, plus what only a file-backed store must show: data
//! that survives closing and reopening, and cursors that stay within their list.

use std::path::Path;
use std::sync::Arc;

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
use ferry_core::model::page::PageRequest;
use ferry_core::model::schedule::{RunAs, RunStatus, Schedule};
use ferry_core::model::schedule_run::ScheduleRun;
use ferry_core::model::settings::Settings;
use ferry_core::ports::export_store::CreateOutcome;
use ferry_core::ports::{ExportStore, KeyStore, ReportStore, ScheduleRunStore, ScheduleStore, SettingsStore};
use ferry_core::recurrence::{Frequency, RecurrenceInput};
use ferry_core::PortError;
use ferry_local_adapters::SqliteStore;

fn fresh_store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open(&dir.path().join("ferry.db")).expect("open");
    (dir, store)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_key_store_suite() {
    let (_dir, store) = fresh_store();
    key_store_conformance(Arc::new(store)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_session_and_failed_key_suites() {
    let (_dir, store) = fresh_store();
    session_store_conformance(Arc::new(store.clone())).await;
    failed_key_store_conformance(Arc::new(store)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_connection_store_suite() {
    let (_dir, store) = fresh_store();
    connection_store_conformance(Arc::new(store)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_report_store_suite() {
    let (_dir, store) = fresh_store();
    report_store_conformance(Arc::new(store)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_export_store_suite() {
    let (_dir, store) = fresh_store();
    export_store_conformance(Arc::new(store)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_schedule_store_suite() {
    let (_dir, store) = fresh_store();
    schedule_store_conformance(Arc::new(store)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_schedule_run_store_suite() {
    let (_dir, store) = fresh_store();
    let store = Arc::new(store);
    schedule_run_store_conformance(store.clone(), store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_delivery_store_suite() {
    let (_dir, store) = fresh_store();
    delivery_store_conformance(Arc::new(store)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_settings_store_suite() {
    let (_dir, store) = fresh_store();
    settings_store_conformance(Arc::new(store)).await;
}

fn admin_key() -> ApiKey {
    ApiKey {
        id: "key_01J00000000000000000000000".into(),
        user: "ada".into(),
        email: None,
        role: Role::Admin,
        hash: hash_key("admin-secret"),
        created_at: jiff::Timestamp::UNIX_EPOCH,
        last_used_at: None,
    }
}

fn queued_export(id: &str) -> Export {
    Export::queued(id, "rep_1", "ada", jiff::Timestamp::UNIX_EPOCH)
}

async fn write_some_state(path: &Path) -> Export {
    let store = SqliteStore::open(path).expect("open");
    store.insert_key(&admin_key()).await.expect("insert_key");
    store.put_settings(&Settings::defaults("ferry@localhost")).await.expect("put_settings");
    let mut export = queued_export("exp_01J00000000000000000000000");
    assert_eq!(store.create_export(&export, true).await.expect("create"), CreateOutcome::Created);
    export.status = ExportStatus::Running;
    assert!(store.update_export(&mut export).await.expect("update"));
    export
}

#[tokio::test]
async fn data_survives_closing_and_reopening_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ferry.db");
    let export = write_some_state(&path).await;

    let store = SqliteStore::open(&path).expect("reopen");
    assert_eq!(store.find_key_by_hash(&hash_key("admin-secret")).await.expect("find"), Some(admin_key()));
    assert_eq!(store.get_settings().await.expect("get"), Some(Settings::defaults("ferry@localhost")));
    assert_eq!(store.get_export(&export.id).await.expect("get"), Some(export.clone()));
    assert_eq!(
        store.acquire_slot("rep_1", "exp_other").await.expect("acquire"),
        Some(export.id.clone()),
        "the slot is still held"
    );
    let mut stale = export.clone();
    stale.version -= 1;
    assert!(!store.update_export(&mut stale).await.expect("update"), "the version survived too");
}

#[tokio::test]
async fn a_cursor_from_another_list_is_not_found() {
    let (_dir, store) = fresh_store();
    for i in 0..3 {
        let mut key = admin_key();
        key.id = format!("key_01J0000000000000000000000{i}");
        key.hash = hash_key(&format!("k{i}"));
        store.insert_key(&key).await.expect("insert_key");
    }
    let page = store.list_keys(&PageRequest::first(1)).await.expect("list_keys");
    let cursor = page.next_cursor.expect("more keys follow");
    let next = store.list_keys(&PageRequest { size: 1, cursor: Some(cursor.clone()) }).await.expect("list_keys");
    assert_eq!(next.items.len(), 1);
    match store.list_reports(None, &PageRequest { size: 1, cursor: Some(cursor) }).await {
        Err(PortError::BadCursor) => {}
        other => panic!("a key cursor on reports gave {other:?}"),
    }
}

#[tokio::test]
async fn a_second_key_with_the_same_hash_is_refused() {
    let (_dir, store) = fresh_store();
    store.insert_key(&admin_key()).await.expect("insert_key");
    let mut twin = admin_key();
    twin.id = "key_01J00000000000000000000001".into();
    assert!(matches!(store.insert_key(&twin).await, Err(PortError::Conflict(_))));
    assert_eq!(store.count_keys().await.expect("count"), 1);
}

#[tokio::test]
async fn a_file_of_a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ferry.db");
    drop(SqliteStore::open(&path).expect("open"));
    let raw = rusqlite::Connection::open(&path).expect("raw open");
    raw.pragma_update(None, "user_version", 99).expect("bump version");
    drop(raw);
    assert!(matches!(SqliteStore::open(&path), Err(PortError::Backend { .. })));
}

fn daily_schedule(id: &str) -> Schedule {
    Schedule {
        id: id.into(),
        report_id: "rep_1".into(),
        owner: "ada".into(),
        recurrence: RecurrenceInput {
            frequency: Frequency::Daily,
            interval: Some(1),
            weekdays: None,
            month_day: None,
            month: None,
            time: "09:00".into(),
            timezone: "Europe/Berlin".into(),
            start: Some("2026-01-01".into()),
            end: None,
        },
        destinations: Vec::new(),
        run_as: RunAs::Owner,
        incremental: false,
        range: None,
        deliver_when: Default::default(),
        delivered: Vec::new(),
        paused: false,
        paused_reason: None,
        consecutive_failures: 0,
        next_run_at: Some(jiff::Timestamp::UNIX_EPOCH),
        handled_through: jiff::Timestamp::UNIX_EPOCH,
        last_run: None,
        last_success_started_at: None,
        notify_on_failure: true,
        failures: Default::default(),
        created_at: jiff::Timestamp::UNIX_EPOCH,
        updated_at: jiff::Timestamp::UNIX_EPOCH,
        version: 0,
    }
}

fn scheduled_run(id: &str, day: jiff::civil::Date, export_id: &str) -> ScheduleRun {
    ScheduleRun {
        id: id.into(),
        schedule_id: "sch_01J00000000000000000000000".into(),
        occurrence_date: Some(day),
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
    }
}

#[tokio::test]
async fn a_claim_whose_export_cannot_be_written_stores_no_run() {
    let (_dir, store) = fresh_store();
    let taken = queued_export("exp_01J00000000000000000000000");
    assert_eq!(store.create_export(&taken, false).await.expect("create"), CreateOutcome::Created);
    let day = jiff::civil::date(2026, 3, 29);
    let run = scheduled_run("run_01J00000000000000000000000", day, &taken.id);
    assert!(store.claim_run(&run, Some(&taken)).await.is_err(), "an export id cannot be stored twice");
    assert_eq!(store.run_of_export(&run.schedule_id, &taken.id).await.expect("run_of_export"), None, "rolled back");

    let fresh = queued_export("exp_01J00000000000000000000001");
    let retry = scheduled_run("run_01J00000000000000000000001", day, &fresh.id);
    assert!(store.claim_run(&retry, Some(&fresh)).await.expect("claim"), "the date is still free");
    assert_eq!(store.get_export(&fresh.id).await.expect("get"), Some(fresh));
}

#[tokio::test]
async fn a_file_from_before_schedules_gains_their_tables_on_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ferry.db");
    drop(SqliteStore::open(&path).expect("open"));
    let raw = rusqlite::Connection::open(&path).expect("raw open");
    raw.execute_batch("DROP TABLE schedules; DROP TABLE schedule_runs;").expect("drop the new tables");
    drop(raw);

    let store = SqliteStore::open(&path).expect("reopen");
    let schedule = daily_schedule("sch_01J00000000000000000000000");
    store.insert_schedule(&schedule).await.expect("insert_schedule");
    let due = store.due_schedules(jiff::Timestamp::UNIX_EPOCH, 10).await.expect("due_schedules");
    assert_eq!(due, vec![schedule]);
    let run = scheduled_run("run_01J00000000000000000000000", jiff::civil::date(2026, 1, 1), "exp_x");
    assert!(store.claim_run(&run, None).await.expect("claim"));
    assert!(!store.claim_run(&run, None).await.expect("claim"), "the unique index exists too");
}

#[tokio::test]
async fn a_schedule_cursor_is_not_a_run_cursor() {
    let (_dir, store) = fresh_store();
    for i in 0..2 {
        store.insert_schedule(&daily_schedule(&format!("sch_01J0000000000000000000000{i}"))).await.expect("insert");
    }
    let cursor = store.list_schedules(None, &PageRequest::first(1)).await.expect("list").next_cursor.expect("more");
    match store.list_runs("sch_01J00000000000000000000000", &PageRequest { size: 1, cursor: Some(cursor) }).await {
        Err(PortError::BadCursor) => {}
        other => panic!("a schedule cursor on runs gave {other:?}"),
    }
}
