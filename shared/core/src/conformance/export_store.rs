//! Conformance suite of the `ExportStore` port: round trips, the report slot
//! (one active export per report), versioned updates, filtered newest-first
//! lists, the active count per owner, and the races these exist for.

use std::collections::HashSet;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::Barrier;

use crate::hashing::Sha256State;
use crate::model::export::{Checkpoint, Export, ExportStatus, Lease, Progress, Trigger};
use crate::model::format_options::Format;
use crate::model::ids::{random_80, ulid_id, IdKind};
use crate::model::page::PageRequest;
use crate::ports::export_store::{CreateOutcome, ExportFilter, ExportStore};
use crate::PortError;

const BASE: u64 = 1_700_000_000_000;

fn export(ms: u64, report_id: &str, owner: &str, created_by: &str, status: ExportStatus) -> Export {
    let at = Timestamp::from_millisecond(ms as i64).expect("valid instant");
    Export {
        status,
        created_by: created_by.to_string(),
        ..Export::queued(ulid_id(IdKind::Export, ms, random_80()), report_id, owner, at)
    }
}

/// An export with every optional part filled, to check nothing is lost.
fn full_export(ms: u64) -> Export {
    let at = Timestamp::from_millisecond(ms as i64).expect("valid instant");
    Export {
        schedule_id: Some("sch_full".into()),
        trigger: Trigger::Schedule,
        status: ExportStatus::Running,
        started_at: Some(at),
        progress: Progress { completed: 40, total: Some(100) },
        rows: Some(40),
        bytes: Some(4096),
        content_sha256: Some("c".repeat(64)),
        format: Format::Jsonl,
        file_name: Some("weekly \"bugs\" ünïcode.jsonl".into()),
        warnings: vec!["column x is empty".into()],
        from_date: Some(at - SignedDuration::from_hours(24)),
        to_date: Some(at),
        checkpoint: Some(Checkpoint {
            pending: None,
            upload_id: "upl_1".into(),
            parts: 1,
            source_cursor: Some(serde_json::json!({"nextPageToken": "abc", "offset": 40})),
            format_state: Some(serde_json::json!({"headerWritten": true})),
            rows: 40,
            bytes: 4096,
            sha256: Sha256State::default(),
            content_sha256: Some(Sha256State::default()),
        }),
        lease: Some(Lease { owner: "worker-1".into(), until: at + SignedDuration::from_secs(60) }),
        version: 3,
        ..export(ms, "rep_full", "olga", "olga", ExportStatus::Running)
    }
}

/// Checks every `ExportStore` promise. Needs an empty store and a
/// multi-threaded tokio runtime (the races run on several threads).
pub async fn export_store_conformance(store: Arc<dyn ExportStore>) {
    round_trip(store.as_ref()).await;
    slots(store.as_ref()).await;
    versioned_updates(store.as_ref()).await;
    lists_and_counts(store.as_ref()).await;
    paging(store.as_ref()).await;
    for round in 0..5 {
        create_race(&store, round).await;
        update_race(&store, round).await;
        acquire_race(&store, round).await;
    }
}

async fn round_trip(store: &dyn ExportStore) {
    let full = full_export(BASE);
    assert_eq!(store.create_export(&full, false).await.expect("create"), CreateOutcome::Created);
    assert_eq!(store.get_export(&full.id).await.expect("get"), Some(full.clone()), "stored as given");
    assert_eq!(store.get_export("exp_unknown").await.expect("get"), None);
    let mut done = full.clone();
    done.status = ExportStatus::Completed;
    assert!(store.update_export(&mut done).await.expect("update"));
}

