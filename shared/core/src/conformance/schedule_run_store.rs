//! Conformance suite of the `ScheduleRunStore` port: a claimed run and its
//! export are stored together, one run per (schedule, occurrence date) while
//! run-now runs never collide, versioned updates, the newest-first history,
//! and the race the claim exists for: the same occurrence fired many times
//! at once makes one run and one export.

use std::collections::HashSet;
use std::sync::Arc;

use jiff::civil::{date, Date};
use jiff::{SignedDuration, Timestamp};

use super::race::{race, RACERS};
use crate::model::export::{Export, Trigger};
use crate::model::ids::{random_80, ulid_id, IdKind};
use crate::model::page::PageRequest;
use crate::model::schedule::RunStatus;
use crate::model::schedule_run::ScheduleRun;
use crate::ports::export_store::{ExportFilter, ExportStore};
use crate::ports::schedule_run_store::ScheduleRunStore;
use crate::PortError;

const BASE: u64 = 1_700_000_000_000;

fn at(ms: u64) -> Timestamp {
    Timestamp::from_millisecond(ms as i64).expect("valid instant")
}

/// A scheduled run of `schedule_id` for `day` (run now when None), no export yet.
fn run(ms: u64, schedule_id: &str, day: Option<Date>) -> ScheduleRun {
    ScheduleRun {
        id: ulid_id(IdKind::Run, ms, random_80()),
        schedule_id: schedule_id.to_string(),
        occurrence_date: day,
        export_id: None,
        trigger: if day.is_some() { Trigger::Schedule } else { Trigger::RunNow },
        scheduled_for: day.map(|_| at(ms)),
        status: RunStatus::Running,
        started_at: Some(at(ms)),
        finished_at: None,
        rows: None,
        bytes: None,
        error: None,
        version: 0,
    }
}

/// The queued export of a scheduled run.
fn export(ms: u64, schedule_id: &str) -> Export {
    Export {
        schedule_id: Some(schedule_id.to_string()),
        trigger: Trigger::Schedule,
        file_name: Some("weekly \"bugs\" ünïcode.csv".into()),
        from_date: Some(at(ms) - SignedDuration::from_hours(24)),
        to_date: Some(at(ms)),
        ..Export::queued(ulid_id(IdKind::Export, ms, random_80()), "rep_scheduled", "olga", at(ms))
    }
}

/// A run together with the export it starts.
fn run_with_export(ms: u64, schedule_id: &str, day: Option<Date>) -> (ScheduleRun, Export) {
    let e = export(ms, schedule_id);
    (ScheduleRun { export_id: Some(e.id.clone()), ..run(ms, schedule_id, day) }, e)
}

/// Checks every `ScheduleRunStore` promise. `exports` is the export store of
/// the same backend (the one `claim_run` writes into). Needs empty stores and
/// a multi-threaded tokio runtime (the races run on several threads).
pub async fn schedule_run_store_conformance(runs: Arc<dyn ScheduleRunStore>, exports: Arc<dyn ExportStore>) {
    claims(runs.as_ref(), exports.as_ref()).await;
    run_now_never_collides(runs.as_ref(), exports.as_ref()).await;
    versioned_updates(runs.as_ref()).await;
    history(runs.as_ref()).await;
    for round in 0..5 {
        claim_race(&runs, &exports, round).await;
        run_now_race(&runs, round).await;
        update_race(&runs, round).await;
    }
}