async fn slots(store: &dyn ExportStore) {
    let report = "rep_slots";
    let first = export(BASE + 10, report, "olga", "olga", ExportStatus::Queued);
    let second = export(BASE + 11, report, "olga", "olga", ExportStatus::Queued);
    let waiting = export(BASE + 12, report, "olga", "olga", ExportStatus::Queued);
    assert_eq!(store.create_export(&first, true).await.expect("create"), CreateOutcome::Created);
    assert_eq!(
        store.create_export(&second, true).await.expect("create"),
        CreateOutcome::SlotBusy(first.id.clone()),
        "a held slot refuses and names its holder"
    );
    assert_eq!(store.get_export(&second.id).await.expect("get"), None, "a refused create writes nothing");
    // Scheduled runs do not take the slot: they are stored and wait.
    assert_eq!(store.create_export(&waiting, false).await.expect("create"), CreateOutcome::Created);

    assert_eq!(store.acquire_slot(report, &first.id).await.expect("acquire"), None, "the holder acquires again");
    assert_eq!(store.acquire_slot(report, &waiting.id).await.expect("acquire"), Some(first.id.clone()));
    store.release_slot(report, &waiting.id).await.expect("release");
    assert_eq!(
        store.acquire_slot(report, &waiting.id).await.expect("acquire"),
        Some(first.id.clone()),
        "only the holder can release"
    );
    store.release_slot(report, &first.id).await.expect("release");
    store.release_slot(report, &first.id).await.expect("releasing a free slot is harmless");
    assert_eq!(store.acquire_slot(report, &waiting.id).await.expect("acquire"), None, "a freed slot is taken");
    assert_eq!(store.create_export(&second, true).await.expect("create"), CreateOutcome::SlotBusy(waiting.id.clone()));
    store.release_slot(report, &waiting.id).await.expect("release");
    assert_eq!(store.create_export(&second, true).await.expect("create"), CreateOutcome::Created);
    assert_eq!(store.acquire_slot(report, &second.id).await.expect("acquire"), None, "create took the slot");
    store.release_slot(report, &second.id).await.expect("release");
    assert_eq!(store.acquire_slot("rep_other", &second.id).await.expect("acquire"), None, "slots are per report");
    store.release_slot("rep_other", &second.id).await.expect("release");
}

async fn versioned_updates(store: &dyn ExportStore) {
    let original = export(BASE + 20, "rep_versions", "olga", "olga", ExportStatus::Queued);
    store.create_export(&original, false).await.expect("create");
    let mut mine = original.clone();
    let mut stale = original.clone();
    mine.status = ExportStatus::Running;
    mine.lease = Some(Lease { owner: "worker-a".into(), until: original.created_at });
    assert!(store.update_export(&mut mine).await.expect("update"), "the current version writes");
    assert_eq!(mine.version, original.version + 1, "a write bumps the caller's version");
    assert_eq!(store.get_export(&original.id).await.expect("get"), Some(mine.clone()));

    stale.status = ExportStatus::Failed;
    assert!(!store.update_export(&mut stale).await.expect("update"), "a stale version is refused");
    assert_eq!(stale.version, original.version, "a refused write leaves the version alone");
    assert_eq!(store.get_export(&original.id).await.expect("get"), Some(mine.clone()), "and writes nothing");

    mine.status = ExportStatus::Completed;
    mine.progress.completed = 10;
    assert!(store.update_export(&mut mine).await.expect("update"));
    assert_eq!(
        store.get_export(&original.id).await.expect("get").map(|e| (e.version, e.status)),
        Some((original.version + 2, ExportStatus::Completed))
    );

    let mut ghost = export(BASE + 21, "rep_versions", "olga", "olga", ExportStatus::Queued);
    assert!(!store.update_export(&mut ghost).await.expect("update"), "an unknown export is not created");
    assert_eq!(store.get_export(&ghost.id).await.expect("get"), None);
}