/// Ids `list_runs(schedule_id)` returns, page by page.
async fn run_ids(runs: &dyn ScheduleRunStore, schedule_id: &str, size: u32) -> (Vec<String>, usize) {
    let mut seen = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = runs.list_runs(schedule_id, &PageRequest { size, cursor: cursor.take() }).await.expect("list_runs");
        pages += 1;
        assert!(page.items.len() <= size as usize, "a page holds at most its size");
        assert!(page.items.iter().all(|r| r.schedule_id == schedule_id), "only the schedule's runs");
        seen.extend(page.items.into_iter().map(|r| r.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
        assert!(pages < 100, "list_runs never ends");
    }
    (seen, pages)
}

/// Ids of the exports stored for a schedule, newest first.
async fn export_ids(exports: &dyn ExportStore, schedule_id: &str) -> Vec<String> {
    let filter = ExportFilter { schedule_id: Some(schedule_id.to_string()), ..Default::default() };
    let page = exports.list_exports(&filter, &PageRequest::first(1000)).await.expect("list_exports");
    assert!(page.next_cursor.is_none());
    page.items.into_iter().map(|e| e.id).collect()
}

async fn claims(runs: &dyn ScheduleRunStore, exports: &dyn ExportStore) {
    let schedule = "sch_claims";
    let day = date(2026, 3, 29);
    let (first, first_export) = run_with_export(BASE, schedule, Some(day));
    assert!(runs.claim_run(&first, Some(&first_export)).await.expect("claim"), "a new date is claimed");
    assert_eq!(runs.run_of_export(schedule, &first_export.id).await.expect("run_of_export"), Some(first.clone()));
    assert_eq!(exports.get_export(&first_export.id).await.expect("get"), Some(first_export.clone()), "with its export");
    assert_eq!(runs.run_of_export("sch_other", &first_export.id).await.expect("run_of_export"), None, "per schedule");
    assert_eq!(runs.run_of_export(schedule, "exp_unknown").await.expect("run_of_export"), None);

    let (again, again_export) = run_with_export(BASE + 1, schedule, Some(day));
    assert!(!runs.claim_run(&again, Some(&again_export)).await.expect("claim"), "a claimed date is refused");
    assert_eq!(exports.get_export(&again_export.id).await.expect("get"), None, "a refused claim writes no export");
    assert_eq!(runs.run_of_export(schedule, &again_export.id).await.expect("run_of_export"), None);
    let without = run(BASE + 2, schedule, Some(day));
    assert!(!runs.claim_run(&without, None).await.expect("claim"), "refused without an export too");
    assert_eq!(run_ids(runs, schedule, 10).await.0, vec![first.id.clone()], "and no run");

    let (next_day, next_export) = run_with_export(BASE + 3, schedule, Some(day.tomorrow().expect("date")));
    assert!(runs.claim_run(&next_day, Some(&next_export)).await.expect("claim"), "another date of the schedule");
    let (other, other_export) = run_with_export(BASE + 4, "sch_claims_other", Some(day));
    assert!(runs.claim_run(&other, Some(&other_export)).await.expect("claim"), "the same date of another schedule");
    let bare = run(BASE + 5, schedule, Some(date(2026, 10, 25)));
    assert!(runs.claim_run(&bare, None).await.expect("claim"), "a run without an export (a missed occurrence)");
    let missed_twice = run(BASE + 6, schedule, Some(date(2026, 10, 25)));
    assert!(!runs.claim_run(&missed_twice, None).await.expect("claim"));

    assert_eq!(
        run_ids(runs, schedule, 10).await.0,
        vec![bare.id.clone(), next_day.id.clone(), first.id.clone()],
        "the schedule's runs, newest first"
    );
    assert_eq!(run_ids(runs, "sch_claims_other", 10).await.0, vec![other.id.clone()]);
    assert_eq!(export_ids(exports, schedule).await, vec![next_export.id.clone(), first_export.id.clone()]);
    let page = runs.list_runs(schedule, &PageRequest::first(1)).await.expect("list_runs");
    assert_eq!(page.items, vec![bare.clone()], "lists return whole runs");
}

async fn run_now_never_collides(runs: &dyn ScheduleRunStore, exports: &dyn ExportStore) {
    let schedule = "sch_run_now";
    let mut claimed = Vec::new();
    let mut stored_exports = Vec::new();
    for i in 0..3 {
        let (r, e) = run_with_export(BASE + 10 + i, schedule, None);
        assert!(runs.claim_run(&r, Some(&e)).await.expect("claim"), "run now #{i} is stored");
        assert_eq!(runs.run_of_export(schedule, &e.id).await.expect("run_of_export"), Some(r.clone()));
        claimed.push(r.id);
        stored_exports.push(e.id);
    }
    let (dated, dated_export) = run_with_export(BASE + 13, schedule, Some(date(2026, 1, 1)));
    assert!(runs.claim_run(&dated, Some(&dated_export)).await.expect("claim"), "run now does not take a date");
    claimed.push(dated.id);
    stored_exports.push(dated_export.id);
    claimed.reverse();
    stored_exports.reverse();
    assert_eq!(run_ids(runs, schedule, 2).await.0, claimed);
    assert_eq!(export_ids(exports, schedule).await, stored_exports);
}

async fn versioned_updates(runs: &dyn ScheduleRunStore) {
    let schedule = "sch_versions";
    let original = run(BASE + 20, schedule, Some(date(2026, 6, 1)));
    assert!(runs.claim_run(&original, None).await.expect("claim"));
    let mut mine = original.clone();
    let mut stale = original.clone();
    mine.export_id = Some("exp_attached".into());
    assert!(runs.update_run(&mut mine).await.expect("update"), "the current version writes");
    assert_eq!(mine.version, original.version + 1, "a write bumps the caller's version");
    assert_eq!(runs.run_of_export(schedule, "exp_attached").await.expect("run_of_export"), Some(mine.clone()));

    stale.status = RunStatus::Failed;
    assert!(!runs.update_run(&mut stale).await.expect("update"), "a stale version is refused");
    assert_eq!(stale.version, original.version, "a refused write leaves the version alone");

    mine.status = RunStatus::Succeeded;
    mine.finished_at = Some(at(BASE + 21));
    mine.rows = Some(1234);
    mine.bytes = Some(56_789);
    mine.error = Some("webhook said \"no\", ünïcode".into());
    assert!(runs.update_run(&mut mine).await.expect("update"));
    assert_eq!(mine.version, original.version + 2);
    let listed = runs.list_runs(schedule, &PageRequest::first(10)).await.expect("list_runs");
    assert_eq!(listed.items, vec![mine.clone()], "the update is what is stored, and nothing else");
    assert_eq!(runs.run_of_export(schedule, "exp_attached").await.expect("run_of_export"), Some(mine.clone()));

    let mut ghost = run(BASE + 22, schedule, Some(date(2026, 6, 2)));
    assert!(!runs.update_run(&mut ghost).await.expect("update"), "an unclaimed run is not created");
    assert_eq!(run_ids(runs, schedule, 10).await.0, vec![mine.id.clone()]);
    let retry = run(BASE + 23, schedule, Some(date(2026, 6, 1)));
    assert!(!runs.claim_run(&retry, None).await.expect("claim"), "an updated run still holds its date");
}

async fn history(runs: &dyn ScheduleRunStore) {
    // 250 runs of one schedule (dated and run-now mixed), claimed out of time
    // order, interleaved with runs of another schedule.
    let schedule = "sch_history";
    let start = date(2025, 1, 1);
    let mut expected = Vec::new();
    for i in 0..250u64 {
        let ms = BASE + 1000 + (i * 7919) % 250;
        let day = (i % 5 != 0).then(|| start.checked_add(jiff::Span::new().days(i as i64)).expect("date"));
        let r = run(ms, schedule, day);
        assert!(runs.claim_run(&r, None).await.expect("claim"));
        expected.push(r.id);
        if i % 10 == 0 {
            assert!(runs.claim_run(&run(ms, "sch_history_other", day), None).await.expect("claim"));
        }
    }
    expected.sort_by(|a, b| b.cmp(a));
    let (seen, pages) = run_ids(runs, schedule, 100).await;
    assert_eq!(pages, 3, "250 runs make 3 pages of 100");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), seen.len(), "no run twice");
    assert_eq!(seen, expected, "every run once, newest (highest id) first");
    let (seen, pages) = run_ids(runs, schedule, 250).await;
    assert_eq!((seen.len(), pages), (250, 1), "no cursor when the page ends at the last item");
    let (seen, pages) = run_ids(runs, schedule, 125).await;
    assert_eq!((seen.len(), pages), (250, 2));
    assert_eq!(run_ids(runs, "sch_history_other", 10).await.0.len(), 25);
    assert_eq!(run_ids(runs, "sch_no_runs", 10).await, (Vec::new(), 1), "a schedule without runs has an empty page");

    for bad in ["not a cursor", "bm9wZQ"] {
        let got = runs.list_runs(schedule, &PageRequest { size: 10, cursor: Some(bad.into()) }).await;
        assert!(matches!(got, Err(PortError::BadCursor)), "cursor {bad:?} gave {got:?}");
    }
}

/// The same occurrence fired by several schedulers at once, each with its own
/// run and export: one claim wins, and only its run and export are stored.
async fn claim_race(runs: &Arc<dyn ScheduleRunStore>, exports: &Arc<dyn ExportStore>, round: u64) {
    let schedule = format!("sch_claim_race_{round}");
    let day = date(2026, 3, 29);
    let claims: Vec<(ScheduleRun, Export)> =
        (0..RACERS).map(|i| run_with_export(BASE + 5000 + round * 100 + i as u64, &schedule, Some(day))).collect();
    let won = race(|i| {
        let (runs, (r, e)) = (Arc::clone(runs), claims[i].clone());
        async move { runs.claim_run(&r, Some(&e)).await.expect("claim_run") }
    })
    .await;
    let winners: Vec<usize> = (0..RACERS).filter(|i| won[*i]).collect();
    assert_eq!(winners.len(), 1, "round {round}: {} of {RACERS} concurrent claims of one date won", winners.len());
    let (run, export) = &claims[winners[0]];
    assert_eq!(export_ids(exports.as_ref(), &schedule).await, vec![export.id.clone()], "round {round}: one export");
    assert_eq!(run_ids(runs.as_ref(), &schedule, 100).await.0, vec![run.id.clone()], "round {round}: one run");
    assert_eq!(runs.run_of_export(&schedule, &export.id).await.expect("run_of_export"), Some(run.clone()));
}