/// Ids `list_exports` returns for a filter, page by page.
async fn list_ids(store: &dyn ExportStore, filter: &ExportFilter, size: u32) -> (Vec<String>, usize) {
    let mut seen = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page =
            store.list_exports(filter, &PageRequest { size, cursor: cursor.take() }).await.expect("list_exports");
        pages += 1;
        assert!(page.items.len() <= size as usize, "a page holds at most its size");
        seen.extend(page.items.into_iter().map(|e| e.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
        assert!(pages < 100, "list_exports never ends");
    }
    (seen, pages)
}

async fn lists_and_counts(store: &dyn ExportStore) {
    // Owner "lena" (report owner) and creators "lena"/"mo", two reports, one
    // schedule: values no other part of the suite uses, so filters see only these.
    use ExportStatus::*;
    let specs = [
        ("rep_l1", "lena", Queued, None),
        ("rep_l1", "mo", Running, Some("sch_l")),
        ("rep_l1", "lena", Completed, Some("sch_l")),
        ("rep_l2", "mo", Cancelling, None),
        ("rep_l2", "lena", Failed, Some("sch_l")),
        ("rep_l2", "mo", Cancelled, None),
        ("rep_l2", "lena", Queued, Some("sch_l")),
    ];
    let mut made = Vec::new();
    for (i, (report, creator, status, schedule)) in specs.into_iter().enumerate() {
        let mut e = export(BASE + 100 + i as u64, report, "lena", creator, status);
        e.schedule_id = schedule.map(str::to_string);
        store.create_export(&e, false).await.expect("create");
        made.push(e);
    }
    let expect = |keep: &dyn Fn(&Export) -> bool| -> Vec<String> {
        made.iter().rev().filter(|e| keep(e)).map(|e| e.id.clone()).collect()
    };
    let cases: Vec<(ExportFilter, Vec<String>)> = vec![
        (ExportFilter { report_id: Some("rep_l1".into()), ..Default::default() }, expect(&|e| e.report_id == "rep_l1")),
        (ExportFilter { created_by: Some("mo".into()), ..Default::default() }, expect(&|e| e.created_by == "mo")),
        (ExportFilter { status: Some(Cancelling), ..Default::default() }, expect(&|e| e.status == Cancelling)),
        (
            ExportFilter { schedule_id: Some("sch_l".into()), ..Default::default() },
            expect(&|e| e.schedule_id.as_deref() == Some("sch_l")),
        ),
        (
            ExportFilter { created_by: Some("lena".into()), report_id: Some("rep_l2".into()), ..Default::default() },
            expect(&|e| e.created_by == "lena" && e.report_id == "rep_l2"),
        ),
        (
            ExportFilter {
                created_by: Some("lena".into()),
                status: Some(Queued),
                report_id: Some("rep_l2".into()),
                schedule_id: Some("sch_l".into()),
            },
            vec![made[6].id.clone()],
        ),
        (ExportFilter { created_by: Some("mo".into()), status: Some(Completed), ..Default::default() }, vec![]),
    ];
    for (filter, expected) in cases {
        assert_eq!(list_ids(store, &filter, 2).await.0, expected, "filter {filter:?}, newest first");
    }
    let page = store
        .list_exports(&ExportFilter { report_id: Some("rep_l1".into()), ..Default::default() }, &PageRequest::first(1))
        .await
        .expect("list");
    assert_eq!(page.items, vec![made[2].clone()], "lists return whole exports");
    let (all, _) = list_ids(store, &ExportFilter::default(), 1000).await;
    assert!(made.iter().all(|e| all.contains(&e.id)), "no filter lists everything");
    let mut sorted = all.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(all, sorted, "newest (highest id) first");

    // Active = QUEUED, RUNNING, CANCELLING of the report owner, whoever created them.
    assert_eq!(store.count_active_exports("lena").await.expect("count"), 4);
    assert_eq!(store.count_active_exports("mo").await.expect("count"), 0, "counted per report owner");
    let mut finished = made[1].clone();
    finished.status = Completed;
    assert!(store.update_export(&mut finished).await.expect("update"));
    assert_eq!(store.count_active_exports("lena").await.expect("count"), 3, "the count follows updates");
    let (running, _) = list_ids(
        store,
        &ExportFilter { status: Some(Running), report_id: Some("rep_l1".into()), ..Default::default() },
        10,
    )
    .await;
    assert!(running.is_empty(), "lists follow updates");
}

async fn paging(store: &dyn ExportStore) {
    let report = "rep_paging";
    let mut expected = Vec::new();
    for i in 0..250 {
        let e = export(BASE + 1000 + i, report, "pia", "pia", ExportStatus::Completed);
        store.create_export(&e, false).await.expect("create");
        expected.push(e.id);
    }
    expected.sort_by(|a, b| b.cmp(a));
    let filter = ExportFilter { report_id: Some(report.into()), ..Default::default() };
    let (seen, pages) = list_ids(store, &filter, 100).await;
    assert_eq!(pages, 3, "250 exports make 3 pages of 100");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), seen.len(), "no export twice");
    assert_eq!(seen, expected, "every export once, newest first");
    let (seen, pages) = list_ids(store, &filter, 250).await;
    assert_eq!((seen.len(), pages), (250, 1), "no cursor when the page ends at the last item");
    let (seen, pages) = list_ids(store, &filter, 125).await;
    assert_eq!((seen.len(), pages), (250, 2));

    for bad in ["not a cursor", "bm9wZQ"] {
        let got = store.list_exports(&filter, &PageRequest { size: 10, cursor: Some(bad.into()) }).await;
        assert!(matches!(got, Err(PortError::BadCursor)), "cursor {bad:?} gave {got:?}");
    }
}