async fn run_now_race(runs: &Arc<dyn ScheduleRunStore>, round: u64) {
    let schedule = format!("sch_run_now_race_{round}");
    let claims: Vec<ScheduleRun> =
        (0..RACERS).map(|i| run(BASE + 7000 + round * 100 + i as u64, &schedule, None)).collect();
    let won = race(|i| {
        let (runs, r) = (Arc::clone(runs), claims[i].clone());
        async move { runs.claim_run(&r, None).await.expect("claim_run") }
    })
    .await;
    assert!(won.iter().all(|w| *w), "round {round}: run-now claims never collide: {won:?}");
    assert_eq!(run_ids(runs.as_ref(), &schedule, 100).await.0.len(), RACERS);
}

async fn update_race(runs: &Arc<dyn ScheduleRunStore>, round: u64) {
    let schedule = format!("sch_update_race_{round}");
    let original = run(BASE + 8000 + round, &schedule, Some(date(2026, 2, 2)));
    assert!(runs.claim_run(&original, None).await.expect("claim"));
    let results = race(|i| {
        let runs = Arc::clone(runs);
        let mut mine = original.clone();
        mine.status = RunStatus::Succeeded;
        mine.rows = Some(i as u64);
        async move {
            let won = runs.update_run(&mut mine).await.expect("update_run");
            (won, mine)
        }
    })
    .await;
    let winners: Vec<&ScheduleRun> = results.iter().filter(|(won, _)| *won).map(|(_, r)| r).collect();
    assert_eq!(winners.len(), 1, "round {round}: {} of {RACERS} updates from one version won", winners.len());
    let stored = runs.list_runs(&schedule, &PageRequest::first(10)).await.expect("list_runs");
    assert_eq!(stored.items, vec![winners[0].clone()], "the winner's write is the stored one");
    assert_eq!(winners[0].version, original.version + 1);
}