const RACERS: usize = 8;

/// Runs one future per racer on the runtime's threads, released together.
async fn race<T, F, Fut>(make: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    let barrier = Arc::new(Barrier::new(RACERS));
    let tasks: Vec<_> = (0..RACERS)
        .map(|i| {
            let (barrier, work) = (Arc::clone(&barrier), make(i));
            tokio::spawn(async move {
                barrier.wait().await;
                work.await
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("racer panicked"));
    }
    results
}

async fn create_race(store: &Arc<dyn ExportStore>, round: u64) {
    let report = format!("rep_create_race_{round}");
    let exports: Vec<Export> = (0..RACERS)
        .map(|i| export(BASE + 5000 + round * 100 + i as u64, &report, "rex", "rex", ExportStatus::Queued))
        .collect();
    let outcomes = race(|i| {
        let (store, e) = (Arc::clone(store), exports[i].clone());
        async move { store.create_export(&e, true).await.expect("create_export") }
    })
    .await;
    let winners: Vec<usize> = (0..RACERS).filter(|i| outcomes[*i] == CreateOutcome::Created).collect();
    assert_eq!(winners.len(), 1, "round {round}: concurrent creates gave {outcomes:?}");
    let winner = &exports[winners[0]].id;
    for outcome in outcomes.iter().filter(|o| **o != CreateOutcome::Created) {
        assert_eq!(outcome, &CreateOutcome::SlotBusy(winner.clone()), "losers name the winner");
    }
    let (stored, _) =
        list_ids(store.as_ref(), &ExportFilter { report_id: Some(report.clone()), ..Default::default() }, 100).await;
    assert_eq!(&stored, &vec![winner.clone()], "only the winner was written");
    store.release_slot(&report, winner).await.expect("release");
}

async fn update_race(store: &Arc<dyn ExportStore>, round: u64) {
    let original = export(BASE + 6000 + round, "rep_update_race", "uma", "uma", ExportStatus::Queued);
    store.create_export(&original, false).await.expect("create");
    let results = race(|i| {
        let store = Arc::clone(store);
        let mut mine = original.clone();
        mine.status = ExportStatus::Running;
        mine.lease = Some(Lease { owner: format!("worker-{i}"), until: original.created_at });
        async move {
            let won = store.update_export(&mut mine).await.expect("update_export");
            (won, mine)
        }
    })
    .await;
    let winners: Vec<&Export> = results.iter().filter(|(won, _)| *won).map(|(_, e)| e).collect();
    assert_eq!(winners.len(), 1, "round {round}: {} updates from one version won", winners.len());
    let stored = store.get_export(&original.id).await.expect("get").expect("stored");
    assert_eq!(&stored, winners[0], "the winner's write is the stored one");
    assert_eq!(stored.version, original.version + 1);
}

async fn acquire_race(store: &Arc<dyn ExportStore>, round: u64) {
    let report = format!("rep_acquire_race_{round}");
    let ids: Vec<String> =
        (0..RACERS).map(|i| ulid_id(IdKind::Export, BASE + 7000 + round * 100 + i as u64, random_80())).collect();
    let holders = race(|i| {
        let (store, report, id) = (Arc::clone(store), report.clone(), ids[i].clone());
        async move { store.acquire_slot(&report, &id).await.expect("acquire_slot") }
    })
    .await;
    let winners: Vec<usize> = (0..RACERS).filter(|i| holders[*i].is_none()).collect();
    assert_eq!(winners.len(), 1, "round {round}: concurrent acquires gave {holders:?}");
    let winner = &ids[winners[0]];
    assert!(holders.iter().flatten().all(|h| h == winner), "losers name the holder");
    assert_eq!(
        store.acquire_slot(&report, &ids[(winners[0] + 1) % RACERS]).await.expect("acquire"),
        Some(winner.clone())
    );
    store.release_slot(&report, winner).await.expect("release");
}
